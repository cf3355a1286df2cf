"""ops/misc.py on mx.gpu(): each gives the CPU's numbers (including the auxiliary state
IdentityAttachKLSparseReg updates in its backward); device kernels, fft/ifft through the host."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd


def _run(ctx):
    out = {}
    x = mx.nd.array([[1, 2, 3, 4.0]], ctx=ctx)
    out["fft"] = mx.nd.contrib.fft(x).asnumpy()
    out["ifft"] = mx.nd.contrib.ifft(x).asnumpy()
    y = mx.nd.zeros((2, 3), ctx=ctx)
    y.slice_assign_scalar(2, (1,), (2,), ())
    y.slice_assign(mx.nd.ones((1, 2), ctx=ctx), (0, 1), (1, 3), ())
    out["slice_assign"] = y.asnumpy()
    x = mx.nd.array([[0.2, 0.7, 0.1], [0.5, 0.9, 0.3]], ctx=ctx)
    ma = mx.nd.array([0.1, 0.5, 0.3], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        r = mx.nd.IdentityAttachKLSparseReg(x, ma)
    r.backward()
    out["kl"], out["kl_ma"] = x.grad.asnumpy(), ma.asnumpy()
    x = mx.nd.array([[0.5, -0.3, 1.7, -2.0]], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        r = mx.nd.SVMOutput(x, mx.nd.array([2], ctx=ctx))
    r.backward()
    out["svm"] = x.grad.asnumpy()
    out["round_ste"] = mx.nd.contrib.round_ste(mx.nd.array([-2.5, 0.4], ctx=ctx)).asnumpy()
    x = mx.nd.array(np.arange(25.0).reshape(1, 1, 5, 5), ctx=ctx)
    out["pool_v1"] = mx.nd.Pooling_v1(x, kernel=(2, 2), pool_type="avg", stride=(2, 2),
                                      pooling_convention="full").asnumpy()
    out["sketch"] = mx.nd.contrib.count_sketch(
        mx.nd.array([[1.0, 2, 3]], ctx=ctx), mx.nd.array([[0, 1, 0]], ctx=ctx),
        mx.nd.array([[1, -1, 1]], ctx=ctx), out_dim=2).asnumpy()
    return out


def test_misc_ops_on_gpu_match_cpu():
    gpu, cpu = _run(mx.gpu()), _run(mx.cpu())
    for k in cpu:
        assert np.array_equal(gpu[k], cpu[k]), k
    assert cpu["sketch"].tolist() == [[4.0, -2.0]]


def test_exact_kernels_are_linked_without_lto():
    # On a card with numba-cuda: nvJitLink's LTO would fuse the moving average's multiply-add
    # (0.53000003 where MXNet has 0.53); see cuda_build.jit_options. The simulator links nothing.
    from mxnb.kernels import cuda_build, cuda_vision
    from mxnb.kernels.cuda_common import kernel

    if cuda_build.SIMULATOR or not cuda_build._LTO_PARAM:
        pytest.skip("no link step here (simulator, or numba's own CUDA target)")
    _run(mx.gpu())  # launches kl_stats
    k = kernel(cuda_vision.kl_stats, "float32")
    assert k.targetoptions["lto"] is False
    assert k.overloads and all(not o._codelibrary._lto for o in k.overloads.values())
