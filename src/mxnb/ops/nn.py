"""Neural-network activations: Activation, LeakyReLU, smooth_l1, and helpers shared by the nn ops.

Each activation is an elementwise op of the table (declared here with a
private name, `_softrelu`, `_elu`, ...), so it gets the elementwise kernels
(serial, parallel, float16, CUDA) and a VJP in mxnb ops. `Activation` and
`LeakyReLU` pick one of them by `act_type` and run its forward, fused
backward and VJP. The other nn families live in `nn_softmax.py`,
`nn_norm.py`, `nn_conv.py` and `nn_pool.py`.

MXNet differences decided here:
* selu's gradient is the true derivative lambda*alpha*exp(x) for x <= 0;
  MXNet 1.9.1 gives lambda*y + lambda*alpha (a bug: negative for x < -3). [FIX]
* rrelu returns [out, mask] as MXNet does; in training it draws one slope per
  element from U(lower_bound, upper_bound) on mxnb's random stream and the
  mask holds the slopes (MXNet 1.9.1 crashes there). In prediction the slope
  is (lower_bound + upper_bound) / 2 and the mask is zeros, as in MXNet; the
  gradient there is that slope for x <= 0 (MXNet 1.9.1 returns the output). [FIX]
"""
import math

import numpy as np

from ..autograd.engine import _state
from ..base import MXNetError
from .._dmlc_float import double_attr
from . import _nd as nd
from ._math import T, erf, exp, expm1, fabs, log1p
from .elemwise import binary, unary
from .registry import OPS, Op, fmt_shape, register

# ---------------------------------------------------------------- helpers shared by nn ops


def is_train():
    """MXNet's is_train flag for mode-dependent ops (Dropout, BatchNorm, rrelu)."""
    return _state.training


def shape_attr(op, name, value, ndim, default=None):
    """A Shape(tuple) attribute as a tuple of `ndim` ints; an int means (int,) as in MXNet."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        if default is None:
            return None
        return (default,) * ndim
    if isinstance(value, (int, np.integer)):
        value = (int(value),)
    value = tuple(int(v) for v in value)
    if len(value) != ndim:
        raise MXNetError(f"{op}: {name} must have the same number of dimensions as kernel, but "
                         f"kernel has {ndim} and {name} is {value}")
    return value


def check_inputs(op, inputs, names):
    """MXNet infers an op's input count from its attrs: check that the caller gave that many."""
    if len(inputs) != len(names):
        raise MXNetError(
            f"{op.name}: Operator {op.name} expects {len(names)} inputs ({', '.join(names)}), "
            f"but got {len(inputs)} instead")


def float_dtype(op, x, arg="data"):
    dt = np.dtype(x.dtype)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: This operation only support floating point types, not "
                         f"{dt.name} (argument {arg}, shape {fmt_shape(x.shape)})")
    return dt


def same_float_dtype(op, x, params, names):
    """nn layers take parameters of the data's dtype (float32 ones for float16 data)."""
    dt = float_dtype(op, x)
    want = np.dtype(np.float32) if dt == np.float16 else dt
    for p, n in zip(params, names):
        if np.dtype(p.dtype) != want:
            raise MXNetError(f"{op.name}: This layer requires uniform type. Expected "
                             f"'{want.name}' v.s. given '{np.dtype(p.dtype).name}' at '{n}'")
    return dt


def bad_choice(op, arg, value, choices, x):
    return MXNetError(
        f"{op.name}: Invalid Input: '{value}' for argument {arg}, valid values are: "
        "{" + ", ".join(f"'{c}'" for c in choices) + "}" + f" (data shape {fmt_shape(x.shape)})")


# ---------------------------------------------------------------- elementwise activations

_SELU_L = 1.0507009873554804934193349852946
_SELU_A = 1.6732632423543772848170429916717
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _sig(x):
    if x >= T(0):
        return T(1) / (T(1) + exp(-x))
    e = exp(x)
    return e / (T(1) + e)


def _softrelu(x):
    # log(1 + e^x) without overflow; above 20 it equals x in float32 (MXNet's threshold).
    return x if x > T(20) else log1p(exp(x))


def _gelu_grad(x):
    return T(0.5) * (T(1) + erf(x * T(_SQRT1_2))) + x * exp(T(-0.5) * x * x) * T(_INV_SQRT_2PI)


def _neg_part_exp(x):
    """exp(min(x, 0)) in mxnb ops: exp of the negative side without overflow on the other."""
    return nd.exp(nd.minimum(x, 0.0))


unary("_softrelu", _softrelu, lambda dy, x, y: dy * _sig(x),
      lambda g, x, y: g * nd.sigmoid(x), cost=8, doc="log(1 + exp(x)) (Activation softrelu).")
unary("_leaky", lambda x, s: x if x > T(0) else s * x,
      lambda dy, x, y, s: dy if x > T(0) else dy * s,
      lambda g, x, y, s: g * ((x > 0) + (x <= 0) * s), attrs=(("slope", 0.25),),
      smooth=False, doc="x if x > 0 else slope * x (LeakyReLU leaky).")
unary("_elu", lambda x, s: x if x > T(0) else s * expm1(x),
      lambda dy, x, y, s: dy if x > T(0) else dy * s * exp(x),
      lambda g, x, y, s: g * ((x > 0) + (x <= 0) * s * _neg_part_exp(x)),
      attrs=(("slope", 0.25),), cost=8, smooth=False,
      doc="x if x > 0 else slope * (exp(x) - 1) (LeakyReLU elu).")
unary("_selu", lambda x: T(_SELU_L) * x if x > T(0) else T(_SELU_L * _SELU_A) * expm1(x),
      lambda dy, x, y: dy * T(_SELU_L) if x > T(0) else dy * T(_SELU_L * _SELU_A) * exp(x),
      lambda g, x, y: g * ((x > 0) * _SELU_L + (x <= 0) * (_SELU_L * _SELU_A) * _neg_part_exp(x)),
      cost=8, smooth=False, doc="Scaled ELU (LeakyReLU selu).")
unary("_gelu", lambda x: T(0.5) * x * (T(1) + erf(x * T(_SQRT1_2))),
      lambda dy, x, y: dy * _gelu_grad(x),
      lambda g, x, y: g * (0.5 * (1 + nd.erf(x * _SQRT1_2))
                           + x * nd.exp(-0.5 * x * x) * _INV_SQRT_2PI),
      cost=8, doc="x * Phi(x), with the exact erf (LeakyReLU gelu).")
binary("_prelu", lambda a, b: a if a > T(0) else b * a,
       (lambda dy, a, b, y: dy if a > T(0) else dy * b,
        lambda dy, a, b, y: T(0) if a > T(0) else dy * a),
       lambda g, a, b, y: (g * ((a > 0) + (a <= 0) * b), g * (a <= 0) * a), smooth=False,
       doc="a if a > 0 else b * a, broadcasting (LeakyReLU prelu).")


def _smooth_l1(x, s):
    s2 = s * s
    if fabs(x) < T(1) / s2:
        return T(0.5) * x * x * s2
    return fabs(x) - T(0.5) / s2


def _smooth_l1_grad(dy, x, y, s):
    s2 = s * s
    if fabs(x) < T(1) / s2:
        return dy * x * s2
    return dy if x > T(0) else -dy


def _smooth_l1_vjp(g, x, y, s):
    s2 = float(s) * float(s)
    inner = nd.abs(x) < (1.0 / s2 if s2 else math.inf)
    return g * (inner * x * s2 + (1 - inner) * nd.sign(x))


_sl1 = unary("smooth_l1", _smooth_l1, _smooth_l1_grad, _smooth_l1_vjp, attrs=(("scalar", 1.0),),
             smooth=False, doc="""Smooth L1 loss with sigma = scalar:
0.5 * (sigma x)^2 where |x| < 1 / sigma^2, else |x| - 0.5 / sigma^2.

>>> mx.nd.smooth_l1(mx.nd.array([-2., 0.5]), scalar=1.0)
[1.5   0.125]""")
_sl1.parse = double_attr  # a binary-scalar op in MXNet: its `scalar` is a double

# ---------------------------------------------------------------- Activation

_ACTS = {"relu": "relu", "sigmoid": "sigmoid", "softrelu": "_softrelu", "softsign": "softsign",
         "tanh": "tanh"}


def _act(op, attrs, x):
    t = attrs["act_type"]
    if t not in _ACTS:
        raise bad_choice(op, "act_type", t, sorted(_ACTS), x)
    return OPS[_ACTS[t]]


def _act_infer(op, inputs, attrs):
    x = inputs[0]
    _act(op, attrs, x)
    return [(x.shape, np.dtype(x.dtype))]


def _act_forward(op, ins, outs, attrs):
    e = _act(op, attrs, ins[0])
    e.forward(e, ins, outs, {})


def _act_backward(op, dys, ins, outs, attrs):
    e = _act(op, attrs, ins[0])
    return e.backward(e, dys, ins, outs, {})


def _act_vjp(op, dys, ins, outs, attrs):
    e = _act(op, attrs, ins[0])
    return e.vjp(e, dys, ins, outs, {})


register(Op("Activation", ("data",), attrs=(("act_type", None),), infer=_act_infer,
            forward=_act_forward, backward=_act_backward, vjp=_act_vjp, smooth=False,
            test={"shapes": [(2, 3)], "cases": [{"act_type": t} for t in sorted(_ACTS)]},
            doc="""Elementwise activation: relu, sigmoid, tanh, softrelu (log(1+e^x)) or softsign.

>>> mx.nd.Activation(mx.nd.array([-1., 2.]), act_type='relu')
[0. 2.]"""))

# ---------------------------------------------------------------- LeakyReLU

_LEAKY = ("elu", "gelu", "leaky", "prelu", "rrelu", "selu")
_LEAKY_OPS = {"leaky": "_leaky", "elu": "_elu", "selu": "_selu", "gelu": "_gelu"}


def expand_gamma(gshape, dshape):
    """MXNet's expand_shape: align prelu's gamma with data axes 0 and 1, from the right."""
    result = [1] * len(dshape)
    s = len(gshape) - 1
    for i in range(len(dshape) - 1, -1, -1):
        if s >= 0 and i <= 1 and (dshape[i] == gshape[s] or gshape[s] == 1):
            result[i] = gshape[s]
            s -= 1
    if s != -1:
        raise MXNetError(f"LeakyReLU: Cannot broadcast gamma to data. gamma: {fmt_shape(gshape)}, "
                         f"data: {fmt_shape(dshape)}")
    return tuple(result)


def _leaky_infer(op, inputs, attrs):
    x = inputs[0]
    t = attrs["act_type"]
    if t not in _LEAKY:
        raise bad_choice(op, "act_type", t, _LEAKY, x)
    dt = np.dtype(x.dtype)
    if t == "prelu":
        check_inputs(op, inputs, ("data", "gamma"))
        g = inputs[1]
        if np.dtype(g.dtype) != dt:
            raise MXNetError(f"LeakyReLU: gamma must have the data's dtype {dt.name}, got "
                             f"{np.dtype(g.dtype).name}")
        expand_gamma(g.shape, x.shape)
        return [(x.shape, dt)]
    check_inputs(op, inputs, ("data",))
    if t == "rrelu":
        lo, hi = float(attrs["lower_bound"]), float(attrs["upper_bound"])
        if not lo <= hi:
            raise MXNetError(f"LeakyReLU: lower_bound {lo} must not exceed upper_bound {hi}")
        return [(x.shape, dt), (x.shape, dt)]
    return [(x.shape, dt)]


def _rrelu_visible(attrs):
    return 2 if attrs["act_type"] == "rrelu" else 1


def _slope_attrs(attrs):
    return {"slope": attrs["slope"]}


def _leaky_forward(op, ins, outs, attrs):
    t = attrs["act_type"]
    x = ins[0]
    if t == "prelu":
        e = OPS["_prelu"]
        e.forward(e, [x, ins[1].reshape(expand_gamma(ins[1].shape, x.shape))], outs, {})
    elif t == "rrelu":
        _rrelu_forward(x, outs[0], outs[1], attrs)
    else:
        e = OPS[_LEAKY_OPS[t]]
        e.forward(e, ins, outs, _slope_attrs(attrs))


def _leaky_backward(op, dys, ins, outs, attrs):
    t = attrs["act_type"]
    x, dy = ins[0], dys[0]
    if t == "prelu":
        e = OPS["_prelu"]
        gshape = expand_gamma(ins[1].shape, x.shape)
        dx, dg = e.backward(e, [dy], [x, ins[1].reshape(gshape)], outs, {})
        axes = tuple(i for i, d in enumerate(gshape) if d == 1 and x.shape[i] != 1)
        dg = np.sum(dg, axis=axes, keepdims=True).reshape(ins[1].shape).astype(x.dtype)
        return [dx, dg]
    if t == "rrelu":
        slope = outs[1] if outs[1].any() else _rrelu_mean(attrs, x.dtype)
        return [np.where(x > 0, dy, dy * slope).astype(x.dtype, copy=False)]
    e = OPS[_LEAKY_OPS[t]]
    return e.backward(e, [dy], ins, outs[:1], _slope_attrs(attrs))


def _leaky_vjp(op, dys, ins, outs, attrs):
    t = attrs["act_type"]
    x, g = ins[0], dys[0]
    if t == "prelu":
        gamma = ins[1]
        gshape = expand_gamma(gamma.shape, x.shape)
        gb = nd.reshape(gamma, shape=gshape)
        neg = x <= 0
        dx = g * ((x > 0) + neg * gb)
        dg = nd.reshape(nd._sum_to(g * neg * x, shape=gshape), shape=gamma.shape)
        return [dx, dg]
    if t == "rrelu":
        slope = outs[1] if outs[1].asnumpy().any() else _rrelu_mean(attrs, x.dtype)
        return [g * ((x > 0) + (x <= 0) * slope)]
    e = OPS[_LEAKY_OPS[t]]
    return e.vjp(e, [g], ins, outs[:1], _slope_attrs(attrs))


def _rrelu_mean(attrs, dtype):
    return np.dtype(dtype).type((float(attrs["lower_bound"]) + float(attrs["upper_bound"])) / 2)


def _rrelu_forward(x, out, mask, attrs):
    if is_train():
        from .nn_random import uniform

        lo, hi = float(attrs["lower_bound"]), float(attrs["upper_bound"])
        mask[...] = uniform(x.shape, x.dtype, lo, hi)
        np.copyto(out, np.where(x > 0, x, x * mask))
    else:
        mask[...] = 0
        np.copyto(out, np.where(x > 0, x, x * _rrelu_mean(attrs, x.dtype)))


register(Op("LeakyReLU", ("data", "gamma"), optional_inputs=("gamma",),
            attrs=(("act_type", "leaky"), ("slope", 0.25), ("lower_bound", 0.125),
                   ("upper_bound", 0.334)),
            infer=_leaky_infer, forward=_leaky_forward, backward=_leaky_backward,
            vjp=_leaky_vjp, num_visible=_rrelu_visible, smooth=False,
            test={"cases": [
                {"inputs": lambda rng: [rng.uniform(-2, 2, (2, 3))], "act_type": t, "slope": 0.3}
                for t in ("leaky", "elu", "selu", "gelu")] + [
                {"shapes": [(2, 3, 4), (3,)], "act_type": "prelu",
                 "domain": ((-2.0, 2.0), (0.1, 0.5))}]},
            doc="""Leaky activations: leaky, prelu (learned slope gamma), elu, selu, gelu, rrelu.

For prelu, gamma aligns with data axes 0 and 1 from the right (per channel for
shape (C,)). rrelu returns [out, mask].

>>> mx.nd.LeakyReLU(mx.nd.array([-1., 2.]), act_type='leaky', slope=0.1)
[-0.1  2. ]"""))
