"""Copies, fills, reshapes, casts and sums on mx.gpu(): the ops that are a pass or two of
plain kernels.

reshape, reshape_like, expand_dims, squeeze and flatten copy their input's
buffer into the output (a new shape over the same elements in the same order);
BlockGrad, make_loss/MakeLoss and contrib's gradientmultiplier are the identity
forward. These used to go through the host (`cuda_launch.host_fallback`): two
transfers of the whole array each call, between a Convolution and a
FullyConnected on the card, say. Here the copy stays on the device.

Backward: the reshapes hand dy back under the input's shape (a view, as the CPU
does); the loss markers fill their gradient (`grad_scale`, normalised as the
CPU's `_loss_grad` says); gradientmultiplier scales dy with the `_mul_scalar`
kernel (the scalar cast to the dtype first, as NumPy does on the CPU).
zeros_like/ones_like fill on the device; shape_array/size_array write a few
integers they know without reading the input. add_n adds its inputs into the
output one after another in the output's dtype (NumPy's order and rounding on the
CPU); amp_cast is the cast kernel.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch, plain
from .cuda_common import as_dtype, flat

_RESHAPES = ("reshape", "reshape_like", "expand_dims", "squeeze", "flatten")
_IDENTITY = ("BlockGrad", "make_loss", "MakeLoss", "_gradientmultiplier")


def _copy_fwd(op, ins, outs, attrs):
    if outs[0].size:
        flat(outs[0]).copy_to_device(flat(ins[0]))


def _fill_fwd(value):
    def fwd(op, ins, outs, attrs):
        cuda_launch.fill(outs[0], value)

    return fwd


def _known_fwd(values):
    def fwd(op, ins, outs, attrs):
        outs[0].copy_to_device(np.asarray(values(ins[0]), dtype=np.dtype(outs[0].dtype)))

    return fwd


def _reshape_bwd(op, dys, ins, outs, attrs):
    # the op's own backward only reshapes dy, which device arrays support
    return op.backward(op, dys, ins, outs, attrs)


def _loss_bwd(op, dys, ins, outs, attrs):
    from ..ops.compat import _loss_grad

    x = ins[0]
    # 'valid' counts elements above a threshold: the one case that reads the data
    seen = cuda_launch.to_host(x) if attrs.get("normalization", "null") == "valid" else x
    return [cuda_launch.full(x.shape, x.dtype, _loss_grad(op, seen, attrs))]


def _multiplier_bwd(op, dys, ins, outs, attrs):
    from ..ops.elemwise import _params
    from ..ops.registry import OPS

    dy = dys[0]
    mul = OPS["_mul_scalar"]
    out = cuda_launch.empty(dy.shape, dy.dtype)
    cuda_launch.unary(mul, dy, out, _params(mul, {"scalar": float(attrs["scalar"])},
                                            np.dtype(dy.dtype)))
    return [out]


def _add_n_fwd(op, ins, outs, attrs):
    out = flat(outs[0])
    if out.size:
        out.copy_to_device(flat(ins[0]))
        k = plain("add", out.dtype)
        for x in ins[1:]:
            launch(k, out.size, out, flat(x), out)


def _add_n_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    grads = []
    for _ in ins:   # one buffer each, as the CPU's copies (the engine may add into them)
        g = cuda_launch.empty(dy.shape, dy.dtype)
        g.copy_to_device(dy)
        grads.append(g)
    return grads


def _amp_fwd(op, ins, outs, attrs):
    if np.dtype(ins[0].dtype) == np.dtype(outs[0].dtype):
        _copy_fwd(op, ins, outs, attrs)
    elif outs[0].size:
        cuda_launch.cast_into(ins[0], outs[0])


def _amp_bwd(op, dys, ins, outs, attrs):
    return [as_dtype(dys[0], ins[0].dtype)]


FORWARD = {name: _copy_fwd for name in _RESHAPES + _IDENTITY}
FORWARD.update({
    "zeros_like": _fill_fwd(0),
    "ones_like": _fill_fwd(1),
    "shape_array": _known_fwd(lambda x: x.shape),
    "size_array": _known_fwd(lambda x: [x.size]),
    "add_n": _add_n_fwd,
    "amp_cast": _amp_fwd,
})
BACKWARD = {name: _reshape_bwd for name in _RESHAPES}
BACKWARD.update({"make_loss": _loss_bwd, "MakeLoss": _loss_bwd,
                 "_gradientmultiplier": _multiplier_bwd, "add_n": _add_n_bwd,
                 "amp_cast": _amp_bwd})


def ptx_jobs(dtypes):
    """No kernels of its own: copies, `fill` and `_mul_scalar` are checked with theirs."""
    return []
