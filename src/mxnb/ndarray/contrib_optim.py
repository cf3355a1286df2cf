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
from .optimizer_ops2 import HostRun, _kernels, check_arrays

__all__ = ["adamw_update", "mp_adamw_update"]

F32 = np.float32


def _rescale(op, rescale_grad, n_in):
    """MXNet's float32 scale from the rescale_grad input (NDArray or number)."""
    if isinstance(rescale_grad, NDArray):
        if np.dtype(rescale_grad.dtype) != np.float32:
            raise MXNetError(f"{op}: Type inconsistent, Provided = "
                             f"{np.dtype(rescale_grad.dtype).name}, inferred type = float32 "
                             f"(input {n_in}, rescale_grad)")
        return F32(rescale_grad.asnumpy().reshape(-1)[0])
    return F32(rescale_grad)   # the frontend's nd.full((1,), rescale_grad): float32


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
    o = h.out(out, weight)
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
    array([0.6837723], dtype=float32)
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
