"""Ops MXNet 1.x code calls that the op families lack: BlockGrad, make_loss/MakeLoss, add_n,
logical_not, hard_sigmoid. Each behaves as in MXNet 1.9.1 (tools/diff found them missing).

`make_loss` and `MakeLoss` are MXNet's loss markers: the forward is the identity and the
backward ignores the head gradient (the gradient of a loss is one, times `grad_scale`).
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from ._math import T
from .basic import _host, _same
from .elemwise import unary
from .registry import Op, fmt_shape, register


def _copy_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0])


# ---------------------------------------------------------------- BlockGrad

register(Op("BlockGrad", ("data",), aliases=("stop_gradient",), infer=_same,
            forward=_host(_copy_fwd), zero_grad=True,
            doc="The data, with no gradient flowing back: y = BlockGrad(x) (dy/dx = 0).",
            test={"shapes": [(2, 3)]}))

# ---------------------------------------------------------------- make_loss / MakeLoss


def _loss_grad(op, x, attrs):
    """MXNet's loss gradient: grad_scale, divided by the batch or by the valid count."""
    scale = float(attrs.get("grad_scale", 1.0))
    norm = attrs.get("normalization", "null")
    if norm == "batch":
        scale /= x.shape[0]
    elif norm == "valid":
        scale /= max(1.0, float(np.count_nonzero(x > float(attrs.get("valid_thresh", 0.0)))))
    elif norm != "null":
        raise MXNetError(f"{op.name}: Invalid Input: '{norm}', valid values are: "
                         "{'batch', 'null', 'valid'}")
    return scale


def _loss_bwd(op, dys, ins, outs, attrs):
    return [np.full(ins[0].shape, _loss_grad(op, ins[0], attrs), dtype=ins[0].dtype)]


def _loss_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    return [nd.ones_like(x) * _loss_grad(op, x.asnumpy(), attrs)]


_SKIP = {"skip": "the gradient ignores the head gradient by design (MXNet's loss marker); "
                 "tests/test_compat_ops.py pins it"}
register(Op("make_loss", ("data",), infer=_same, forward=_host(_copy_fwd), backward=_loss_bwd,
            vjp=_loss_vjp, smooth=False, test=_SKIP,
            doc="Mark `data` as a loss: identity forward, gradient one whatever the head gradient."))
register(Op("MakeLoss", ("data",), attrs=(("grad_scale", 1.0), ("valid_thresh", 0.0),
                                          ("normalization", "null")),
            infer=_same, forward=_host(_copy_fwd), backward=_loss_bwd, vjp=_loss_vjp,
            smooth=False, test=_SKIP,
            doc="make_loss with a gradient of `grad_scale` (divided by the batch size for "
                "normalization='batch', by the count of elements > valid_thresh for 'valid')."))

# ---------------------------------------------------------------- add_n


def _add_n_infer(op, inputs, attrs):
    if not inputs:
        raise MXNetError(f"{op.name}: value 0 for Parameter num_args should be greater equal "
                         "to 1 (no input arrays)")
    first = inputs[0]
    for i, x in enumerate(inputs):
        if x.shape != first.shape:
            raise MXNetError(f"{op.name}: Incompatible attr in node  at {i}-th input: expected "
                             f"{fmt_shape(first.shape)}, got {fmt_shape(x.shape)}")
        if np.dtype(x.dtype) != np.dtype(first.dtype):
            raise MXNetError(f"{op.name}: Incompatible attr in node  at {i}-th input: expected "
                             f"{np.dtype(first.dtype).name}, got {np.dtype(x.dtype).name}")
    return [(first.shape, np.dtype(first.dtype))]


def _add_n_fwd(op, ins, outs, attrs):
    out = outs[0]
    np.copyto(out, ins[0])
    for x in ins[1:]:
        np.add(out, x, out=out)


_add_n = Op("add_n", ("args",), aliases=("ElementWiseSum",), attrs=(("num_args", None),),
            infer=_add_n_infer, forward=_host(_add_n_fwd),
            backward=lambda op, dys, ins, outs, attrs: [dys[0].copy() for _ in ins],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0] for _ in ins],
            doc="Sum of any number of same-shape arrays: add_n(a, b, c).",
            test={"inputs": lambda rng: [rng.uniform(-2, 2, (2, 3)) for _ in range(3)]})
_add_n.attrs = (("num_args", "None"),)
_add_n.variadic = True
register(_add_n)

# ---------------------------------------------------------------- logical_not, hard_sigmoid


def _hard_sigmoid(x, alpha, beta):
    y = alpha * x + beta
    return T(1) if y > T(1) else (T(0) if y < T(0) else y)


def _hard_sigmoid_bwd(dy, x, y, alpha, beta):
    return dy * alpha if (y > T(0) and y < T(1)) else T(0)


unary("logical_not", lambda x: T(1) if x == T(0) else T(0), zero_grad=True, exact=True,
      doc="1 where x is 0, else 0, in x's dtype.")
unary("hard_sigmoid", _hard_sigmoid, _hard_sigmoid_bwd,
      lambda g, x, y, alpha, beta: g * alpha * ((y > 0) * (y < 1)),
      attrs=(("alpha", 0.2), ("beta", 0.5)), smooth=False,
      doc="clip(alpha * x + beta, 0, 1), alpha=0.2 and beta=0.5 by default.")
