"""softmax, log_softmax, SoftmaxOutput and softmax_cross_entropy.

Forward passes run one Numba kernel (`kernels/nn_kernels.py`): the max is
subtracted first, so large inputs do not overflow. With a temperature t, MXNet
computes exp((x - max(x)) / t), which is softmax(x / t) for t > 0 (and NaN or
reversed for t <= 0, as in MXNet).

softmax(data, length, use_length=True) masks each row along `axis` after its
first length[i] entries: MXNet writes 0 there (a whole row of 0 for
length <= 0) and the gradient is 0 there too; `length` gets a zero gradient.
A length above the axis size raises (MXNet 1.9.1 reads and writes past the
row) [FIX]. MXNet 1.9.1's log_softmax takes no length input, so its
use_length=True fails there as here.

SoftmaxOutput is MXNet's loss layer: its forward is a softmax, and its
backward ignores the head gradient and gives (softmax - one_hot(label)) times
a scale (grad_scale, `normalization`, `ignore_label`). MXNet quirks kept:
labels are truncated toward zero; labels outside [0, classes) subtract
nothing; 'valid' normalisation discounts labels equal to ignore_label even
when use_ignore is off; with multi_output the 'null' and 'batch' scales are
also divided by the number of positions per sample; with data of more than 2
dims and neither flag, the forward is a softmax over all trailing dims while
the backward reads the output as rows of the last dim (as MXNet does).
out_grad=True multiplies by the head gradient, as documented (MXNet 1.9.1
multiplies by the output instead). [FIX]
"""
import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from . import _nd as nd
from .basic import _host
from .nn import bad_choice, check_inputs, float_dtype
from .registry import Op, fmt_shape, register

_K = []
_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)


def _kernels():
    if not _K:
        from ..kernels import nn_kernels

        _K.append(nn_kernels)
    return _K[0]


def geometry(shape, axis):
    """(outer, n, inner) sizes of `shape` around `axis`."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, shape[axis], inner


def _compute_dtype(*dts):
    return _F64 if any(np.dtype(d) == _F64 for d in dts) else _F32


def softmax_raw(x, out, outer, n, inner, invt=1.0, logmode=False):
    """Fill `out` with the (log-)softmax of raw array `x` over the middle of (outer, n, inner)."""
    if x.size == 0:
        return
    cdt = _compute_dtype(x.dtype, out.dtype)
    xc = x if x.dtype == cdt else x.astype(cdt)
    oc = out if out.dtype == cdt else np.empty(out.shape, cdt)
    k = _kernels()
    k.run(k.softmax_fwd, x.size, 8, cdt, xc.reshape(-1), oc.reshape(-1), outer, n, inner,
          float(invt), bool(logmode))
    if oc is not out:
        np.copyto(out, oc, casting="unsafe")


def softmax_len_raw(x, length, out, outer, n, inner, invt=1.0):
    """Fill `out` with the softmax of `x` over the first length[r] entries of each row, 0 after.

    `length` holds one int64 per (outer, inner) row, already clipped to [0, n].
    """
    if x.size == 0:
        return
    cdt = _compute_dtype(x.dtype, out.dtype)
    xc = x if x.dtype == cdt else x.astype(cdt)
    oc = out if out.dtype == cdt else np.empty(out.shape, cdt)
    k = _kernels()
    k.run(k.softmax_len_fwd, x.size, 8, cdt, xc.reshape(-1), length, oc.reshape(-1), outer, n,
          inner, float(invt))
    if oc is not out:
        np.copyto(out, oc, casting="unsafe")


def softmax_grad_raw(dy, y, dx_dtype, outer, n, inner, invt=1.0, logmode=False):
    """The fused gradient of (log-)softmax from its output `y` and head gradient `dy`."""
    cdt = _compute_dtype(dy.dtype, y.dtype, dx_dtype)
    dyc = dy.astype(cdt, copy=False)
    yc = y.astype(cdt, copy=False)
    dx = np.empty(y.shape, cdt)
    if y.size:
        k = _kernels()
        k.run(k.softmax_bwd, y.size, 8, cdt, np.ascontiguousarray(dyc).reshape(-1),
              np.ascontiguousarray(yc).reshape(-1), dx.reshape(-1), outer, n, inner,
              float(invt), bool(logmode))
    return dx.astype(dx_dtype, copy=False)


# ---------------------------------------------------------------- softmax / log_softmax

_OUT_DTYPES = (None, "float16", "float32", "float64")


def _axis(op, attrs, x):
    a = int(attrs["axis"])
    if not -x.ndim <= a < x.ndim:
        raise MXNetError(f"{op.name}: axis {a} exceeds the input dimension of {x.ndim} "
                         f"(data shape {fmt_shape(x.shape)})")
    return a % x.ndim


def _invt(attrs):
    t = attrs["temperature"]
    if t is None:
        return 1.0
    t = float(t)
    return 1.0 / t if t != 0 else np.inf


def _use_length(attrs):
    v = attrs.get("use_length")
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1")
    return bool(v)  # None (MXNet's optional left empty) means False


_LEN_DTYPES = ("int32", "int64")


def _length_shape(shape, axis):
    """MXNet's shape for `length`: the data shape without `axis` ((1,) for 1-D data)."""
    return tuple(d for i, d in enumerate(shape) if i != axis) or (1,)


def _sm_infer(op, inputs, attrs):
    x = inputs[0]
    dt = float_dtype(op, x)
    use_len = _use_length(attrs)
    if use_len and op.name == "log_softmax":
        # MXNet 1.9.1's log_softmax takes one input whatever use_length says, so
        # use_length=True always fails there too (its shape check wants a second input).
        raise MXNetError(f"{op.name}: use_length=True needs a length input, which log_softmax "
                         "does not take in MXNet 1.9.1; use softmax(data, length, use_length=True)")
    check_inputs(op, inputs, ("data", "length") if use_len else ("data",))
    if x.ndim == 0:
        raise MXNetError(f"{op.name}: data must have at least one dimension, got shape []")
    axis = _axis(op, attrs, x)
    if use_len:
        length = inputs[1]
        ldt = np.dtype(length.dtype)
        if ldt.name not in _LEN_DTYPES:
            raise MXNetError(f"{op.name}: This operation only support integer types, not "
                             f"{ldt.name} (argument length must be int32 or int64)")
        want_shape = _length_shape(x.shape, axis)
        if tuple(length.shape) != want_shape:
            raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(length.shape)},"
                             f" inferred shape={fmt_shape(want_shape)} (argument length, data "
                             f"{fmt_shape(x.shape)}, axis {axis})")
    want = attrs["dtype"]
    if want is not None and want != "None":
        if isinstance(want, type) or isinstance(want, np.dtype):
            want = np.dtype(want).name
        if want not in _OUT_DTYPES:
            raise bad_choice(op, "dtype", want, ("None",) + _OUT_DTYPES[1:], x)
        dt = np.dtype(want)
    return [(x.shape, dt)]


def _lengths(op, length, n):
    """`length` as int64 clipped below at 0 (MXNet masks a whole row for length <= 0).

    A length above n raises: MXNet 1.9.1 reads and writes past the row there. [FIX]
    """
    lens = np.asarray(length).reshape(-1).astype(np.int64)
    if lens.size and lens.max() > n:
        raise MXNetError(f"{op.name}: length values must be at most {n} (the size of the "
                         f"softmax axis), got {int(lens.max())}")
    return np.maximum(lens, 0)


def _sm_forward(op, ins, outs, attrs):
    x = ins[0]
    geo = geometry(x.shape, _axis(op, attrs, x))
    if len(ins) == 2:
        softmax_len_raw(x, _lengths(op, ins[1], geo[1]), outs[0], *geo, _invt(attrs))
        return
    softmax_raw(x, outs[0], *geo, _invt(attrs), op.name == "log_softmax")


def _sm_backward(op, dys, ins, outs, attrs):
    # With a length the output is 0 in the masked positions, so softmax's gradient
    # y * (dy - sum(dy * y)) is 0 there and its sum runs over the kept entries only:
    # the plain kernel gives MXNet's masked gradient. length gets none (MXNet writes 0).
    x = ins[0]
    dx = softmax_grad_raw(dys[0], outs[0], x.dtype, *geometry(x.shape, _axis(op, attrs, x)),
                          _invt(attrs), op.name == "log_softmax")
    if len(ins) == 2:
        dx += 0.0  # -0.0 -> 0.0 in the masked entries: MXNet writes a plain 0 there
    return [dx] + [None] * (len(ins) - 1)


def _sm_vjp(op, dys, ins, outs, attrs):
    x, y, g = ins[0], outs[0], dys[0]
    axis = _axis(op, attrs, x)
    keep = tuple(1 if i == axis else d for i, d in enumerate(x.shape))
    invt = _invt(attrs)
    if op.name == "log_softmax":
        dx = g - nd.exp(y) * nd._sum_to(g, shape=keep)
    else:
        gy = g * y
        dx = gy - y * nd._sum_to(gy, shape=keep)
    if invt != 1.0:
        dx = dx * invt
    if dx.dtype != x.dtype:
        dx = nd.cast(dx, dtype=np.dtype(x.dtype).name)
    return [dx] + [None] * (len(ins) - 1)  # masked entries: y = 0 there (see _sm_backward)


# MXNet's defaults are None for both; 1.0 and "None" mean the same (None is accepted too).
_SM_TEST = {"inputs": lambda rng: [rng.uniform(-2, 2, (3, 4))],
            "cases": [{"attrs": {}}, {"attrs": {"axis": 0, "temperature": 1.7}}]}
_SM_ATTRS = (("axis", -1), ("temperature", 1.0), ("dtype", "None"), ("use_length", False))

register(Op("softmax", ("data", "length"), optional_inputs=("length",), attrs=_SM_ATTRS,
            infer=_sm_infer, forward=_host(_sm_forward), backward=_sm_backward, vjp=_sm_vjp,
            nondiff_inputs=(1,), test=_SM_TEST,
            doc="""Softmax over `axis`: exp((x - max) / temperature), normalised.

With use_length=True, `length` (int32/int64, the data shape without `axis`)
keeps the first length[i] entries of each row: the softmax runs over those,
the rest are 0 (all 0 where length <= 0), and so is their gradient.

>>> mx.nd.softmax(mx.nd.array([[1., 2., 3.]]))
[[0.09003057 0.24472848 0.6652409 ]]
>>> mx.nd.softmax(mx.nd.array([[1., 2., 3.]]), mx.nd.array([2], dtype='int32'),
...               use_length=True)
[[0.26894143 0.7310586  0.        ]]"""))
register(Op("log_softmax", ("data",), attrs=_SM_ATTRS, infer=_sm_infer,
            forward=_host(_sm_forward), backward=_sm_backward, vjp=_sm_vjp, test=_SM_TEST,
            doc="""Log of the softmax over `axis`, computed without forming the softmax.

>>> mx.nd.log_softmax(mx.nd.array([[0., 0.]]))
[[-0.6931472 -0.6931472]]"""))

# ---------------------------------------------------------------- SoftmaxOutput

_NORMS = ("batch", "null", "valid")


def _so_layout(op, attrs, dshape, lshape):
    """Check the label shape; return the forward geometry (outer, n, inner)."""
    if len(dshape) < 2:
        raise MXNetError(f"{op.name}: data must have at least 2 dims (batch, classes), got "
                         f"{fmt_shape(dshape)}")
    if attrs["multi_output"]:
        n, c = dshape[0], dshape[1]
        rest = int(np.prod(dshape[2:], dtype=np.int64))
        ok = ((n, rest), (n,) + tuple(dshape[2:]), (n, 1) + tuple(dshape[2:]))
        if tuple(lshape) not in ok:
            raise MXNetError(f"{op.name}: label shape {fmt_shape(lshape)} does not fit data "
                             f"{fmt_shape(dshape)}: expecting {fmt_shape(ok[0])} or "
                             f"{fmt_shape(ok[1])}")
        return n, c, rest
    if tuple(lshape) != tuple(dshape[:-1]):
        raise MXNetError(f"{op.name}: Shape inconsistent, label shape {fmt_shape(lshape)} must "
                         f"be {fmt_shape(dshape[:-1])} for data {fmt_shape(dshape)}")
    if attrs["preserve_shape"]:
        return int(np.prod(dshape[:-1], dtype=np.int64)), dshape[-1], 1
    return dshape[0], int(np.prod(dshape[1:], dtype=np.int64)), 1


def _so_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("data", "label"))
    x, label = inputs
    dt = float_dtype(op, x)
    if np.dtype(label.dtype) != dt:
        raise MXNetError(f"{op.name}: This layer requires uniform type. Expected '{dt.name}' v.s. "
                         f"given '{np.dtype(label.dtype).name}' at 'label'")
    if attrs["normalization"] not in _NORMS:
        raise bad_choice(op, "normalization", attrs["normalization"], _NORMS, x)
    _so_layout(op, attrs, x.shape, label.shape)
    return [(x.shape, dt)]


def _so_forward(op, ins, outs, attrs):
    x, label = ins
    softmax_raw(x, outs[0], *_so_layout(op, attrs, x.shape, label.shape))


def _trunc_labels(label):
    """MXNet casts labels with static_cast<int>: toward zero (NaN to the smallest int)."""
    lab = np.asarray(label, np.float64)
    lab = np.where(np.isnan(lab), -2.0 ** 31, np.clip(lab, -2.0 ** 31, 2.0 ** 31 - 1))
    return np.trunc(lab).astype(np.int64)


def _so_target(op, attrs, yshape, label):
    """(target, mask, scale): the gradient is (y - target) * mask * scale, all NumPy float64."""
    lab = _trunc_labels(label)
    ign = int(_trunc_labels(np.float64(attrs["ignore_label"])))
    alpha = float(attrs["smooth_alpha"])
    if attrs["multi_output"]:
        n, c = yshape[0], yshape[1]
        d = int(np.prod(yshape[2:], dtype=np.int64))
        lab = lab.reshape(n, d)
        cls = np.arange(c).reshape(1, c, 1)
        hit = cls == lab.reshape(n, 1, d)
        keep = (lab != ign).reshape(n, 1, d) if attrs["use_ignore"] else None
        rows_shape = (n, c, d)
    else:
        lab = lab.reshape(-1)
        rows = lab.shape[0]
        c = int(np.prod(yshape, dtype=np.int64)) // rows
        cls = np.arange(c).reshape(1, c)
        hit = cls == lab.reshape(rows, 1)
        keep = (lab != ign).reshape(rows, 1) if attrs["use_ignore"] else None
        rows_shape = (rows, c)
    if alpha:
        target = np.where(hit, 1.0 - alpha, alpha / (c - 1) if c > 1 else 0.0)
    else:
        target = hit.astype(np.float64)
    mask = np.ones(rows_shape[:1] + (1,) * (len(rows_shape) - 1)) if keep is None else keep * 1.0
    norm = attrs["normalization"]
    if norm == "batch":
        cnt = lab.shape[0]
    elif norm == "valid":
        cnt = max(int(np.count_nonzero(lab != ign)), 1)
    else:
        cnt = 1
    scale = float(attrs["grad_scale"]) / cnt
    if attrs["multi_output"] and norm != "valid":
        scale /= d
    target = np.broadcast_to(target, rows_shape).reshape(yshape)
    mask = np.broadcast_to(mask, rows_shape).reshape(yshape)
    return target, mask, scale


def _so_backward(op, dys, ins, outs, attrs):
    y = outs[0]
    target, mask, scale = _so_target(op, attrs, y.shape, ins[1])
    dx = (y - target) * (mask * scale)
    if attrs["out_grad"]:
        dx = dx * dys[0]
    return [dx.astype(y.dtype, copy=False), None]


def _so_vjp(op, dys, ins, outs, attrs):
    x, label = ins
    # The softmax again, recorded as such: differentiating this gradient must go through
    # softmax's Jacobian, not through SoftmaxOutput's own (loss-style) backward.
    outer, n, inner = _so_layout(op, attrs, x.shape, label.shape)
    y = nd.reshape(nd.softmax(nd.reshape(x, shape=(outer, n, inner)), axis=1), shape=x.shape)
    target, mask, scale = _so_target(op, attrs, y.shape, label.asnumpy())
    dt = np.dtype(y.dtype)
    dx = (y - NDArray(target.astype(dt), y.context)) * NDArray((mask * scale).astype(dt),
                                                               y.context)
    if attrs["out_grad"]:
        dx = dx * dys[0]
    return [dx, None]


register(Op("SoftmaxOutput", ("data", "label"), aliases=("Softmax",),
            attrs=(("grad_scale", 1.0), ("ignore_label", -1.0), ("multi_output", False),
                   ("use_ignore", False), ("preserve_shape", False), ("normalization", "null"),
                   ("out_grad", False), ("smooth_alpha", 0.0)),
            infer=_so_infer, forward=_host(_so_forward), backward=_so_backward, vjp=_so_vjp,
            nondiff_inputs=(1,), smooth=False,
            test={"skip": "its backward is the loss gradient, not the derivative of its output; "
                          "tests/test_nn_softmax.py checks it"},
            doc="""Softmax whose backward is (softmax - one_hot(label)) * scale, ignoring dy.

>>> mx.nd.SoftmaxOutput(mx.nd.array([[1., 1.]]), mx.nd.array([0.]))
[[0.5 0.5]]"""))

# ---------------------------------------------------------------- softmax_cross_entropy


def _sce_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("data", "label"))
    x, label = inputs
    dt = float_dtype(op, x)
    if x.ndim != 2:
        raise MXNetError(f"{op.name}: SoftmaxCrossEntropy only accept 2D data, got data shape "
                         f"{fmt_shape(x.shape)}")
    if label.ndim != 1:
        raise MXNetError(f"{op.name}: SoftmaxCrossEntropy only accept 1D label, got label shape "
                         f"{fmt_shape(label.shape)}")
    if x.shape[0] != label.shape[0]:
        raise MXNetError(f"{op.name}: data label shape mismatch: data {fmt_shape(x.shape)}, "
                         f"label {fmt_shape(label.shape)}")
    if np.dtype(label.dtype) != dt:
        raise MXNetError(f"{op.name}: Incompatible attr at 1-th input (label): expected "
                         f"{dt.name}, got {np.dtype(label.dtype).name}")
    return [((1,), dt), (x.shape, dt)]  # the loss, and the softmax kept for backward


def _onehot(label, shape):
    lab = _trunc_labels(label)
    return np.arange(shape[1]).reshape(1, -1) == lab.reshape(-1, 1)


def _sce_forward(op, ins, outs, attrs):
    x, label = ins
    p = outs[1]
    softmax_raw(x, p, x.shape[0], x.shape[1], 1)
    picked = np.where(_onehot(label, x.shape), p, 0).sum(axis=1, dtype=np.float64)
    # MXNet clips the picked probability at 1e-8 (a label out of range picks 0).
    outs[0][0] = -np.sum(np.log(np.maximum(picked, 1e-8)))


def _sce_backward(op, dys, ins, outs, attrs):
    p = outs[1]
    dx = (p - _onehot(ins[1], p.shape)) * dys[0].reshape(1, 1)
    return [dx.astype(p.dtype, copy=False), None]


def _sce_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    oh = NDArray(_onehot(ins[1].asnumpy(), x.shape).astype(np.dtype(x.dtype)), x.context)
    return [(nd.softmax(x) - oh) * dys[0], None]


register(Op("softmax_cross_entropy", ("data", "label"), infer=_sce_infer,
            forward=_host(_sce_forward), backward=_sce_backward, vjp=_sce_vjp,
            num_visible=lambda attrs: 1, nondiff_inputs=(1,),
            test={"inputs": lambda rng: [rng.uniform(-2, 2, (3, 4)), np.array([3., 0., 1.])]},
            doc="""Sum over the batch of -log(softmax(data)[label]), as shape (1,).

>>> mx.nd.softmax_cross_entropy(mx.nd.array([[0., 0.]]), mx.nd.array([1.]))
[0.6931472]"""))
