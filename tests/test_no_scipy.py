"""A plain `pip install .` has no SciPy: Numba then has no BLAS for np.dot inside kernels, so
every op must run without it (the Winograd convolution falls back to im2col)."""
import subprocess
import sys
import textwrap


def test_ops_run_without_scipy():
    code = textwrap.dedent("""
        import importlib.util, sys
        sys.modules["scipy"] = None          # `import scipy` fails, as when it is not installed
        find = importlib.util.find_spec
        importlib.util.find_spec = lambda n, *a: None if n.split(".")[0] == "scipy" else find(n, *a)
        import numpy as np
        import mxnb as mx
        rng = np.random.RandomState(0)
        x = mx.nd.array(rng.rand(2, 4, 6, 6))
        w = mx.nd.array(rng.rand(4, 4, 3, 3))
        x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.Convolution(x, w, kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True)
        y.backward()
        ref = np.zeros((2, 4, 6, 6))
        xp = np.pad(x.asnumpy().astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
        for i in range(3):
            for j in range(3):
                ref += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + 6, j:j + 6],
                                 w.asnumpy()[:, :, i, j].astype(np.float64))
        assert np.allclose(y.asnumpy(), ref, rtol=1e-5), "convolution"
        d = mx.nd.dot(mx.nd.ones((3, 4)), mx.nd.ones((4, 2)))
        assert d.asnumpy().tolist() == [[4.0, 4.0]] * 3
        print("numba saw scipy:", "scipy.linalg" in sys.modules)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "numba saw scipy: False" in r.stdout


def test_first_kernel_call_does_not_import_scipy_linalg():
    # mxnb._jit._skip_blas_probe: numba's own BLAS probe would import all of scipy.linalg
    # (about 0.3 s) on the first kernel call; jitted np.dot must still work afterwards.
    code = textwrap.dedent("""
        import importlib.util, sys
        import numpy as np
        import mxnb as mx
        assert mx.nd.exp(mx.nd.ones((3,))).asnumpy()[0] == np.float32(np.e)
        print("scipy.linalg after exp:", "scipy.linalg" in sys.modules)
        import numba
        import numba.np.arraymath as am, numba.np.linalg as la
        assert am._HAVE_BLAS == (importlib.util.find_spec("scipy") is not None)
        assert am.ensure_blas is la.ensure_blas and la.ensure_blas.__name__ == "ensure_blas"
        if am._HAVE_BLAS:
            f = numba.njit(lambda a, b: np.dot(a, b))
            assert f(np.ones((2, 3)), np.ones((3, 2))).tolist() == [[3.0, 3.0]] * 2
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "scipy.linalg after exp: False" in r.stdout
