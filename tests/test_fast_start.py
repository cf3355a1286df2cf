"""`mxnb._fast_start`: a warm-cache start skips numba's runtime compile and the import of
`numpy.ma`, and gives the same types and the same working runtime as numba's own paths."""
import hashlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mxnb import _jit

WARM = "import mxnb as mx; mx.nd.exp(mx.nd.ones((100,))).wait_to_read()"

# Runs after _jit.numba() has installed the patches, before the runtime starts.
USE_RUNTIME = textwrap.dedent("""
    import numpy as np
    import mxnb as mx
    assert (mx.nd.exp(mx.nd.ones((100,))).asnumpy() == np.float32(np.e)).all()
    import sys
    print("numpy.ma imported:", "numpy.ma" in sys.modules)   # numba's compiles below import it
    f = nb.njit(lambda n: np.arange(n) * 2.0)   # allocates: the runtime's own functions
    assert f(5).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    g = nb.njit(lambda a: a[1:].copy())          # an incref, a decref and a free
    assert [g(f(4)).sum() for _ in range(3)] == [12.0] * 3
""")


def _run(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_runtime_loads_from_the_cache_without_compiling():
    _run(WARM)
    out = _run(textwrap.dedent("""
        import sys
        from mxnb import _jit
        nb = _jit.numba()
        from numba.core.runtime import nrtdynmod
        def no_compile(ctx):
            raise AssertionError("numba's runtime module was compiled, not loaded")
        nrtdynmod.create_nrt_module = no_compile
    """) + USE_RUNTIME)
    assert "numpy.ma imported: False" in out, out


def test_a_damaged_runtime_cache_file_is_compiled_and_rewritten():
    out = _run(textwrap.dedent("""
        import hashlib
        from mxnb import _jit, _fast_start
        nb = _jit.numba()
        from numba.core.registry import cpu_target
        path, key = _fast_start.nrt_cache_path(_jit._state["cache_dir"],
                                               cpu_target.target_context.codegen())
        with open(path, "wb") as f:
            f.write(b"not an object file" * 10)
    """) + USE_RUNTIME + textwrap.dedent("""
        blob = open(path, "rb").read()
        print("rewritten:", hashlib.sha256(blob[32:]).digest() == blob[:32])
    """))
    assert "rewritten: True" in out, out


def test_load_rejects_a_bad_digest_and_a_foreign_key(tmp_path):
    from mxnb import _fast_start

    path = tmp_path / "x.nbo"
    path.write_bytes(b"\0" * 32 + b"payload")
    assert _fast_start._load_nrt(None, str(path), "k") is None
    import pickle

    payload = pickle.dumps(("other numba", ("nrt", "object", (b"", b""))))
    path.write_bytes(hashlib.sha256(payload).digest() + payload)
    assert _fast_start._load_nrt(None, str(path), "k") is None
    assert _fast_start._load_nrt(None, str(tmp_path / "missing"), "k") is None


@pytest.mark.parametrize("dtype", ["f4", "f8", "f2", "i1", "u1", "i4", "i8", "?", "c8", "c16",
                                   "M8[D]", "m8[s]", [("a", "f4"), ("b", "i8")]])
def test_ndarray_typeof_matches_numbas(dtype):
    _jit.numba()
    from numba.core.typing.typeof import Purpose, typeof, typeof_impl

    fast = typeof_impl.dispatch(np.ndarray)
    assert getattr(fast, "_mxnb", False)
    base = np.zeros((4, 6), dtype=dtype)
    ro = base.copy()
    ro.flags.writeable = False
    for a in (base, np.asfortranarray(base), base[:, ::2], base[1], base[0, 0:1], ro,
              np.zeros((), dtype=dtype), base.T):
        assert typeof(a, Purpose.argument) == fast.real(a, None), (a.shape, a.strides)


def test_ndarray_typeof_leaves_subclasses_and_bad_dtypes_to_numba():
    _jit.numba()
    from numba.core import errors
    from numba.core.typing.typeof import Purpose, typeof

    with pytest.raises(errors.NumbaError, match="MaskedArray"):
        typeof(np.ma.array([1.0, 2.0]), Purpose.argument)
    with pytest.raises(errors.NumbaError, match="Unsupported array dtype"):
        typeof(np.zeros(2, dtype=np.longdouble), Purpose.argument)
    class Sub(np.ndarray):
        pass

    assert str(typeof(np.zeros((2, 3)).view(Sub), Purpose.argument)) == "array(float64, 2d, C)"
