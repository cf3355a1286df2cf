"""MXNet's multi-tensor updates: `mx.nd.multi_sgd_update`, `multi_sum_sq`, `multi_lars`, ...

They take one flat list of arrays (per weight: weight, grad[, mom][, weight32]; the preloaded
forms end with float32 arrays of the learning rates and weight decays) and tuple attributes
(`lrs`, `wds`, one value per weight), and write the new weights into `out`, a list with one
NDArray per weight, as MXNet's optimizers call them:

>>> w0, g0, w1, g1 = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((1,)), mx.nd.ones((1,))
>>> mx.nd.multi_sgd_update(w0, g0, w1, g1, lrs=(0.1, 0.5), wds=(0., 0.), num_weights=2,
...                        out=[w0, w1])
[
[0.9 0.9]
<NDArray 2 @cpu(0)>, 
[0.5]
<NDArray 1 @cpu(0)>]

MXNet 1.9.1's numbers bit for bit (`kernels.optimizer_more.multi_sgd`); without `out` MXNet
fails ("shape must have a valid ndim") and so does this. GPU arrays go through the host.
"""

import numpy as np

from ..base import MXNetError
from .._dmlc_float import param as _param
from .ndarray import NDArray
from .optimizer_ops2 import HostRun, _kernels, check_arrays, check_output, mp_kernel

__all__ = ["multi_sgd_update", "multi_sgd_mom_update", "multi_mp_sgd_update",
           "multi_mp_sgd_mom_update", "preloaded_multi_sgd_update",
           "preloaded_multi_sgd_mom_update", "preloaded_multi_mp_sgd_update",
           "preloaded_multi_mp_sgd_mom_update", "multi_sum_sq", "multi_lars"]

F32 = np.float32


def strtof(s):
    """The float32 nearest to the decimal string s (C's strtof, which `Tuple<float>` parsing
    uses through `istream >> float`), ties to even."""
    from fractions import Fraction  # here: 4 ms of `import mxnb` otherwise

    q = Fraction(s)
    f = F32(float(q))
    best = None
    for c in (f, np.nextafter(f, F32(np.inf)), np.nextafter(f, F32(-np.inf))):
        if not np.isfinite(c):
            continue
        d = abs(Fraction(float(c)) - q)
        key = (d, int(np.array(c).view(np.uint32)) & 1)
        if best is None or key < best[0]:
            best = (key, c)
    return best[1]


def float_tuple(op, name, value, n):
    """MXNet's Tuple<float> attribute `name`: n float32 values."""
    if value is None:
        raise MXNetError(f"Required parameter {name} of tuple of <float> is not presented, in "
                         f"operator {op}")
    vals = list(value) if isinstance(value, (tuple, list)) else [value]
    out = []
    for v in vals:
        if isinstance(v, (float, np.floating)):
            v = float(v)
            out.append(F32(v) if not np.isfinite(v) else strtof(repr(v)))
        else:
            out.append(strtof(str(v)))
    if len(out) != n:
        what = {"lrs": "learning rates", "wds": "weight decays",
                "etas": "learning rates schedule multiplier"}.get(name, name)
        raise MXNetError(f"{op}: Check failed: param.{name}.ndim() == param.num_weights "
                         f"({len(out)} vs. {n}) : Number of {what} is inconsistent with "
                         f"num_weights parameter passed. Expected number of {what}: {n}, "
                         f"and got {len(out)}")
    return out


def check_count(op, data, expected):
    if len(data) != expected:
        raise MXNetError(f"{op}: Check failed: num_inputs == infered_num_inputs ({len(data)} vs. "
                         f"{expected}) : Operator {op} expects {expected} inputs, but got "
                         f"{len(data)} instead.")


def check_out(op, out, n):
    outs = out if isinstance(out, (list, tuple)) else ([] if out is None else [out])
    if out is None:
        raise MXNetError(f"{op}: Check failed: ndim_is_known(ndim()): shape must have a valid "
                         f"ndim (MXNet needs out=[one NDArray per weight])")
    if len(outs) != n:
        raise MXNetError(f"{op}: Check failed: *num_outputs == infered_num_outputs || "
                         f"*num_outputs == num_visible_outputs: Operator expects {n} (all) or "
                         f"{n} (visible only) outputs, but got {len(outs)} instead.")
    for o in outs:
        if not isinstance(o, NDArray):
            raise TypeError(f"out must be a list of NDArrays, got {type(o)}")
    return list(outs)


def _multi_sgd(op, data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights, out,
               has_mom, mp, preloaded):
    stride = 2 + has_mom + mp
    n = int(num_weights)
    check_count(op, data, stride * n + (2 if preloaded else 0))
    outs = check_out(op, out, n)
    names = ["weight", "grad"] + (["mom"] if has_mom else []) + (["weight32"] if mp else [])
    dt = None
    for i in range(n):
        named = list(zip(names, data[i * stride:(i + 1) * stride]))
        d = check_arrays(op, named, ("weight", "grad") if mp else names,
                         f32=("mom", "weight32") if mp else ())
        if dt is None:
            dt = d
    for i, o in enumerate(outs):
        check_output(op, o, data[i * stride].shape, dt)
    T = F32 if mp else dt.type
    # MPDType == DType for float32 weights: MXNet's kernel then reads the weight itself and
    # leaves weight32 alone
    master = mp and dt != np.float32
    if preloaded:
        la, wa = data[-2], data[-1]
        check_arrays(op, [("lrs", la), ("wds", wa)], (), f32=("lrs", "wds"),
                     shapes={"lrs": None, "wds": None})
        lv = la.asnumpy().reshape(-1)
        wv = wa.asnumpy().reshape(-1)
        lr_l = [F32(lv[i]) for i in range(n)]
        wd_l = [F32(wv[i]) for i in range(n)]
    else:
        lr_l = [T(x) for x in float_tuple(op, "lrs", lrs, n)]
        wd_l = [T(x) for x in float_tuple(op, "wds", wds, n)]
    mo, rs, cg = (T(_param(v, nm, op)) for v, nm in ((momentum, "momentum"),
                                                     (rescale_grad, "rescale_grad"),
                                                     (clip_gradient, "clip_gradient")))
    k = _kernels()
    arrays = list(data[:stride * n]) + outs
    h = HostRun(arrays)
    b = h.bufs
    written = []
    with np.errstate(all="ignore"):
        for i in range(n):
            base = i * stride
            mom = b[base + 2] if has_mom else None
            w32 = b[base + stride - 1] if master else None
            o, w, g = b[stride * n + i], b[base], b[base + 1]
            if w32 is not None and o.dtype == np.float16:
                # float32 master copy: the multi kernel is mp_sgd_mom's arithmetic (a zero
                # momentum state when there is none; lr and wd are float32 either way)
                mp_kernel("mp_sgd_mom", o, (np.zeros(w32.shape, F32) if mom is None else mom,
                                            w32), g, (lr_l[i], mo, wd_l[i], rs, cg))
            else:
                k.multi_sgd(o, w, g, mom, w32, lr_l[i], wd_l[i], mo, rs, cg, preloaded)
            written += ([base + 2] if has_mom else []) + ([base + stride - 1] if master else [])
    h.sync(written + list(range(stride * n, stride * n + n)))
    return outs


def _doc(kind):
    return (f"{kind}: as `multi_sgd_update` (see the module docstring); per weight i, "
            "mom = momentum*mom - lrs[i]*wds[i]*w - lrs[i]*clip(rescale_grad*grad); w += mom.")


def multi_sgd_update(*data, lrs=None, wds=None, rescale_grad=1.0, clip_gradient=-1.0,
                     num_weights=1, out=None, name=None):
    """SGD on several weights at once: data = (w0, g0, w1, g1, ...); per weight i,
    out[i] = w + (0 - lrs[i]*wds[i]*w - lrs[i]*clip(rescale_grad*g)) (MXNet's multi kernel:
    rounded differently from sgd_update's (1 - lr*wd)*w - ...)."""
    return _multi_sgd("multi_sgd_update", data, lrs, wds, 0.0, rescale_grad, clip_gradient,
                      num_weights, out, False, False, False)


def multi_sgd_mom_update(*data, lrs=None, wds=None, momentum=0.0, rescale_grad=1.0,
                         clip_gradient=-1.0, num_weights=1, out=None, name=None):
    return _multi_sgd("multi_sgd_mom_update", data, lrs, wds, momentum, rescale_grad,
                      clip_gradient, num_weights, out, True, False, False)


def multi_mp_sgd_update(*data, lrs=None, wds=None, rescale_grad=1.0, clip_gradient=-1.0,
                        num_weights=1, out=None, name=None):
    return _multi_sgd("multi_mp_sgd_update", data, lrs, wds, 0.0, rescale_grad, clip_gradient,
                      num_weights, out, False, True, False)


def multi_mp_sgd_mom_update(*data, lrs=None, wds=None, momentum=0.0, rescale_grad=1.0,
                            clip_gradient=-1.0, num_weights=1, out=None, name=None):
    return _multi_sgd("multi_mp_sgd_mom_update", data, lrs, wds, momentum, rescale_grad,
                      clip_gradient, num_weights, out, True, True, False)


def preloaded_multi_sgd_update(*data, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1,
                               out=None, name=None):
    return _multi_sgd("preloaded_multi_sgd_update", data, None, None, 0.0, rescale_grad,
                      clip_gradient, num_weights, out, False, False, True)


def preloaded_multi_sgd_mom_update(*data, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                                   num_weights=1, out=None, name=None):
    return _multi_sgd("preloaded_multi_sgd_mom_update", data, None, None, momentum,
                      rescale_grad, clip_gradient, num_weights, out, True, False, True)


def preloaded_multi_mp_sgd_update(*data, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1,
                                  out=None, name=None):
    return _multi_sgd("preloaded_multi_mp_sgd_update", data, None, None, 0.0, rescale_grad,
                      clip_gradient, num_weights, out, False, True, True)


def preloaded_multi_mp_sgd_mom_update(*data, momentum=0.0, rescale_grad=1.0,
                                      clip_gradient=-1.0, num_weights=1, out=None, name=None):
    return _multi_sgd("preloaded_multi_mp_sgd_mom_update", data, None, None, momentum,
                      rescale_grad, clip_gradient, num_weights, out, True, True, True)


for _f, _k in ((multi_sgd_mom_update, "SGD with momentum (data: w, g, mom per weight)"),
               (multi_mp_sgd_update, "Mixed-precision SGD (data: w, g, weight32 per weight)"),
               (multi_mp_sgd_mom_update, "Mixed-precision SGD with momentum (data: w, g, mom, "
                                         "weight32 per weight; mom float32)"),
               (preloaded_multi_sgd_update, "SGD, lrs and wds as the last two data arrays "
                                            "(float32)"),
               (preloaded_multi_sgd_mom_update, "SGD with momentum, lrs and wds as arrays"),
               (preloaded_multi_mp_sgd_update, "Mixed-precision SGD, lrs and wds as arrays"),
               (preloaded_multi_mp_sgd_mom_update, "Mixed-precision SGD with momentum, lrs and "
                                                   "wds as arrays")):
    _f.__doc__ = _doc(_k)


def multi_sum_sq(*data, num_arrays=None, out=None, name=None):
    """The sum of squares of each array, as one float32 array of shape (num_arrays,),
    accumulated sequentially in float32 as MXNet's CPU kernel does.

    >>> mx.nd.multi_sum_sq(mx.nd.array([1., 2.]), mx.nd.array([3.]), num_arrays=2).asnumpy()
    array([5., 9.], dtype=float32)
    """
    op = "multi_sum_sq"
    if num_arrays is None:
        raise MXNetError(f"Required parameter num_arrays of int is not presented, in operator "
                         f"{op}")
    check_count(op, data, int(num_arrays))
    dt = None
    for a in data:
        d = check_arrays(op, [("data", a)], ())
        if dt is None:
            dt = d
        elif d != dt:
            raise MXNetError(f"{op}: Type inconsistent, Provided = {d.name}, inferred type = "
                             f"{dt.name}")
    k = _kernels()
    h = HostRun(list(data))
    vals = np.array([k.sum_sq(b) for b in h.bufs], F32)
    res = NDArray(vals, data[0]._ctx) if data[0]._data.__class__ is np.ndarray else None
    if res is None:
        from ..kernels import cuda_launch

        res = NDArray(cuda_launch.to_device(vals), data[0]._ctx)
    if out is None:
        return res
    out[:] = res
    return out


def multi_lars(lrs=None, weights_sum_sq=None, grads_sum_sq=None, wds=None, eta=None, eps=None,
               rescale_grad=1.0, out=None, name=None):
    """LARS learning rates (float32 arrays, one value per layer): where ||w|| > 0 and
    grads_sum_sq > 0, lrs*eta*||w|| / (||g||*rescale_grad + wds*||w|| + eps), else lrs.

    >>> mx.nd.multi_lars(mx.nd.array([0.1]), mx.nd.array([4.]), mx.nd.array([1.]),
    ...                  mx.nd.array([0.]), eta=1., eps=0.).asnumpy()
    array([0.2], dtype=float32)
    """
    op = "multi_lars"
    for nm, v in (("eta", eta), ("eps", eps)):
        if v is None:
            raise MXNetError(f"Required parameter {nm} of float is not presented, in operator "
                             f"{op}")
    named = [("lrs", lrs), ("weights_sum_sq", weights_sum_sq), ("grads_sum_sq", grads_sum_sq),
             ("wds", wds)]
    dt = check_arrays(op, named, ())
    if dt != F32:
        raise MXNetError(f"{op}: MultiLARS only support float")
    eta_, eps_, rs = (F32(_param(v, nm, op)) for v, nm in ((eta, "eta"), (eps, "eps"),
                                                          (rescale_grad, "rescale_grad")))
    h = HostRun([a for _, a in named])
    o = h.out(op, out, lrs, F32)
    with np.errstate(all="ignore"):
        _kernels().lars(o, *h.bufs, eta_, eps_, rs)
    return h.finish(())
