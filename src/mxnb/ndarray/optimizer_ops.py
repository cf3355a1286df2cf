"""MXNet's fused optimizer updates (`mx.nd.sgd_update`, `adam_update`, ...).

Each takes the weight, its gradient and the optimizer states, updates the states in place
(as MXNet does) and returns the new weight, written into `out` when given (the usual call is
`mx.nd.sgd_update(w, g, lr=0.1, out=w)`); nothing is recorded by autograd.

On CPU arrays each update gives MXNet 1.9.1's numbers bit for bit: MXNet's evaluation order,
every element in the array's dtype, the scalars parsed to float32 as MXNet's parameter parser
does (`_dmlc_float`). float32 and float64 run one Numba loop (`mxnb.kernels.optimizer_kernels`);
float16 runs NumPy float16 steps (`mxnb.kernels.optimizer_f16`), since MXNet rounds every
float16 operation. The formulas in the docstrings below are written in that order (`a * b * c`
is `(a * b) * c`; `(1 - beta1)` and `lr * wd` are rounded in the dtype first).
Other arrays (GPU arrays, mismatched shapes or dtypes) take the same formulas written with mxnb
ops: on the GPU these may differ from MXNet's CPU numbers in the last bit.

>>> w = mx.nd.array([1., 2.]); g = mx.nd.array([0.5, -1.])
>>> mx.nd.sgd_update(w, g, lr=0.1, wd=0.01, out=w)
<BLANKLINE>
[0.949 2.098]
<NDArray 2 @cpu(0)>
"""
import numpy as np

from .. import autograd
from ..base import MXNetError
from . import _api as nd
from .._dmlc_float import param as _param
from .compat import _check
from .ndarray import NDArray

__all__ = ["sgd_update", "sgd_mom_update", "nag_mom_update", "adam_update", "rmsprop_update",
           "rmspropalex_update", "ftrl_update", "signsgd_update", "signum_update", "all_finite",
           "multi_all_finite", "reset_arrays"]


def _required(name, **kw):
    for k, v in kw.items():
        if v is None:
            raise MXNetError(f"{name}: Required parameter {k} of float is not presented")


def _grad(grad, rescale_grad, clip_gradient, weight=None, wd=0.0):
    """rescale_grad * grad (+ wd * weight), clipped to +-clip_gradient when that is >= 0."""
    g = grad * rescale_grad
    if weight is not None and wd:
        g = g + weight * wd
    if clip_gradient is not None and clip_gradient >= 0:
        g = nd.clip(g, -clip_gradient, clip_gradient)
    return g


def _assign(state, value):
    state[:] = value


_FAST = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16))
_kernels = None
_f16 = None


def _fast(weight, arrays, out):
    """(dtype's type, output buffer, result NDArray, flat buffers) for the exact kernels, or None.

    None (the composed path) unless every array is a CPU NumPy buffer of weight's shape and of
    one dtype, float32, float64 or float16, and the arrays written to (states, out) are
    writable.
    """
    wd = weight._data
    if wd.__class__ is not np.ndarray:
        return None
    dt = wd.dtype
    if dt not in _FAST:
        return None
    shape = wd.shape
    bufs = []
    for a in arrays:
        d = a._data
        if d.__class__ is not np.ndarray or d.shape != shape or (d.dtype is not dt
                                                                 and d.dtype != dt):
            return None
        if bufs:  # a state (arrays[0] is the gradient): written in place
            fl = d.flags
            if not (fl.writeable and fl.c_contiguous):
                return None
        bufs.append(d.reshape(-1))
    if out is None:
        o = np.empty(shape, dt)
        res = NDArray(o, weight._ctx)
    else:
        if not isinstance(out, NDArray):
            return None
        o = out._data
        if o.__class__ is not np.ndarray or o.shape != shape or (o.dtype is not dt
                                                                 and o.dtype != dt):
            return None
        fl = o.flags
        if not (fl.writeable and fl.c_contiguous):
            return None
        res = out
    return dt.type, o.reshape(-1), res, bufs


# The kernels' scalars from MXNet's parameters (each already parsed to float32 and cast to the
# dtype T), pre-combined as MXNet's C++ combines them before touching an element.
def _k_sgd(T, lr, wd, rs, cg):
    return T(1) - lr * wd, lr, lr * rs, rs, bool(cg >= 0), cg


def _k_sgd_mom(T, lr, mo, wd, rs, cg):
    return mo, lr * wd, lr, lr * rs, rs, bool(cg >= 0), cg


def _k_nag(T, lr, mo, wd, rs, cg):
    return mo, mo + T(1), lr, wd, rs, bool(cg >= 0), cg


def _k_adam(T, lr, b1, b2, eps, wd, rs, cg):
    return b1, T(1) - b1, b2, T(1) - b2, lr, eps, wd, rs, bool(cg >= 0), cg


def _k_rmsprop(T, lr, g1, eps, wd, rs, cg, cw):
    return g1, T(1) - g1, lr, eps, wd, rs, bool(cg >= 0), cg, bool(cw >= 0), cw


def _k_rmspropalex(T, lr, g1, g2, eps, wd, rs, cg, cw):
    return g1, T(1) - g1, g2, lr, eps, wd, rs, bool(cg >= 0), cg, bool(cw >= 0), cw


def _k_ftrl(T, lr, l1, beta, wd, rs, cg):
    return lr, l1, beta, wd, rs, bool(cg >= 0), cg, T(1)


def _k_signsgd(T, lr, wd, rs, cg):
    return T(1) - lr * wd, lr, T(1)   # MXNet parses rescale_grad and clip_gradient, unused


def _k_signum(T, lr, mo, wd, rs, cg, wd_lh):
    om = T(1) - mo
    return mo, om * wd, om, om * rs, rs, T(1) - lr * wd_lh, lr, bool(cg >= 0), cg, T(1)


# op: (kernel, parameter names in the order the _k_ function takes them, _k_ function)
_SPEC = {
    "sgd_update": ("sgd", ("lr", "wd", "rescale_grad", "clip_gradient"), _k_sgd),
    "sgd_mom_update": ("sgd_mom", ("lr", "momentum", "wd", "rescale_grad", "clip_gradient"),
                       _k_sgd_mom),
    "nag_mom_update": ("nag", ("lr", "momentum", "wd", "rescale_grad", "clip_gradient"), _k_nag),
    "adam_update": ("adam", ("lr", "beta1", "beta2", "epsilon", "wd", "rescale_grad",
                             "clip_gradient"), _k_adam),
    "rmsprop_update": ("rmsprop", ("lr", "gamma1", "epsilon", "wd", "rescale_grad",
                                   "clip_gradient", "clip_weights"), _k_rmsprop),
    "rmspropalex_update": ("rmspropalex", ("lr", "gamma1", "gamma2", "epsilon", "wd",
                                           "rescale_grad", "clip_gradient", "clip_weights"),
                           _k_rmspropalex),
    "ftrl_update": ("ftrl", ("lr", "lamda1", "beta", "wd", "rescale_grad", "clip_gradient"),
                    _k_ftrl),
    "signsgd_update": ("signsgd", ("lr", "wd", "rescale_grad", "clip_gradient"), _k_signsgd),
    "signum_update": ("signum", ("lr", "momentum", "wd", "rescale_grad", "clip_gradient",
                                 "wd_lh"), _k_signum),
}
_memo = {}


def _update(op, f, weight, values, extra=()):
    """Run op's exact kernel: f from _fast, values the parameters in _SPEC's order."""
    global _kernels, _f16
    T, o, res, bufs = f
    # NOTE: keyed by value: a training loop repeats the same few parameter tuples, and this
    # lookup is most of the Python cost of a small update.
    key = (op, T) + values
    scal = _memo.get(key)
    if scal is None:
        kname, names, combine = _SPEC[op]
        params = tuple(T(_param(v, n, op)) for v, n in zip(values, names))
        scal = params if T is np.float16 else np.array(combine(T, *params), T)
        if len(_memo) > 1024:
            _memo.clear()
        _memo[key] = scal
    w = weight._data.reshape(-1)
    if T is np.float16:
        if _f16 is None:
            from ..kernels import optimizer_f16 as _f16
        with np.errstate(all="ignore"):
            getattr(_f16, _SPEC[op][0])(o, *bufs[1:], w, bufs[0], *scal, *extra)
        return res
    if _kernels is None:
        from ..kernels import optimizer_kernels as _kernels  # imports numba: on first use
    _kernels.launch(_SPEC[op][0], o.size, o, *bufs[1:], w, bufs[0], scal, *extra)
    return res


def _result(new, out):
    if out is None:
        return new
    out[:] = new
    return out


def sgd_update(weight=None, grad=None, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
               lazy_update=True, out=None, name=None):
    """out = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad, clip_gradient);
    without clipping (clip_gradient < 0): (1 - lr*wd) * weight - (lr*rescale_grad) * grad.

    >>> w = mx.nd.array([1., 2.])
    >>> mx.nd.sgd_update(w, mx.nd.array([0.5, -1.]), lr=0.1, wd=0.01, out=w).asnumpy()
    array([0.949, 2.098], dtype=float32)
    """
    _check("sgd_update", ("weight", weight), ("grad", grad))
    _required("sgd_update", lr=lr)
    f = _fast(weight, (grad,), out)
    if f is not None:
        return _update("sgd_update", f, weight, (lr, wd, rescale_grad, clip_gradient))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        return _result(weight * (1.0 - lr * wd) - g * lr, out)


def sgd_mom_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True, out=None, name=None):
    """mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad, clip_gradient)
    (without clipping: ... - lr*rescale_grad*grad); out = weight + mom.

    >>> w, m = mx.nd.array([1., 2.]), mx.nd.array([0.1, 0.])
    >>> mx.nd.sgd_mom_update(w, mx.nd.array([0.5, -1.]), m, lr=0.1, momentum=0.9, out=w)
    <BLANKLINE>
    [1.04 2.1 ]
    <NDArray 2 @cpu(0)>
    """
    _check("sgd_mom_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("sgd_mom_update", lr=lr)
    f = _fast(weight, (grad, mom), out)
    if f is not None:
        return _update("sgd_mom_update", f, weight,
                       (lr, momentum, wd, rescale_grad, clip_gradient))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        _assign(mom, mom * momentum - weight * (lr * wd) - g * lr)
        return _result(weight + mom, out)


def nag_mom_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """Nesterov momentum, as MXNet's kernel: m = momentum*mom;
    weight' = weight - m + (momentum + 1) * (m - lr*(clip(rescale*grad) + wd*weight));
    mom = m - lr*(clip(rescale*grad) + wd*w), where w is the *new* weight when out is weight
    (MXNet's kernel writes the output before it reads the weight again).

    >>> w, m = mx.nd.array([1., 2.]), mx.nd.array([0.1, 0.])
    >>> mx.nd.nag_mom_update(w, mx.nd.array([0.5, -1.]), m, lr=0.1, momentum=0.9).asnumpy()
    array([0.986, 2.19 ], dtype=float32)
    """
    _check("nag_mom_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("nag_mom_update", lr=lr)
    f = _fast(weight, (grad, mom), out)
    if f is not None:
        alias = bool(np.may_share_memory(f[1], weight._data))
        return _update("nag_mom_update", f, weight,
                       (lr, momentum, wd, rescale_grad, clip_gradient), (alias,))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        m = mom * momentum
        new = weight - m + (m - (g + weight * wd) * lr) * (momentum + 1.0)
        w = new if out is weight else weight
        _assign(mom, m - (g + w * wd) * lr)
        return _result(new, out)


def adam_update(weight=None, grad=None, mean=None, var=None, lr=None, beta1=0.9, beta2=0.999,
                epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True,
                out=None, name=None):
    """g = clip(rescale*grad + wd*weight); mean, var moving averages of g and g^2;
    mean = beta1*mean + (1 - beta1)*g; var = beta2*var + (1 - beta2)*g*g;
    out = weight - lr*mean / (sqrt(var) + epsilon) (no bias correction: fold it into lr).

    >>> w, m, v = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.adam_update(w, mx.nd.array([0.5]), m, v, lr=0.1, epsilon=1e-8).asnumpy()
    array([0.6837703], dtype=float32)
    """
    _check("adam_update", ("weight", weight), ("grad", grad), ("mean", mean), ("var", var))
    _required("adam_update", lr=lr)
    f = _fast(weight, (grad, mean, var), out)
    if f is not None:
        return _update("adam_update", f, weight,
                       (lr, beta1, beta2, epsilon, wd, rescale_grad, clip_gradient))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient, weight, wd)
        _assign(mean, mean * beta1 + g * (1.0 - beta1))
        _assign(var, var * beta2 + nd.square(g) * (1.0 - beta2))
        return _result(weight - mean * lr / (nd.sqrt(var) + epsilon), out)


def _clip_weights(w, clip_weights):
    if clip_weights is not None and clip_weights >= 0:
        return nd.clip(w, -clip_weights, clip_weights)
    return w


def rmsprop_update(weight=None, grad=None, n=None, lr=None, gamma1=0.95, epsilon=1e-8, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, clip_weights=-1.0, out=None, name=None):
    """g = clip(rescale_grad*grad + wd*weight, clip_gradient);
    n = (1 - gamma1)*(g*g) + gamma1*n; out = clip(weight - lr*(g / sqrt(n + epsilon)),
    clip_weights).

    >>> w, n = mx.nd.array([1.]), mx.nd.zeros((1,))
    >>> mx.nd.rmsprop_update(w, mx.nd.array([0.5]), n, lr=0.1, gamma1=0.75).asnumpy()
    array([0.8], dtype=float32)
    """
    _check("rmsprop_update", ("weight", weight), ("grad", grad), ("n", n))
    _required("rmsprop_update", lr=lr)
    f = _fast(weight, (grad, n), out)
    if f is not None:
        return _update("rmsprop_update", f, weight,
                       (lr, gamma1, epsilon, wd, rescale_grad, clip_gradient, clip_weights))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient, weight, wd)
        _assign(n, nd.square(g) * (1.0 - gamma1) + n * gamma1)
        w = weight - g * lr / nd.sqrt(n + epsilon)
        return _result(_clip_weights(w, clip_weights), out)


def rmspropalex_update(weight=None, grad=None, n=None, g=None, delta=None, lr=None, gamma1=0.95,
                       gamma2=0.9, epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                       clip_weights=-1.0, out=None, name=None):
    """Centered RMSProp (Graves 2013): with gr = clip(rescale_grad*grad + wd*weight),
    n = (1 - gamma1)*gr*gr + gamma1*n; g = (1 - gamma1)*gr + gamma1*g;
    delta = gamma2*delta - lr*gr / sqrt(n - g*g + epsilon); out = clip(weight + delta).

    >>> w, z = mx.nd.array([1.]), [mx.nd.zeros((1,)) for _ in range(3)]
    >>> mx.nd.rmspropalex_update(w, mx.nd.array([0.5]), *z, lr=0.1, gamma1=0.75).asnumpy()
    array([0.7690599], dtype=float32)
    """
    _check("rmspropalex_update", ("weight", weight), ("grad", grad), ("n", n), ("g", g),
           ("delta", delta))
    _required("rmspropalex_update", lr=lr)
    f = _fast(weight, (grad, n, g, delta), out)
    if f is not None:
        return _update("rmspropalex_update", f, weight,
                       (lr, gamma1, gamma2, epsilon, wd, rescale_grad, clip_gradient, clip_weights))
    with autograd.pause():
        gr = _grad(grad, rescale_grad, clip_gradient, weight, wd)
        _assign(n, nd.square(gr) * (1.0 - gamma1) + n * gamma1)
        _assign(g, gr * (1.0 - gamma1) + g * gamma1)
        _assign(delta, delta * gamma2 - gr * lr / nd.sqrt(n - nd.square(g) + epsilon))
        return _result(_clip_weights(weight + delta, clip_weights), out)


def ftrl_update(weight=None, grad=None, z=None, n=None, lr=None, lamda1=0.01, beta=1.0, wd=0.0,
                rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """FTRL-proximal: z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr; n += g^2;
    weight = (sign(z)*lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1), with
    g = clip(grad*rescale_grad, clip_gradient).

    >>> w, z, n = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.ftrl_update(w, mx.nd.array([0.5]), z, n, lr=0.1).asnumpy()
    array([0.2993333], dtype=float32)
    """
    _check("ftrl_update", ("weight", weight), ("grad", grad), ("z", z), ("n", n))
    _required("ftrl_update", lr=lr)
    f = _fast(weight, (grad, z, n), out)
    if f is not None:
        return _update("ftrl_update", f, weight,
                       (lr, lamda1, beta, wd, rescale_grad, clip_gradient))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        _assign(z, z + g - (nd.sqrt(n + nd.square(g)) - nd.sqrt(n)) * weight / lr)
        _assign(n, n + nd.square(g))
        w = (nd.sign(z) * lamda1 - z) / ((nd.sqrt(n) + beta) / lr + wd) * (nd.abs(z) > lamda1)
        return _result(w, out)


def signsgd_update(weight=None, grad=None, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                   out=None, name=None):
    """out = (1 - lr*wd) * weight - lr * sign(grad) (rescale_grad and clip_gradient unused,
    as in MXNet).

    >>> mx.nd.signsgd_update(mx.nd.array([1., 2.]), mx.nd.array([0.5, -1.]), lr=0.1).asnumpy()
    array([0.9, 2.1], dtype=float32)
    """
    _check("signsgd_update", ("weight", weight), ("grad", grad))
    _required("signsgd_update", lr=lr)
    f = _fast(weight, (grad,), out)
    if f is not None:
        return _update("signsgd_update", f, weight, (lr, wd, rescale_grad, clip_gradient))
    with autograd.pause():
        return _result(weight * (1.0 - lr * wd) - nd.sign(grad) * lr, out)


def signum_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                  rescale_grad=1.0, clip_gradient=-1.0, wd_lh=0.0, out=None, name=None):
    """mom = momentum*mom - (1-momentum)*(clip(rescale*grad) + wd*weight);
    weight = (1 - lr*wd_lh) * weight + lr * sign(mom); (1 - momentum)*wd and, without
    clipping, (1 - momentum)*rescale_grad are rounded first.

    >>> w, m = mx.nd.array([1., 2.]), mx.nd.zeros((2,))
    >>> mx.nd.signum_update(w, mx.nd.array([0.5, -1.]), m, lr=0.1, momentum=0.9).asnumpy()
    array([0.9, 2.1], dtype=float32)
    """
    _check("signum_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("signum_update", lr=lr)
    f = _fast(weight, (grad, mom), out)
    if f is not None:
        return _update("signum_update", f, weight,
                       (lr, momentum, wd, rescale_grad, clip_gradient, wd_lh))
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        _assign(mom, mom * momentum - (g + weight * wd) * (1.0 - momentum))
        return _result(weight * (1.0 - lr * wd_lh) + nd.sign(mom) * lr, out)


def _finite(data):
    a = data.asnumpy()
    import numpy as np

    return bool(np.isfinite(a).all())


def all_finite(data=None, init_output=True, out=None, name=None):
    """[1.] if every element of `data` is finite, else [0.] (float32, shape (1,))."""
    _check("all_finite", ("data", data))
    from .creation import array

    return _result(array([1.0 if _finite(data) else 0.0], ctx=data.context), out)


def multi_all_finite(*data, num_arrays=1, init_output=True, out=None, name=None):
    """[1.] if every element of every array is finite, else [0.]."""
    from .creation import array

    ok = all(_finite(d) for d in data)
    return _result(array([1.0 if ok else 0.0], ctx=data[0].context), out)


def reset_arrays(*data, num_arrays=None, out=None, name=None):
    """Set every array to zero, in place; returns [] as MXNet's (an op with no outputs)."""
    for d in data:
        d[:] = 0
    return []
