"""cuda_nofma: which NVVM programs are compiled without multiply-add contraction.

The PTX-level check (every mxnb kernel that must round each step has only `.rn`
float adds and multiplies) is in `mxnb.kernels.cuda_ptx`, run by tests/cuda/test_ptx.py
where NVVM is installed; this covers the selection and the wrapper without NVVM.
"""
import pytest

from mxnb.kernels import cuda_nofma

KERNEL = "define void @_ZN6cudapy4mxnb7kernels14cuda_templates16bn_moving_float32(...)"
FUSED = "define void @_ZN6cudapy4mxnb7kernels14cuda_templates20exp_fwd_fmaok_float32(...)"
USERS = "define void @_ZN6cudapy8__main__6kernelB2v1(...)"
# numba-cuda 0.30 (seen on an H200) drops the cudapy namespace and quotes the name
KERNEL_NC = 'define void @"_ZN4mxnb7kernels14cuda_templates16bn_moving_float32"(...)'
USERS_NC = 'define void @"_ZN8__main__6kernelB2v1"(...)'


def test_only_mxnb_kernels_without_the_marker_are_unfused():
    assert cuda_nofma.wants_unfused([KERNEL, USERS])
    assert cuda_nofma.wants_unfused([KERNEL_NC])
    assert not cuda_nofma.wants_unfused([USERS_NC, KERNEL_NC])
    assert not cuda_nofma.wants_unfused([FUSED])
    assert not cuda_nofma.wants_unfused([USERS, KERNEL])  # a user's kernel calling mxnb code
    assert not cuda_nofma.wants_unfused([])


def test_the_wrapper_adds_fma_false_once(monkeypatch):
    nvvm = pytest.importorskip("numba.cuda.cudadrv.nvvm")
    seen = []
    monkeypatch.setattr(nvvm, "compile_ir", lambda irs, **opts: seen.append(opts) or b"ptx")
    monkeypatch.setattr(cuda_nofma, "_installed", False)
    cuda_nofma.install()
    cuda_nofma.install()  # idempotent: one wrapper, not two
    nvvm.compile_ir(KERNEL, arch="compute_90")
    nvvm.compile_ir([FUSED], arch="compute_90")
    nvvm.compile_ir([KERNEL], arch="compute_90", fastmath=True)
    assert seen == [{"arch": "compute_90", "fma": False}, {"arch": "compute_90"},
                    {"arch": "compute_90", "fastmath": True}]


def _fake_cuda(calls):
    class FakeCuda:
        @staticmethod
        def jit(*args, **kwargs):
            calls.append((args, kwargs))
            return args[0] if args else (lambda fn: fn)

    return FakeCuda


@pytest.mark.parametrize("lto_param", [True, False])
def test_exact_kernels_are_linked_without_lto(monkeypatch, lto_param):
    # numba-cuda's nvJitLink LTO fuses multiply-adds whatever NVVM was told (22 float32 kernels
    # were fused that way with numba-cuda 0.30.4); numba's own target has no `lto` at all
    cuda_build = pytest.importorskip("mxnb.kernels.cuda_build")
    monkeypatch.setattr(cuda_build, "_LTO_PARAM", lto_param)
    want = {"lto": False} if lto_param else {}
    assert cuda_build.jit_options("kl_stats_float32_0123456789") == want
    assert cuda_build.jit_options(f"exp_fwd_unary0_cuda_float32_{cuda_nofma.FMA_OK}_01") == {}


def test_the_kernel_goes_to_cuda_jit_positionally(monkeypatch):
    # numba-cuda 0.30.4's cuda.jit(**options)(fn) re-calls jit without `lto`, so an H200 run
    # with lto=False passed that way still linked with LTO
    cuda_build = pytest.importorskip("mxnb.kernels.cuda_build")
    calls = []
    monkeypatch.setattr(cuda_build, "cuda", _fake_cuda(calls))
    monkeypatch.setattr(cuda_build, "SIMULATOR", False)
    monkeypatch.setattr(cuda_build, "_LTO_PARAM", True)

    def kl_stats_float32_0123456789():
        pass

    assert cuda_build._jit(kl_stats_float32_0123456789) is kl_stats_float32_0123456789
    (args, kwargs), = calls
    assert args == (kl_stats_float32_0123456789,)
    assert kwargs == {"cache": cuda_build.cache_enabled(), "lto": False}
