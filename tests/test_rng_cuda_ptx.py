"""Compile every CUDA kernel of the random stream to PTX (a real NVVM compile).

Skipped where NVVM is not installed, and under the simulator. Needs no GPU.
"""
import os

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1",
                                reason="the simulator has no NVVM")

SIGS = {
    "uniform_c32": "void(uint32[:,::1], int64[::1], float32[::1], int64, int64, "
                   "float32[::1], float32[::1], int64, int64)",
    "uniform_c64": "void(uint32[:,::1], int64[::1], float64[::1], int64, int64, "
                   "float64[::1], float64[::1], int64, int64)",
    "normal_c32": "void(uint32[:,::1], int64[::1], float32[::1], int64, int64, "
                  "float32[::1], float32[::1], int64, int64)",
    "normal_c64": "void(uint32[:,::1], int64[::1], float32[::1], int64, int64, "
                  "float64[::1], float64[::1], int64, int64)",
    "randint": "void(uint32[:,::1], int64[::1], int32[::1], int64, int64, int64[::1], int64[::1], "
               "int64, int64)",
}


@pytest.fixture(scope="module")
def cuda_mod():
    from numba import cuda

    try:
        from numba.cuda.cudadrv import nvvm

        ok = nvvm.is_available()
    except Exception:
        ok = False
    if not ok:
        pytest.skip("NVVM is not available")
    return cuda


@pytest.mark.parametrize("name", sorted(SIGS))
def test_kernel_compiles_to_ptx(cuda_mod, name, monkeypatch):
    import numba.cuda.dispatcher as dispatcher

    # Numba's built-in target asks the current device for its compute
    # capability when it compiles a device function; without a GPU, say 8.0.
    try:
        dispatcher.get_current_device()
    except Exception:
        class _Device:
            compute_capability = (8, 0)

        monkeypatch.setattr(dispatcher, "get_current_device", lambda: _Device())
    from mxnb._rng import cuda_block

    ptx, _ = cuda_mod.compile_ptx(cuda_block.KERNELS[name].py_func, SIGS[name], cc=(8, 0))
    assert ".entry" in ptx and "bar.sync" in ptx    # one block cooperates on a generator
    if name.endswith("c32"):
        # float32 arithmetic must not be contracted into FMAs (the CPU does not)
        body = ptx.split(".entry", 1)[1]
        assert "mul.rn.f32" in body and "add.rn.f32" in body
