"""Ops MXNet 1.x code calls that the op families lack: BlockGrad, make_loss/MakeLoss, add_n,
logical_not, hard_sigmoid. Each behaves as in MXNet 1.9.1 (tools/diff found them missing).

`make_loss` and `MakeLoss` are MXNet's loss markers: the forward is the identity and the
backward ignores the head gradient (the gradient of a loss is one, times `grad_scale`).
"""
import numpy as np

from ..base import MXNetError, normalize_dtype
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
            doc="Mark `data` as a loss: identity forward, gradient one whatever the head "
                "gradient."))
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
      attrs=(("alpha", 0.2), ("beta", 0.5)), smooth=False, gpu_fma=False,
      doc="clip(alpha * x + beta, 0, 1), alpha=0.2 and beta=0.5 by default.")



def _quad_params(attrs):
    # MXNet's a, b, c are `float` parameters: dmlc's float32 parse of str(v).
    from .._dmlc_float import single_attr, stof

    return [np.float32(stof(v) if isinstance(v, str) else single_attr(float(v)))
            for v in (attrs["a"], attrs["b"], attrs["c"])]


def _quad_compute_type(dtype):
    # float64 computes in double; every other dtype (float16 and the integers included) in
    # float32, as MXNet's `a * x` with a float `a` promotes; the store casts back (integers
    # truncate toward zero, as a C cast does).
    return np.float64 if dtype == np.float64 else np.float32


def _quadratic_fwd(op, ins, outs, attrs):
    ct = _quad_compute_type(ins[0].dtype)
    a, b, c = (ct(p) for p in _quad_params(attrs))
    x = ins[0].astype(ct, copy=False)
    # x * (a * x + b) + c in Horner's form, each step rounded on its own (NumPy never fuses):
    # MXNet's kernel, bit for bit.
    r = a * x
    r += b
    r *= x
    r += c
    np.copyto(outs[0], r, casting="unsafe")


def _quadratic_bwd(op, dys, ins, outs, attrs):
    ct = _quad_compute_type(ins[0].dtype)
    a, b, _ = (ct(p) for p in _quad_params(attrs))
    x = ins[0].astype(ct, copy=False)
    g = (ct(2) * a) * x   # MXNet: out_grad * (2 * a * in_data + b)
    g += b
    g *= dys[0].astype(ct, copy=False)
    return [g.astype(ins[0].dtype, copy=False)]


def _quadratic_vjp(op, dys, ins, outs, attrs):
    a, b, _ = (float(p) for p in _quad_params(attrs))
    return [dys[0] * (ins[0] * (2.0 * a) + b)]


register(Op("_contrib_quadratic", ("data",), attrs=(("a", 0.0), ("b", 0.0), ("c", 0.0)),
            infer=_same, forward=_host(_quadratic_fwd), backward=_quadratic_bwd,
            vjp=_quadratic_vjp, test={"shapes": [(2, 3)], "attrs": {"a": 0.7, "b": -1.3,
                                                                      "c": 0.4}},
            doc="a * x^2 + b * x + c, computed as MXNet does: x * (a * x + b) + c "
                "(contrib.quadratic)."))

# ---------------------------------------------------------------- linalg_inverse, linalg_det


def _square_infer(reduce):
    def infer(op, inputs, attrs):
        a = inputs[0]
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise MXNetError(f"{op.name}: the input must be a (batch of) square matrices, got "
                             f"shape {fmt_shape(a.shape)}")
        if np.dtype(a.dtype).kind != "f":
            raise MXNetError(f"{op.name}: only floating point types are supported, got "
                             f"{np.dtype(a.dtype).name}")
        return [((a.shape[:-2] or (1,)) if reduce else a.shape, np.dtype(a.dtype))]
    return infer


def _mT(x):
    return nd.swapaxes(x, dim1=x.ndim - 1, dim2=x.ndim - 2)


def _mm(a, b):
    """Matrix product over the last two axes (leading axes are the batch)."""
    if a.ndim == 2:
        return nd.dot(a, b)
    y = nd.batch_dot(nd.reshape(a, shape=(-1,) + a.shape[-2:]),
                     nd.reshape(b, shape=(-1,) + b.shape[-2:]))
    return nd.reshape(y, shape=a.shape[:-2] + y.shape[-2:])


def _inverse_vjp(op, dys, ins, outs, attrs):
    yt = _mT(outs[0])
    return [-_mm(_mm(yt, dys[0]), yt)]


def _det_vjp(op, dys, ins, outs, attrs):
    a = ins[0]
    g = nd.reshape(dys[0] * outs[0], shape=a.shape[:-2] + (1, 1))
    return [nd.broadcast_mul(g, _mT(nd.linalg_inverse(a)))]


def _inv_fwd(op, ins, outs, attrs):
    outs[0][...] = np.linalg.inv(ins[0])


def _det_fwd(op, ins, outs, attrs):
    outs[0][...] = np.linalg.det(ins[0]).reshape(outs[0].shape)


def _spd(rng):
    a = rng.uniform(-1, 1, (2, 3, 3))
    return [a + 3 * np.eye(3)]


register(Op("linalg_inverse", ("A",), infer=_square_infer(False), forward=_host(_inv_fwd),
            vjp=_inverse_vjp, doc="Inverse of a (batch of) square matrices.",
            test={"inputs": _spd}))
register(Op("linalg_det", ("A",), infer=_square_infer(True), forward=_host(_det_fwd),
            vjp=_det_vjp, doc="Determinant of a (batch of) square matrices; shape A.shape[:-2] "
                              "((1,) for one matrix).",
            test={"inputs": _spd}))

# ---------------------------------------------------------------- regression outputs


def _reg_infer(op, inputs, attrs):
    data, label = inputs
    if label.size != data.size:
        raise MXNetError(f"{op.name}: label shape {fmt_shape(label.shape)} does not match data "
                         f"shape {fmt_shape(data.shape)}")
    return [(data.shape, np.dtype(data.dtype))]


def _sigmoid_np(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def _reg_fwd(op, ins, outs, attrs):
    x = ins[0]
    outs[0][...] = _sigmoid_np(x) if op.name == "LogisticRegressionOutput" else x


def _reg_scale(ins, attrs):
    label = ins[1]
    per_sample = label.size // label.shape[0] if label.ndim else 1
    return float(attrs.get("grad_scale", 1.0)) / max(per_sample, 1)


def _reg_bwd(op, dys, ins, outs, attrs):
    diff = outs[0] - ins[1].reshape(outs[0].shape)
    if op.name == "MAERegressionOutput":
        diff = np.where(diff > 0, 1, -1).astype(outs[0].dtype)  # MXNet: 0 counts as -1
    return [(diff * _reg_scale(ins, attrs)).astype(outs[0].dtype), None]


def _reg_vjp(op, dys, ins, outs, attrs):
    diff = outs[0] - nd.reshape(ins[1], shape=outs[0].shape)
    if op.name == "MAERegressionOutput":
        diff = (diff > 0) * 2 - 1
    return [diff * _reg_scale(ins, attrs), None]


_REG_SKIP = {"skip": "the gradient is (output - label), ignoring the head gradient, as MXNet's "
                     "loss layers; tests/test_compat_ops.py pins it"}
for _name, _doc in (("LinearRegressionOutput", "identity; gradient (out - label)"),
                    ("LogisticRegressionOutput", "sigmoid; gradient (out - label)"),
                    ("MAERegressionOutput", "identity; gradient sign(out - label)")):
    register(Op(_name, ("data", "label"), attrs=(("grad_scale", 1.0),), infer=_reg_infer,
                forward=_host(_reg_fwd), backward=_reg_bwd, vjp=_reg_vjp, nondiff_inputs=(1,),
                smooth=False, test=_REG_SKIP,
                doc=f"MXNet's regression loss layer: {_doc}, times grad_scale divided by the "
                    "number of outputs per sample; the head gradient is ignored."))

# ---------------------------------------------------------------- amp_cast


def _amp_infer(op, inputs, attrs):
    x = inputs[0]
    dt = np.dtype(x.dtype)
    return [(x.shape, normalize_dtype(attrs["dtype"]) if dt.kind == "f" else dt)]


def _amp_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0], casting="unsafe")


register(Op("amp_cast", ("data",), attrs=(("dtype", None),), infer=_amp_infer,
            forward=_host(_amp_fwd),
            backward=lambda op, dys, ins, outs, attrs: [dys[0].astype(ins[0].dtype)],
            vjp=lambda op, dys, ins, outs, attrs: [nd.cast(dys[0], dtype=ins[0].dtype)],
            doc="Cast floating point data to `dtype` (other dtypes pass unchanged), as MXNet's "
                "AMP cast.",
            test={"shapes": [(2, 3)], "attrs": {"dtype": "float64"}}))

# ---------------------------------------------------------------- cumsum


def _cumsum_axis(attrs, ndim):
    axis = attrs.get("axis")
    if axis is None or axis == "None":
        return None
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise MXNetError(f"cumsum: axis {axis} is out of bounds for {ndim} dimensions")
    return axis % ndim


def _cumsum_infer(op, inputs, attrs):
    a = inputs[0]
    axis = _cumsum_axis(attrs, a.ndim)
    d = attrs.get("dtype")
    dt = np.dtype(a.dtype) if d is None or d == "None" else normalize_dtype(d)
    return [((a.size,) if axis is None else a.shape, dt)]


def _cumsum_fwd(op, ins, outs, attrs):
    a, out = ins[0], outs[0]
    axis = _cumsum_axis(attrs, a.ndim)
    with np.errstate(over="ignore", invalid="ignore"):
        src = a.astype(out.dtype) if a.dtype != out.dtype else a  # MXNet casts, then sums
        np.cumsum(src.reshape(-1) if axis is None else src, axis=0 if axis is None else axis,
                  out=out)


def _cumsum_vjp(op, dys, ins, outs, attrs):
    a = ins[0]
    axis = _cumsum_axis(attrs, a.ndim)
    g = dys[0]
    ax = 0 if axis is None else axis
    r = nd.flip(nd.cumsum(nd.flip(g, axis=ax), axis=ax), axis=ax)
    r = nd.reshape(r, shape=a.shape) if axis is None else r
    return [r if r.dtype == a.dtype else nd.cast(r, dtype=a.dtype)]


register(Op("cumsum", ("a",), attrs=(("axis", "None"), ("dtype", "None")), infer=_cumsum_infer,
            forward=_host(_cumsum_fwd), vjp=_cumsum_vjp,
            doc="Cumulative sum along `axis` (None: of the flattened array), in `dtype` if given.",
            test={"shapes": [(2, 3)], "cases": [{"attrs": {"axis": 1}}, {"attrs": {"axis": 0}},
                                                 {"attrs": {}}]}))

# ---------------------------------------------------------------- gradientmultiplier

register(Op("_gradientmultiplier", ("data",), attrs=(("scalar", 1.0),), infer=_same,
            forward=_host(_copy_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                (dys[0] * float(attrs["scalar"])).astype(dys[0].dtype)],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0] * float(attrs["scalar"])],
            smooth=False, test={"skip": "identity forward, scaled gradient (not a derivative); "
                                        "tests/test_compat_composed.py pins it"},
            doc="mx.nd.contrib.gradientmultiplier: identity, gradient times `scalar`."))
