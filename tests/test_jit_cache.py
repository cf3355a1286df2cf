"""`mxnb._jit`: a kernel found in numba's disk cache loads without numba's full compiler set-up
(`_lazy_refresh_on_cache_hit`), and everything numba compiles afterwards still works."""
import subprocess
import sys
import textwrap

WARM = "import mxnb as mx; mx.nd.exp(mx.nd.ones((100,))); mx.nd.exp(mx.nd.ones((2000000,)))"

CHECK = textwrap.dedent("""
    import sys
    import numpy as np
    import mxnb as mx
    from mxnb import _jit
    small = mx.nd.exp(mx.nd.ones((100,))).asnumpy()
    big = mx.nd.exp(mx.nd.ones((2000000,))).asnumpy()      # the parallel variant
    assert (small == np.float32(np.e)).all() and (big == np.float32(np.e)).all()
    print("registries loaded:", "numba.np.arraymath" in sys.modules)
    # A compile after the lazy loads: numba refreshes the target itself.
    nb = _jit.numba()
    f = nb.njit(lambda a: np.sum(np.sort(a)) + np.exp(a[0]))
    assert abs(f(np.array([3.0, 1.0, 2.0])) - (6.0 + np.exp(3.0))) < 1e-12
    print("compiled after:", "numba.np.arraymath" in sys.modules)
""")


def _run(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_cache_hit_loads_without_registries_and_compiles_after():
    _run(WARM)  # fills the cache where this checkout's is cold
    out = _run(CHECK)
    assert "registries loaded: False" in out, out
    assert "compiled after: True" in out, out


def test_lazy_path_is_skipped_without_a_cache():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=600, env={**__import__("os").environ, "MXNB_NO_CACHE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "registries loaded: True" in out.stdout
