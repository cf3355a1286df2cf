"""The kernel layer: broadcast plans, the build cache, variant choice, fork safety, import cost."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError
from mxnb.kernels import bcast


def _run(code, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=e, timeout=300)


def test_import_does_not_import_numba():
    r = _run("import sys, mxnb; print('numba' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_broadcast_plan_compacts_to_four_dims():
    out, dims, sa, sb = bcast.plan((2, 3, 4), (3, 1))
    assert out == (2, 3, 4) and dims == (1, 2, 3, 4) and sa == (0, 12, 4, 1) and sb == (0, 0, 1, 0)
    out, dims, sa, sb = bcast.plan((5,), (1,))
    assert dims == (1, 1, 1, 5) and sa == (0, 0, 0, 1) and sb == (0, 0, 0, 0)
    _, dims, _, _ = bcast.plan((2, 1, 3, 1, 2, 1), (1, 2, 1, 3, 1, 2))
    assert dims is None  # six alternating groups: the caller materialises
    with pytest.raises(MXNetError, match=r"shapes \[2,3\] \[3,2\]"):
        bcast.plan((2, 3), (3, 2))
    assert bcast.reduce_axes((3, 1), (2, 3, 4)) == (0, 2)


def test_one_signature_per_kernel():
    x = mx.nd.ones((5,))
    mx.nd.exp(x)
    mx.nd.exp(x.reshape((1, 5)))
    from mxnb.kernels import builder

    for key, k in builder._kernels.items():
        if key[0] == "exp":
            assert len(k.signatures) == 1


def test_cache_falls_back_when_nothing_is_writable(tmp_path):
    """With an unwritable cache dir, kernels still compile (temporary dir or no cache)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    r = _run("""
        import mxnb as mx
        print(mx.nd.exp(mx.nd.zeros((2,))).asnumpy().tolist())
        from mxnb import _jit
        print(_jit.cache_enabled() in (True, False))
    """, env={"NUMBA_CACHE_DIR": str(ro)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == "[1.0, 1.0]"


def test_kernels_load_from_the_disk_cache(tmp_path):
    code = """
        import mxnb as mx
        from mxnb.kernels import builder
        mx.nd.sigmoid(mx.nd.ones((3,)))
        k = [v for key, v in builder._kernels.items() if key[0] == 'sigmoid'][0]
        print(sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()))
    """
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    first = _run(code, env)
    second = _run(code, env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.split() == ["0", "1"]
    assert second.stdout.split() == ["1", "0"]


def test_forked_child_after_parallel_runs_serial():
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    r = _run("""
        import os
        import mxnb as mx
        from mxnb.base import settings
        from mxnb.kernels import builder
        settings.par_min = 0
        x = mx.nd.ones((100000,))
        mx.nd.exp(x)                      # the parent uses the parallel kernel
        pid = os.fork()
        if pid == 0:
            ok = not builder.use_parallel(10 ** 7, 8) or builder._par['layer'] != 'omp'
            y = mx.nd.exp(x).asnumpy()    # must not abort the child
            os._exit(0 if ok and abs(y[0] - 2.7182817) < 1e-6 else 3)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0"


def test_set_num_threads():
    mx.set_num_threads(1)
    from mxnb.kernels import builder

    try:
        assert not builder.use_parallel(10 ** 9, 8)
    finally:
        from mxnb.base import settings

        settings.num_threads = 0
    with pytest.raises(ValueError):
        mx.set_num_threads(0)


def test_hot_kernels_vectorise():
    """A change that silently stops SIMD makes a kernel ~10x slower: catch it.

    Runs without the disk cache: numba cannot show the LLVM IR of cached code.
    """
    r = _run("""
        import numpy as np
        from mxnb.kernels import builder, templates
        from mxnb.ops import OPS
        a = np.ones(64, np.float32)
        for name, tmpl in (("elemwise_add", templates.binary), ("relu", templates.unary0),
                           ("sigmoid", templates.unary0), ("exp", templates.unary0)):
            k = builder.elementwise_kernel(OPS[name], "fwd", tmpl, "ser", np.dtype(np.float32))
            if tmpl is templates.binary:
                k(a, a, np.empty_like(a))
            else:
                k(a, np.empty_like(a), 0.0, 0.0)
            llvm = k.inspect_llvm(k.signatures[0])
            print(name, any(f"<{w} x float>" in llvm for w in (4, 8, 16)))
    """, env={"MXNB_NO_CACHE": "1"})
    assert r.returncode == 0, r.stderr
    lines = dict(line.split() for line in r.stdout.strip().splitlines())
    # exp vectorises: glibc's expf written without its table (kernels/libm_f32.py).
    for name in ("elemwise_add", "relu", "sigmoid", "exp"):
        assert lines[name] == "True", f"{name} kernel is not vectorised"


def test_large_output_buffers_are_reused_only_when_free():
    from mxnb import _alloc

    x = mx.nd.ones((1 << 19,))
    y = mx.nd.exp(x)
    p = y._data.ctypes.data
    alias = np.asarray(y)
    view = y[10:20]
    del y
    z = mx.nd.exp(x)
    assert z._data.ctypes.data != p  # the alias and the view still hold the first buffer
    del alias, view
    w = mx.nd.sigmoid(x)
    assert w._data.ctypes.data == p
    np.testing.assert_allclose(z.asnumpy()[:3], np.e, rtol=1e-6)
    _alloc.clear()
