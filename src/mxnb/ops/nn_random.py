"""Dropout, and the uniform draws of the random nn ops (Dropout, LeakyReLU rrelu).

Both draw from mxnb's random stream, the generator pool behind `mx.random.seed`
(the pool every CPU context shares, as in MXNet), so seeding makes them
reproducible. MXNet's exact consumption pattern for Dropout is not reproduced
(spec 6.3: [FREE]).

Dropout is active when `autograd.is_training()` or mode='always' (and p > 0):
each element (or each slice across `axes`, variational dropout) is kept with
probability 1 - p and scaled by 1 / (1 - p), as MXNet's mask
`(u < 1 - p) * (1 / (1 - p))`; p = 1 gives NaN as in MXNet (0 * inf). The mask
is a hidden output, so the backward is dy * mask.
"""
import numpy as np

from ..base import MXNetError
from .basic import _host
from .nn import bad_choice, float_dtype, is_train
from .registry import OPS, Op, fmt_shape, register

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def uniform(shape, dtype, low=0.0, high=1.0):
    """A float32 (float64 for float64 dtype) array of U[low, high) from the global CPU pool."""
    from ..context import cpu
    from ..ndarray import random as ndr

    out = np.empty(shape, _F64 if np.dtype(dtype) == _F64 else _F32)
    if out.size:
        with ndr._lock:
            ndr._pool(cpu()).uniform(out, low, high)
    return out


# ---------------------------------------------------------------- Dropout

_MODES = ("always", "training")


def _axes(op, attrs, x):
    axes = attrs["axes"]
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes or ())
    for a in axes:
        if not 0 <= int(a) < x.ndim:
            raise MXNetError(f"{op.name}: axes {axes}: index {a} must be in range [0, {x.ndim}) "
                             f"for data shape {fmt_shape(x.shape)}")
    return tuple(int(a) for a in axes)


def _p(op, attrs):
    p = float(attrs["p"])
    if not 0.0 <= p <= 1.0:
        raise MXNetError(f"{op.name}: p must be in [0, 1] (the fraction of the input dropped), "
                         f"got {attrs['p']}")
    return p


def _mask_shape(op, attrs, x):
    axes = _axes(op, attrs, x)
    return tuple(1 if i in axes else d for i, d in enumerate(x.shape))


def _do_infer(op, inputs, attrs):
    x = inputs[0]
    dt = float_dtype(op, x)
    _p(op, attrs)
    if attrs["mode"] not in _MODES:
        raise bad_choice(op, "mode", attrs["mode"], _MODES, x)
    return [(x.shape, dt), (_mask_shape(op, attrs, x), dt)]


def _active(op, attrs):
    return (is_train() or attrs["mode"] == "always") and _p(op, attrs) > 0


def _bmul(a, b, out):
    m = OPS["broadcast_mul"]
    m.forward(m, [a, b], [out], {})


def _do_forward(op, ins, outs, attrs):
    x = ins[0]
    out, mask = outs
    if not _active(op, attrs):
        np.copyto(out, x)
        mask[...] = 1
        return
    pkeep = np.float32(1.0 - _p(op, attrs))
    u = uniform(mask.shape, mask.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        # MXNet's mask: threshold in float, then times 1 / pkeep (inf when p = 1: NaN).
        m = (u < pkeep).astype(np.float32) * (np.float32(1) / pkeep)
    mask[...] = m
    _bmul(x, mask, out)


def _do_backward(op, dys, ins, outs, attrs):
    dx = np.empty(ins[0].shape, ins[0].dtype)
    _bmul(np.ascontiguousarray(dys[0]), outs[1], dx)
    return [dx]


register(Op("Dropout", ("data",),
            attrs=(("p", 0.5), ("mode", "training"), ("axes", ()), ("cudnn_off", False)),
            infer=_do_infer, forward=_host(_do_forward), backward=_do_backward,
            vjp=lambda op, dys, ins, outs, attrs: [dys[0] * outs[1]],
            num_visible=lambda attrs: 1,
            test={"skip": "every call draws a new mask; tests/test_nn_random.py checks the "
                          "gradients under a fixed seed"},
            doc="""Zero each element with probability p and scale the rest by 1 / (1 - p).

Active only in training mode (autograd.record(), autograd.train_mode()) or
with mode='always'; `axes` shares one draw across those axes.

>>> mx.nd.Dropout(mx.nd.ones((2, 2)))  # outside training: the identity
[[1. 1.]
 [1. 1.]]"""))
