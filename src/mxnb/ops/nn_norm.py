"""BatchNorm, LayerNorm and Embedding.

BatchNorm follows MXNet 1.9.1 closely, including where it surprises:
* In training (and without use_global_stats) it normalises with the batch
  mean and biased variance, else with moving_mean / moving_var. It has three
  outputs, (out, mean, inverse std); the last two are visible only with
  output_mean_var=True, and hold the statistics the forward used.
* The moving statistics are updated during the **backward** pass, not the
  forward (spec Q28): moving = moving * momentum + batch_stat * (1 - momentum),
  with batch_stat the mean and variance saved by the forward. Whether the
  backward runs the training formula (and updates) is decided by the backward
  pass's train_mode, as in MXNet; otherwise the input gradient is
  dy * gamma / sqrt(moving_var + eps).
* float32 and float64 results are MXNet's CPU bits: float32 through the formulas
  of oneDNN (which MXNet's CPU build runs for float32), float64 through MXNet's
  own kernel; `_bn_forward_mx` and `_bn_backward_mx` say which.
* fix_gamma=True treats gamma as 1 and, unless use_global_stats, overwrites
  gamma with ones, as MXNet's CPU kernel does for 2-d and 4-d float32 data
  (its 3-d path leaves gamma alone); gamma's gradient is then zero.
* gamma, beta and the moving statistics of float16 data are float32.
Parameter shapes MXNet does not check (it reads out of bounds) raise here.

LayerNorm's extra outputs are the mean and the standard deviation
sqrt(var + eps). Embedding clips indices into [0, input_dim) after truncating
them toward zero; its data gets no gradient.
"""
import numpy as np

from .._dmlc_float import float_param
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from . import _nd as nd
from .basic import _host
from .nn import check_inputs, float_dtype, is_train, same_float_dtype
from .nn_softmax import geometry
from .registry import Op, fmt_shape, register

_K = []
_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
BN_EPS = float(np.float32(1e-3))  # 0.0010000000474974513, as MXNet's docs print it


def _kernels():
    if not _K:
        from ..kernels import nn_kernels

        _K.append(nn_kernels)
    return _K[0]


def _cdt(dtype):
    return _F32 if np.dtype(dtype) == _F16 else np.dtype(dtype)


def _flat(a, cdt):
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


# ---------------------------------------------------------------- BatchNorm

_BN_IN = ("data", "gamma", "beta", "moving_mean", "moving_var")


def _bn_axis(op, attrs, x):
    a = int(attrs["axis"])
    ax = a + x.ndim if a < 0 else a
    if not 0 <= ax < x.ndim:
        raise MXNetError(f"{op.name}: Channel axis out of range: axis {a} for data shape "
                         f"{fmt_shape(x.shape)}")
    return ax


def _bn_infer(op, inputs, attrs):
    check_inputs(op, inputs, _BN_IN)
    x = inputs[0]
    ax = _bn_axis(op, attrs, x)
    c = x.shape[ax]
    for p, n in zip(inputs[1:], _BN_IN[1:]):
        if p.shape != (c,):
            raise MXNetError(f"{op.name}: Shape inconsistent, {n} has shape {fmt_shape(p.shape)} "
                             f"but data {fmt_shape(x.shape)} has {c} channels on axis {ax}: "
                             f"expected {fmt_shape((c,))}")
    dt = same_float_dtype(op, x, inputs[1:], _BN_IN[1:])
    pdt = _cdt(dt)
    return [(x.shape, dt), ((c,), pdt), ((c,), pdt)]


def _bn_visible(attrs):
    return 3 if attrs["output_mean_var"] else 1


def _bn_forward(op, ins, outs, attrs):
    x, gamma, beta, mm, mv = ins
    out, mean_out, inv_out = outs
    outer, c, inner = geometry(x.shape, _bn_axis(op, attrs, x))
    cdt = _cdt(x.dtype)
    eps = float(attrs["eps"])
    fix = bool(attrs["fix_gamma"])
    ugs = bool(attrs["use_global_stats"])
    if fix and not ugs:
        gamma[...] = 1
    train = is_train() and not ugs
    attrs["_fwd_train"] = train  # the VJP needs to know which statistics the forward used
    if x.dtype.char in "fd" and x.size:
        _bn_forward_mx(x, None if fix else gamma, beta, mm, mv, eps, train, outs,
                       (outer, c, inner))
        return
    xf = _flat(x, cdt)
    if train:
        mean = np.empty(c, np.float64)
        var = np.empty(c, np.float64)
        if x.size:
            k = _kernels()
            k.run(k.bn_stats, x.size, 1, cdt, xf, outer, c, inner, mean, var)
        inv = 1.0 / np.sqrt(var + eps)
    else:
        mean = mm.astype(np.float64)
        inv = 1.0 / np.sqrt(mv.astype(np.float64) + eps)
    g = np.ones(c) if fix else gamma.astype(np.float64)
    a = g * inv
    direct = out.dtype == cdt
    yc = out.reshape(-1) if direct else np.empty(x.size, cdt)
    if x.size:
        k = _kernels()
        k.run(k.chan_affine, x.size, 1, cdt, xf, yc, outer, c, inner, a.astype(cdt),
              (beta - mean * a).astype(cdt))
    if not direct:
        np.copyto(out.reshape(-1), yc, casting="unsafe")
    mean_out[...] = mean
    inv_out[...] = inv


def _bn_forward_mx(x, gamma, beta, mm, mv, eps, train, outs, geo):
    """MXNet's float32/float64 CPU BatchNorm forward, bit for bit (checked on 200 random
    cases, 2-d to 4-d, training and inference). Per channel, in the data's type: the mean and
    the biased variance are sums in order over (outer, inner), each divided by the count; the
    saved inverse std is 1 / sqrt(var + eps) taken in double from the float square root. The
    output is oneDNN's (x - mean) * (gamma / sqrt(var + eps)) + beta for float32, MXNet's own
    (x - mean) * inv * gamma + beta for float64; gamma is 1 under fix_gamma."""
    t = x.dtype.type
    outer, c, inner = geo
    k = _kernels()
    xf = x.reshape(-1)
    if train:
        mean = np.empty(c, x.dtype)
        var = np.empty(c, x.dtype)
        k.run(k.bn_stats_mx, x.size, 2, x.dtype, xf, outer, c, inner, mean, var)
    else:
        mean, var = mm.astype(t), mv.astype(t)
    with np.errstate(all="ignore"):
        sd = np.sqrt(var + t(eps))
        inv = 1.0 / sd.astype(np.float64)
        w = np.ones(c, x.dtype) if gamma is None else gamma.astype(t)
        own = t is not np.float32  # oneDNN takes float32 only
        a = inv.astype(t) if own else w / sd
    y = outs[0].reshape(-1)
    k.run(k.bn_apply_mx, x.size, 1, x.dtype, xf, y, outer, c, inner, mean, a, w,
          beta.astype(t), own)
    outs[1][...] = mean
    outs[2][...] = inv


def _bn_update_moving(attrs, mm, mv, mean, inv):
    """MXNet's update, run by the backward: moving = moving * momentum + stat * (1 - momentum)."""
    if not isinstance(mm, np.ndarray):  # device arrays (the VJP on mx.gpu()): the same update
        from ..kernels import cuda_bn

        return cuda_bn.update_moving(attrs, mm, mv, mean, inv)
    t = mm.dtype.type
    mom = t(np.float32(attrs["momentum"]))  # a float parameter
    iv = inv.astype(t)
    # MXNet's INVSTD_TO_VARIANCE: 1.0 / (inv * inv) - eps in double, inv * inv in the
    # parameters' type; the rest in that type (the biased batch variance)
    var = (1.0 / (iv * iv).astype(np.float64) - float(attrs["eps"])).astype(t)
    mm[...] = mm * mom + mean.astype(t) * (t(1) - mom)
    mv[...] = mv * mom + var * (t(1) - mom)


def _bn_backward(op, dys, ins, outs, attrs):
    x, gamma, beta, mm, mv = ins
    dy = dys[0]
    outer, c, inner = geometry(x.shape, _bn_axis(op, attrs, x))
    cdt = _cdt(x.dtype)
    fix = bool(attrs["fix_gamma"])
    g = np.ones(c) if fix else gamma.astype(np.float64)
    k = _kernels()
    xf, dyf = _flat(x, cdt), _flat(dy, cdt)
    if x.dtype.char in "fd" and x.size:
        return _bn_backward_mx(x, dy, None if fix else gamma, mm, mv, outs, attrs,
                               (outer, c, inner))
    if is_train() and not attrs["use_global_stats"]:
        mean, inv = outs[1].astype(np.float64), outs[2].astype(np.float64)
        _bn_update_moving(attrs, mm, mv, mean, inv)
    else:
        mean = mm.astype(np.float64)
        inv = 1.0 / np.sqrt(mv.astype(np.float64) + float(attrs["eps"]))
    sdy = np.zeros(c, np.float64)
    sdyx = np.zeros(c, np.float64)
    if x.size:
        k.run(k.bn_grad_sums, x.size, 1, cdt, dyf, xf, outer, c, inner, mean, sdy, sdyx)
    dx = np.empty(x.size, cdt)
    if is_train() and not attrs["use_global_stats"]:
        m = outer * inner
        a = g * inv
        b = -g * inv ** 3 * sdyx / m
        d = -a * sdy / m - b * mean
        if x.size:
            k.run(k.chan_affine2, x.size, 1, cdt, dyf, xf, dx, outer, c, inner, a.astype(cdt),
                  b.astype(cdt), d.astype(cdt))
    elif x.size:
        k.run(k.chan_affine, x.size, 1, cdt, dyf, dx, outer, c, inner, (g * inv).astype(cdt),
              np.zeros(c, cdt))
    pdt = outs[1].dtype
    dgamma = np.zeros(c, pdt) if fix else (sdyx * inv).astype(pdt)
    return [dx.reshape(x.shape).astype(x.dtype, copy=False), dgamma, sdy.astype(pdt), None, None]


def _bn_backward_mx(x, dy, gamma, mm, mv, outs, attrs, geo):
    """MXNet's float32/float64 CPU BatchNorm backward, bit for bit (checked on 120 random
    cases). Per channel, in the data's type, the sums of dy and of (x - mean) * dy in order,
    dbeta = sum_dy. In training, float32 runs oneDNN's formula: sv = 1 / sqrt(var + eps) in
    float (var recovered from the saved inverse std), dgamma = dot * sv and
    dx = (dy - (sum_dy / n + (x - mean) * dgamma * sv / n)) * (gamma * sv); float64 runs
    MXNet's own: dx = ((dy - sum_dy / n) - (x - mean) * k) * (inv * gamma) with
    k = dot * inv * inv / n, dgamma = dot * inv. Outside training dx = dy * (inv * gamma).
    Training also updates the moving statistics (MXNet does it here, in the backward)."""
    t = x.dtype.type
    outer, c, inner = geo
    w = np.ones(c, x.dtype) if gamma is None else gamma.astype(t)
    train = is_train() and not attrs["use_global_stats"]
    eps = float(attrs["eps"])
    with np.errstate(all="ignore"):
        if train:
            mean, inv = outs[1].astype(t), outs[2].astype(t)
            _bn_update_moving(attrs, mm, mv, outs[1], outs[2])
        else:
            mean = mm.astype(t)
            inv = (1.0 / np.sqrt(mv.astype(t) + t(eps)).astype(np.float64)).astype(t)
    k = _kernels()
    xf, dyf = x.reshape(-1), np.ascontiguousarray(dy, dtype=x.dtype).reshape(-1)
    sdy = np.empty(c, x.dtype)
    dot = np.empty(c, x.dtype)
    k.run(k.bn_sums_mx, x.size, 2, x.dtype, dyf, xf, outer, c, inner, mean, sdy, dot)
    n = t(outer * inner)
    one = np.ones(c, x.dtype)
    with np.errstate(all="ignore"):
        if train and t is np.float32:
            # oneDNN's backward: 1 / sqrt(var + eps) in float from the variance MXNet recovers
            # from the saved inverse std, as its moving update does
            var = (1.0 / (inv * inv).astype(np.float64) - eps).astype(t)
            sv = t(1) / np.sqrt(var + t(eps))
            dgamma = dot * sv
            mode, A, B, S, E = 0, sdy / n, dgamma, sv, w * sv
        elif train:
            dgamma = dot * inv
            mode, A, B, S, E = 1, sdy / n, dot * inv * inv / n, one, inv * w
        else:
            dgamma = dot * inv
            mode, A, B, S, E = 2, one, one, one, inv * w
    dx = np.empty(x.size, x.dtype)
    k.run(k.bn_dx_mx, x.size, 2, x.dtype, dyf, xf, dx, outer, c, inner, mean, A, B, S, E,
          float(outer * inner), mode)
    pdt = outs[1].dtype
    dgamma = np.zeros(c, pdt) if gamma is None else dgamma.astype(pdt)
    return [dx.reshape(x.shape), dgamma, sdy.astype(pdt), None, None]


def _const(a, like, shape=None):
    a = np.asarray(a, dtype=np.dtype(like.dtype))
    return NDArray(np.ascontiguousarray(a.reshape(shape) if shape else a), like.context)


def _bn_vjp(op, dys, ins, outs, attrs):
    x, gamma, beta, mm, mv = ins
    g = dys[0]
    ax = _bn_axis(op, attrs, x)
    c = x.shape[ax]
    keep = tuple(c if i == ax else 1 for i in range(x.ndim))
    m = x.size // c
    fix = bool(attrs["fix_gamma"])
    gb = _const(np.ones(c), x, keep) if fix else nd.reshape(gamma, shape=keep)
    if gb.dtype != x.dtype:
        gb = nd.cast(gb, dtype=np.dtype(x.dtype).name)
    if is_train() and not attrs["use_global_stats"]:
        _bn_update_moving(attrs, mm._data, mv._data, outs[1]._data, outs[2]._data)
        if attrs.get("_fwd_train", True):
            xc = x - nd._sum_to(x, shape=keep) / m
            inv = nd.rsqrt(nd._sum_to(xc * xc, shape=keep) / m + float(attrs["eps"]))
        else:
            xc = x - _const(outs[1].asnumpy(), x, keep)
            inv = _const(outs[2].asnumpy(), x, keep)
        xhat = xc * inv
        sg = nd._sum_to(g, shape=keep)
        sgx = nd._sum_to(g * xhat, shape=keep)
        dx = gb * inv * (g - sg / m - xhat * sgx / m)
    else:
        inv = _const(1.0 / np.sqrt(mv.asnumpy().astype(np.float64) + float(attrs["eps"])), x, keep)
        xhat = (x - _const(mm.asnumpy(), x, keep)) * inv
        sg = nd._sum_to(g, shape=keep)
        sgx = nd._sum_to(g * xhat, shape=keep)
        dx = g * gb * inv
    pdt = np.dtype(gamma.dtype).name
    dgamma = _const(np.zeros(c), gamma) if fix else nd.reshape(sgx, shape=(c,))
    dbeta = nd.reshape(sg, shape=(c,))
    if dbeta.dtype != gamma.dtype:
        dbeta = nd.cast(dbeta, dtype=pdt)
        if not fix:
            dgamma = nd.cast(dgamma, dtype=pdt)
    return [dx, dgamma, dbeta, None, None]


register(Op("BatchNorm", _BN_IN,
            # MXNet's eps is a double whose default is the float literal 1e-3f
            attrs=(("eps", BN_EPS), ("momentum", 0.9), ("fix_gamma", True),
                   ("use_global_stats", False), ("output_mean_var", False), ("axis", 1),
                   ("cudnn_off", False), ("min_calib_range", "None"),
                   ("max_calib_range", "None")),
            infer=_bn_infer, forward=_host(_bn_forward), backward=_bn_backward, vjp=_bn_vjp,
            num_visible=_bn_visible, nondiff_inputs=(3, 4),
            # The walk's finite differences run outside training mode: check the global-stats
            # form here (tests/test_nn_norm.py checks the training form).
            test={"inputs": lambda rng: [rng.uniform(-2, 2, (2, 3, 2)), rng.uniform(0.5, 2, 3),
                                         rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3),
                                         rng.uniform(0.5, 2, 3)],
                  "attrs": {"use_global_stats": True, "fix_gamma": False}},
            doc="""Batch normalisation over every axis but `axis` (the channels).

Training mode uses the batch statistics; moving_mean and moving_var are
updated in place by the backward pass (MXNet's behaviour).

>>> x = mx.nd.array([[1., 2.], [3., 6.]])
>>> mx.nd.BatchNorm(x, mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2))
[[0.9995004 1.9990008]
 [2.998501  5.9970016]]"""))

# ---------------------------------------------------------------- LayerNorm

_LN_IN = ("data", "gamma", "beta")


def _ln_axis(op, attrs, x):
    a = int(attrs["axis"])
    ax = a + x.ndim if a < 0 else a
    if not 0 <= ax < x.ndim:
        raise MXNetError(f"{op.name}: Channel axis out of range: axis={a} for data shape "
                         f"{fmt_shape(x.shape)}")
    return ax


def _ln_infer(op, inputs, attrs):
    check_inputs(op, inputs, _LN_IN)
    x = inputs[0]
    dt = float_dtype(op, x)
    ax = _ln_axis(op, attrs, x)
    n = x.shape[ax]
    for p, nm in zip(inputs[1:], _LN_IN[1:]):
        if p.shape != (n,):
            raise MXNetError(f"{op.name}: Shape inconsistent, {nm} has shape {fmt_shape(p.shape)} "
                             f"but data {fmt_shape(x.shape)} normalises axis {ax} of size {n}: "
                             f"expected {fmt_shape((n,))}")
        if np.dtype(p.dtype) != dt:
            raise MXNetError(f"{op.name}: {nm} must have the data's dtype {dt.name}, got "
                             f"{np.dtype(p.dtype).name}")
    keep = tuple(1 if i == ax else d for i, d in enumerate(x.shape))
    return [(x.shape, dt), (keep, dt), (keep, dt)]


def _rows(a, ax, cdt):
    """`a` with axis `ax` moved last, as a flat contiguous buffer of dtype cdt."""
    if ax != a.ndim - 1:
        a = np.moveaxis(a, ax, -1)
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


def _unrows(flat, shape, ax):
    moved = tuple(d for i, d in enumerate(shape) if i != ax) + (shape[ax],)
    r = flat.reshape(moved)
    return np.moveaxis(r, -1, ax) if ax != len(shape) - 1 else r


def _ln_forward(op, ins, outs, attrs):
    x, gamma, beta = ins
    ax = _ln_axis(op, attrs, x)
    if x.dtype.char in "fd" and x.size:
        _ln_forward_mx(x, gamma, beta, ax, float_param(attrs["eps"]), outs)
        return
    cdt = _cdt(x.dtype)
    n = x.shape[ax]
    rows = x.size // n if n else 0
    y = np.empty(x.size, cdt)
    mean = np.empty(rows, cdt)
    std = np.empty(rows, cdt)
    if x.size:
        k = _kernels()
        k.run(k.ln_fwd, x.size, 2, cdt, _rows(x, ax, cdt), y, rows, n, gamma.astype(cdt),
              beta.astype(cdt), float_param(attrs["eps"]), mean, std)
    np.copyto(outs[0], _unrows(y, x.shape, ax), casting="unsafe")
    outs[1][...] = mean.reshape(outs[1].shape)
    outs[2][...] = std.reshape(outs[2].shape)


def _ln_forward_mx(x, gamma, beta, ax, eps, outs):
    """MXNet's float32/float64 CPU LayerNorm, bit for bit. Over the last axis it runs
    LayerNormCPUKernel (sums in order in the data's type; out = (x - mean) * gamma / std + beta);
    over another axis, its general path: float64-accumulated compensated sums (as moments),
    std = sqrt(var / n + eps) in the data's type, out = (x - mean) / std * gamma + beta."""
    t = x.dtype.type
    n = x.shape[ax]
    if ax == x.ndim - 1:
        rows = x.size // n
        y = np.empty(x.size, x.dtype)
        mean = np.empty(rows, x.dtype)
        std = np.empty(rows, x.dtype)
        k = _kernels()
        k.run(k.ln_fwd_mx, x.size, 3, x.dtype, np.ascontiguousarray(x).reshape(-1), y, rows, n,
              np.ascontiguousarray(gamma), np.ascontiguousarray(beta), eps, mean, std)
        outs[0][...] = y.reshape(x.shape)
    else:
        from .reduce import _mx_reduce

        mxr = _mx_reduce()
        keep = tuple(1 if i == ax else d for i, d in enumerate(x.shape))
        gshape = tuple(n if i == ax else 1 for i in range(x.ndim))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            mean = (mxr.kahan_sum(x, (ax,), np.float64).astype(x.dtype) / t(n)).reshape(keep)
            c = x - mean
            var = mxr.kahan_sum(c * c, (ax,), np.float64).astype(x.dtype) / t(n)
            std = np.sqrt(var.reshape(keep) + t(eps))
            outs[0][...] = c / std * gamma.reshape(gshape) + beta.reshape(gshape)
    outs[1][...] = mean.reshape(outs[1].shape)
    outs[2][...] = std.reshape(outs[2].shape)


def _ln_backward(op, dys, ins, outs, attrs):
    x, gamma, beta = ins
    ax = _ln_axis(op, attrs, x)
    cdt = _cdt(x.dtype)
    n = x.shape[ax]
    rows = x.size // n if n else 0
    dx = np.empty(x.size, cdt)
    gx = np.empty(x.size, cdt)
    dyr = _rows(dys[0], ax, cdt)
    if x.size:
        k = _kernels()
        k.run(k.ln_bwd, x.size, 2, cdt, dyr, _rows(x, ax, cdt), dx, gx, rows, n,
              gamma.astype(cdt), _flat(outs[1], cdt), _flat(outs[2], cdt))
    dgamma = gx.reshape(rows, n).sum(axis=0, dtype=np.float64)
    dbeta = dyr.reshape(rows, n).sum(axis=0, dtype=np.float64)
    return [np.ascontiguousarray(_unrows(dx, x.shape, ax), dtype=x.dtype),
            dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)]


def _ln_vjp(op, dys, ins, outs, attrs):
    x, gamma, beta = ins
    g = dys[0]
    ax = _ln_axis(op, attrs, x)
    n = x.shape[ax]
    keep = tuple(1 if i == ax else d for i, d in enumerate(x.shape))
    gshape = tuple(n if i == ax else 1 for i in range(x.ndim))
    xc = x - nd._sum_to(x, shape=keep) / n
    inv = nd.rsqrt(nd._sum_to(xc * xc, shape=keep) / n + float_param(attrs["eps"]))
    xhat = xc * inv
    gg = g * nd.reshape(gamma, shape=gshape)
    dx = inv * (gg - nd._sum_to(gg, shape=keep) / n - xhat * nd._sum_to(gg * xhat, shape=keep) / n)
    dgamma = nd.reshape(nd._sum_to(g * xhat, shape=gshape), shape=(n,))
    dbeta = nd.reshape(nd._sum_to(g, shape=gshape), shape=(n,))
    return [dx, dgamma, dbeta]


register(Op("LayerNorm", _LN_IN, attrs=(("axis", -1), ("eps", 1e-5), ("output_mean_var", False)),
            infer=_ln_infer, forward=_host(_ln_forward), backward=_ln_backward, vjp=_ln_vjp,
            num_visible=_bn_visible,
            test={"shapes": [(2, 3, 4), (4,), (4,)], "cases": [
                {"attrs": {}}, {"shapes": [(2, 3, 4), (3,), (3,)], "attrs": {"axis": 1}}]},
            doc="""Layer normalisation over `axis`: (x - mean) / sqrt(var + eps) * gamma + beta.

>>> mx.nd.LayerNorm(mx.nd.array([[1., 3.]]), mx.nd.ones(2), mx.nd.zeros(2))
[[-0.999995  0.999995]]"""))

# ---------------------------------------------------------------- Embedding


def _indices(data, input_dim):
    """MXNet's index rule: truncate toward zero, then clip to [0, input_dim) (NaN -> 0)."""
    d = np.asarray(data, np.float64)
    d = np.where(np.isnan(d), 0.0, np.clip(d, 0, input_dim - 1))
    return np.trunc(d).astype(np.int64)


def _emb_dims(op, attrs):
    for k in ("input_dim", "output_dim"):
        if int(attrs[k]) < 1:
            raise MXNetError(f"{op.name}: {k} must be a positive integer, got {attrs[k]}")
    return int(attrs["input_dim"]), int(attrs["output_dim"])


def _emb_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("data", "weight"))
    data, w = inputs
    n, d = _emb_dims(op, attrs)
    if data.ndim == 0:
        raise MXNetError(f"{op.name}: data must have at least one dimension, got shape []")
    if w.shape != (n, d):
        raise MXNetError(f"{op.name}: Shape inconsistent, weight shape {fmt_shape(w.shape)} must "
                         f"be (input_dim, output_dim) = {fmt_shape((n, d))}")
    return [(tuple(data.shape) + (d,), np.dtype(w.dtype))]


def _emb_forward(op, ins, outs, attrs):
    data, w = ins
    np.take(w, _indices(data, int(attrs["input_dim"])), axis=0, out=outs[0])


def scatter_rows(grad, data, input_dim, output_dim, dtype):
    """Sum the rows of `grad` (..., output_dim) into an (input_dim, output_dim) array by index."""
    cdt = _cdt(dtype)
    dw = np.zeros((input_dim, output_dim), cdt)
    idx = _indices(data, input_dim).reshape(-1)
    if idx.size:
        k = _kernels()
        g = np.ascontiguousarray(grad, dtype=cdt).reshape(idx.size, output_dim)
        k.kernel(k.scatter_rows, cdt, False)(idx, g, dw)  # serial: rows may repeat
    return dw.astype(dtype, copy=False)


def _emb_backward(op, dys, ins, outs, attrs):
    data, w = ins
    n, d = _emb_dims(op, attrs)
    return [None, scatter_rows(dys[0], data, n, d, w.dtype)]


def _emb_vjp(op, dys, ins, outs, attrs):
    n, d = _emb_dims(op, attrs)
    return [None, nd._embedding_backward(dys[0], ins[0], input_dim=n, output_dim=d)]


register(Op("Embedding", ("data", "weight"),
            attrs=(("input_dim", None), ("output_dim", None), ("dtype", "float32"),
                   ("sparse_grad", False)),
            infer=_emb_infer, forward=_host(_emb_forward), backward=_emb_backward,
            vjp=_emb_vjp, nondiff_inputs=(0,),
            test={"inputs": lambda rng: [np.array([[0., 3.], [1., 0.]]),
                                         rng.uniform(-1, 1, (4, 3))],
                  "input_dim": 4, "output_dim": 3},
            doc="""Rows of `weight` picked by `data` (indices): shape data.shape + (output_dim,).

>>> mx.nd.Embedding(mx.nd.array([1, 0]), mx.nd.array([[1., 2.], [3., 4.]]), input_dim=2,
...                 output_dim=2)
[[3. 4.]
 [1. 2.]]"""))


def _embb_infer(op, inputs, attrs):
    g, data = inputs
    n, d = _emb_dims(op, attrs)
    if g.shape != tuple(data.shape) + (d,):
        raise MXNetError(f"{op.name}: gradient shape {fmt_shape(g.shape)} does not match data "
                         f"{fmt_shape(data.shape)} and output_dim {d}")
    return [((n, d), np.dtype(g.dtype))]


def _embb_forward(op, ins, outs, attrs):
    g, data = ins
    n, d = _emb_dims(op, attrs)
    outs[0][...] = scatter_rows(g, data, n, d, g.dtype)


register(Op("_embedding_backward", ("grad", "data"),
            attrs=(("input_dim", None), ("output_dim", None)),
            infer=_embb_infer, forward=_host(_embb_forward),
            backward=lambda op, dys, ins, outs, attrs: [
                np.take(dys[0], _indices(ins[1], int(attrs["input_dim"])), axis=0), None],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.Embedding(ins[1], dys[0], input_dim=int(attrs["input_dim"]),
                             output_dim=int(attrs["output_dim"])), None],
            nondiff_inputs=(1,),
            test={"inputs": lambda rng: [rng.uniform(-1, 1, (2, 2, 3)),
                                         np.array([[0., 3.], [1., 0.]])],
                  "input_dim": 4, "output_dim": 3},
            doc="Embedding's weight gradient: the rows of grad summed by index (any order)."))
