"""`mx.nd.contrib.adamw_update` and `mp_adamw_update`: MXNet 1.9.1's AdamW, bit for bit.

`rescale_grad` is an NDArray there (a number is made one, as MXNet's frontend does); its first
element, read as float32, scales the gradient, and when it is not finite or is 0 MXNet skips
the update entirely: weight, states and gradient stay as they are, and a fresh output is left
unwritten (uninitialised memory in MXNet; zeros here). The non-mp form rescales and clips the
gradient array itself in place, as MXNet's does. Arrays on a GPU are updated through the host.

>>> w, m, v = mx.nd.array([1., 2.]), mx.nd.zeros((2,)), mx.nd.zeros((2,))
>>> mx.nd.contrib.adamw_update(w, mx.nd.array([0.5, -1.]), m, v, 0.5, lr=0.1, eta=1.).asnumpy()
array([0.68377054, 2.3162298 ], dtype=float32)
"""
import numpy as np

from ..base import MXNetError
from .._dmlc_float import param as _param
from .ndarray import NDArray
from .optimizer_ops2 import HostRun, _kernels, check_arrays, check_output

__all__ = ["adamw_update", "mp_adamw_update"]

F32 = np.float32


def _rescale(op, rescale_grad, n_in, want=np.dtype(np.float32)):
    """MXNet's float32 scale from the rescale_grad input (NDArray or number; a number becomes
    a float32 array, as MXNet's frontend makes it); its dtype must be `want`."""
    if isinstance(rescale_grad, NDArray):
        dt = np.dtype(rescale_grad.dtype)
        v = rescale_grad.asnumpy().reshape(-1)[0]
    else:
        dt = np.dtype(np.float32)
        v = F32(rescale_grad)
    if dt != want:
        if want == np.float32:
            raise MXNetError(f"{op}: Type inconsistent, Provided = {dt.name}, inferred type = "
                             f"float32 (input {n_in}, rescale_grad)")
        raise MXNetError(f"{op}: Incompatible attr in node  at {n_in}-th input: expected "
                         f"{want.name}, got {dt.name}")
    return F32(v)


def _adamw(op, mp, weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1, beta2,
           epsilon, wd, clip_gradient, out):
    named = [("weight", weight), ("grad", grad), ("mean", mean), ("var", var)]
    if mp:
        named.append(("weight32", weight32))
    dt = check_arrays(op, named, ("weight", "grad") if mp else ("weight", "grad", "mean", "var"),
                      f32=("mean", "var", "weight32") if mp else ())
    p = [F32(_param(v, n, op)) for v, n in
         [(lr, "lr"), (eta, "eta"), (beta1, "beta1"), (beta2, "beta2"), (epsilon, "epsilon"),
          (wd, "wd"), (clip_gradient, "clip_gradient")]]
    lr_, eta_, b1, b2, eps, wd_, cg = p
    rs = _rescale(op, rescale_grad, len(named))
    h = HostRun([a for _, a in named])
    o = h.out(op, out, weight)
    if not np.isfinite(rs) or rs == 0:
        if out is None:
            o[...] = 0
        return h.finish(())
    k = _kernels()
    b = h.bufs
    with np.errstate(all="ignore"):
        if mp:
            k.mp_adamw(o, b[2], b[3], b[4], b[1], b1, b2, eta_, lr_, wd_, eps, rs, cg)
            return h.finish((2, 3, 4))
        T = dt.type
        # scalar<DType>(1.f - beta1): the difference in float32, then cast
        k.adamw(o, b[2], b[3], b[0], b[1], T(b1), T(F32(1) - b1), T(b2), T(F32(1) - b2),
                T(eta_), T(lr_), T(wd_), T(eps), T(rs), T(cg))
    return h.finish((1, 2, 3))


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999,
                 epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW (decoupled weight decay), in the arrays' dtype: grad = clip(rescale_grad*grad)
    (written back into grad); mean = beta1*mean + (1 - beta1)*grad;
    var = beta2*var + (1 - beta2)*grad^2;
    out = weight - eta*(lr*mean / (sqrt(var) + epsilon) + wd*weight).

    >>> w, m, v = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.contrib.adamw_update(w, mx.nd.array([0.5]), m, v, 1., lr=0.1, eta=1.).asnumpy()
    array([0.6837703], dtype=float32)
    """
    return _adamw("_adamw_update", False, weight, grad, mean, var, None, rescale_grad, lr,
                  eta, beta1, beta2, epsilon, wd, clip_gradient, out)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9,
                    beta2=0.999, epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None,
                    **kwargs):
    """AdamW with a float32 master copy: mean, var and weight32 (float32) are updated in
    float32; out = weight32 in weight's dtype; grad is left alone.

    >>> w32, m, v = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.contrib.mp_adamw_update(w32.astype("float16"), mx.nd.array([0.5], dtype="float16"),
    ...                               m, v, w32, 1., lr=0.1, eta=1.).asnumpy()
    array([0.6836], dtype=float16)
    """
    return _adamw("_mp_adamw_update", True, weight, grad, mean, var, weight32, rescale_grad,
                  lr, eta, beta1, beta2, epsilon, wd, clip_gradient, out)


# ---------------------------------------------------------------- multi-tensor forms

def _multi_check(op, groups, names, mp, out):
    from .optimizer_multi import check_out

    n = len(groups)
    outs = check_out(op, out, n)
    dt = None
    for g in groups:
        d = check_arrays(op, list(zip(names, g)), ("weight", "grad") if mp else names,
                         f32=("mean", "var", "weight32") if mp else ())
        if dt is None:
            dt = d
        elif d != dt:
            raise MXNetError(f"{op}: Incompatible attr in node  at 0-th input: expected "
                             f"{dt.name}, got {d.name}")
    for g, o in zip(groups, outs):
        check_output(op, o, g[0].shape, dt)
    return outs, dt


def _multi_adamw(op, mp, weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas,
                 out, size, beta1=0.9, beta2=0.999, epsilon=1e-8, clip_gradient=-1.0):
    from .optimizer_multi import float_tuple

    n = int(size) if size else len(weights)
    cols = [weights, grads, mean, var] + ([weights32] if mp else [])
    names = ["weight", "grad", "mean", "var"] + (["weight32"] if mp else [])
    groups = [[c[i] for c in cols] for i in range(n)]
    outs, dt = _multi_check(op, groups, names, mp, out)
    T = F32 if mp else dt.type
    master = mp and dt != np.float32
    lr_l, wd_l, eta_l = (float_tuple(op, nm, v, n) for nm, v in
                         (("lrs", lrs), ("wds", wds), ("etas", etas)))
    b1, b2, eps, cg = (T(_param(v, nm, op)) for v, nm in
                       ((beta1, "beta1"), (beta2, "beta2"), (epsilon, "epsilon"),
                        (clip_gradient, "clip_gradient")))
    # the non-mp multi op infers one dtype for every input, rescale_grad included
    rs = _rescale(op, rescale_grad, len(names) * n, F32 if mp else dt)
    flat = [a for g in groups for a in g]
    h = HostRun(flat + outs)
    if not np.isfinite(rs) or rs == 0:
        return outs
    k = _kernels()
    b = h.bufs
    s = len(names)
    written = []
    with np.errstate(all="ignore"):
        for i in range(n):
            w32 = b[i * s + 4] if master else None
            k.multi_adamw(b[s * n + i], b[i * s], b[i * s + 1], b[i * s + 2], b[i * s + 3], w32,
                          T(lr_l[i]), T(wd_l[i]), T(eta_l[i]), b1, b2, eps, T(rs), cg)
            written += [i * s + 2, i * s + 3] + ([i * s + 4] if master else [])
    h.sync(written + list(range(s * n, s * n + n)))
    return outs


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None,
                       name=None, size=0, **kwargs):
    """AdamW on several weights (lists of NDArrays; out: a list, one per weight), with
    per-weight lrs, wds and etas; kwargs: beta1, beta2, epsilon, clip_gradient. MXNet's multi
    kernel: mean = beta1*(mean - g) + g, var = beta2*(var - g*g) + g*g;
    w = w - eta*(lr*mean/(sqrt(var) + epsilon) + wd*w). Skipped when rescale_grad is not
    finite or is 0."""
    return _multi_adamw("_multi_adamw_update", False, weights, grads, mean, var, None,
                        rescale_grad, lrs, wds, etas, out, size, **kwargs)


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas,
                          out=None, name=None, size=0, **kwargs):
    """`multi_adamw_update` with float32 master copies weights32 (and float32 mean, var)."""
    return _multi_adamw("_multi_mp_adamw_update", True, weights, grads, mean, var, weights32,
                        rescale_grad, lrs, wds, etas, out, size, **kwargs)


def _multi_lamb(op, mp, weights, grads, mean, var, weights32, step_count, lrs, wds, out,
                num_tensors, beta1=0.9, beta2=0.999, epsilon=1e-6, rescale_grad=1.0,
                lower_bound=-1.0, upper_bound=-1.0, clip_gradient=-1.0, bias_correction=True):
    from .optimizer_multi import float_tuple

    n = int(num_tensors) if num_tensors else len(weights)
    cols = [weights, grads, mean, var] + ([weights32] if mp else [])
    names = ["weight", "grad", "mean", "var"] + (["weight32"] if mp else [])
    groups = [[c[i] for c in cols] for i in range(n)]
    outs, dt = _multi_check(op, groups, names, mp, out)
    master = mp and dt != np.float32
    lr_l = float_tuple(op, "learning_rates", lrs, n)
    wd_l = float_tuple(op, "wds", wds, n)
    steps = list(step_count) if isinstance(step_count, (list, tuple)) else [step_count]
    if len(steps) != n:
        raise MXNetError(f"{op}: Check failed: param.step_count.ndim() == param.num_tensors "
                         f"({len(steps)} vs. {n}) : Number of step counts is inconsistent with "
                         f"num_tensors.Expected number of step counts: {n}, and got "
                         f"{len(steps)}")
    b1, b2, eps, rs, lb, ub, cg = (F32(_param(v, nm, op)) for v, nm in
                                   ((beta1, "beta1"), (beta2, "beta2"), (epsilon, "epsilon"),
                                    (rescale_grad, "rescale_grad"),
                                    (lower_bound, "lower_bound"), (upper_bound, "upper_bound"),
                                    (clip_gradient, "clip_gradient")))
    flat = [a for g in groups for a in g]
    h = HostRun(flat + outs)
    k = _kernels()
    b = h.bufs
    s = len(names)
    written = []
    with np.errstate(all="ignore"):
        for i in range(n):
            w, g, m, v = b[i * s:i * s + 4]
            w32 = b[i * s + 4] if master else None
            tg = k.multi_lamb_step1(m, v, w32 if master else w, g, b1, b2, eps, cg,
                                    bool(bias_correction), rs, int(steps[i]), wd_l[i])
            ssw = k.sum_sq(w)
            ssg = k.sum_sq(tg)
            k.multi_lamb_step2(b[s * n + i], w, w32, tg, ssw, ssg, lr_l[i], lb, ub)
            written += [i * s + 2, i * s + 3] + ([i * s + 4] if master else [])
    h.sync(written + list(range(s * n, s * n + n)))
    return outs


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0,
                      **kwargs):
    """LAMB on several tensors (lists; out: one NDArray per tensor; step_count: one int per
    tensor); kwargs: beta1, beta2, epsilon, rescale_grad, lower_bound, upper_bound,
    clip_gradient, bias_correction. Per tensor: the LAMB phase-1 direction g (float32), then
    w -= lr * (||w|| / ||g||) * g, the norms from float32 sums of squares."""
    return _multi_lamb("_multi_lamb_update", False, weights, grads, mean, var, None, step_count,
                       lrs, wds, out, num_tensors, **kwargs)


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None,
                         num_tensors=0, **kwargs):
    """`multi_lamb_update` with float32 master copies weights32 (mean, var float32)."""
    return _multi_lamb("_multi_mp_lamb_update", True, weights, grads, mean, var, weights32,
                       step_count, lrs, wds, out, num_tensors, **kwargs)


__all__ += ["multi_adamw_update", "multi_mp_adamw_update", "multi_lamb_update",
            "multi_mp_lamb_update"]


def group_adagrad_update(weight=None, grad=None, history=None, lr=None, rescale_grad=1.0,
                         clip_gradient=-1.0, epsilon=1e-5, out=None, name=None):
    """AdaGrad with one history value per row (group sparsity): g = clip(rescale_grad*grad);
    history[row] += mean over the row of g^2; weight -= lr*g / sqrt(history[row] + epsilon).
    Updates the weight in place: `out` must be the weight, as MXNet requires. MXNet 1.9.1 runs
    it only with a row_sparse gradient on the CPU; a dense gradient here is that gradient with
    every row present (the same numbers), history is indexed flat by row as MXNet's kernel does.

    >>> w, h = mx.nd.ones((2, 2)), mx.nd.zeros((2, 1))
    >>> mx.nd.contrib.group_adagrad_update(w, mx.nd.ones((2, 2)), h, lr=0.1, out=w).asnumpy()
    array([[0.9000005, 0.9000005],
           [0.9000005, 0.9000005]], dtype=float32)
    """
    op = "_contrib_group_adagrad_update"
    if lr is None:
        raise MXNetError(f"Required parameter lr of float is not presented, in operator {op}")
    named = [("weight", weight), ("grad", grad), ("history", history)]
    dt = check_arrays(op, named, ("weight", "grad", "history"),
                      shapes={"history": None})
    if out is not weight:
        raise MXNetError(f"{op}: Check failed: req == kWriteInplace (1 vs. 2) : kWriteInplace "
                         f"is expected for sparse group_adagrad_update")
    if weight.size == 0 or history.size < (weight.shape[0] if weight.ndim else 1):
        raise MXNetError(f"{op}: history of shape {history.shape} has fewer than one value per "
                         f"row of weight {weight.shape}")
    T = dt.type
    lr_, rs, cg, eps = (T(_param(v, nm, op)) for v, nm in
                        ((lr, "lr"), (rescale_grad, "rescale_grad"),
                         (clip_gradient, "clip_gradient"), (epsilon, "epsilon")))
    h = HostRun([a for _, a in named])
    with np.errstate(all="ignore"):
        _kernels().group_adagrad(h.bufs[0], h.bufs[1], h.bufs[2], lr_, rs, cg, eps)
    h.sync((0, 2))
    return weight


__all__ += ["group_adagrad_update"]
