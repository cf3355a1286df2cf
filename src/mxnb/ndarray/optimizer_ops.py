"""MXNet's fused optimizer updates (`mx.nd.sgd_update`, `adam_update`, ...), written with mxnb ops.

Each takes the weight, its gradient and the optimizer states, updates the states in place
(as MXNet does) and returns the new weight, written into `out` when given (the usual call is
`mx.nd.sgd_update(w, g, lr=0.1, out=w)`). Formulas follow MXNet 1.9.1's kernels
(src/operator/optimizer_op-inl.h); nothing is recorded by autograd.

>>> w = mx.nd.array([1., 2.]); g = mx.nd.array([0.5, -1.])
>>> mx.nd.sgd_update(w, g, lr=0.1, wd=0.01, out=w)
<BLANKLINE>
[0.949 2.098]
<NDArray 2 @cpu(0)>
"""
from .. import autograd
from ..base import MXNetError
from . import _api as nd
from .compat import _check

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


def _result(new, out):
    if out is None:
        return new
    out[:] = new
    return out


def sgd_update(weight=None, grad=None, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
               lazy_update=True, out=None, name=None):
    """weight = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad)."""
    _check("sgd_update", ("weight", weight), ("grad", grad))
    _required("sgd_update", lr=lr)
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        return _result(weight * (1.0 - lr * wd) - g * lr, out)


def sgd_mom_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True, out=None, name=None):
    """mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad); weight += mom."""
    _check("sgd_mom_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("sgd_mom_update", lr=lr)
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        _assign(mom, mom * momentum - weight * (lr * wd) - g * lr)
        return _result(weight + mom, out)


def nag_mom_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                   rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """Nesterov momentum, as MXNet's kernel: m = momentum*mom;
    weight' = weight - m + (momentum + 1) * (m - lr*(clip(rescale*grad) + wd*weight));
    mom = m - lr*(clip(rescale*grad) + wd*w), where w is the *new* weight when out is weight
    (MXNet's kernel writes the output before it reads the weight again)."""
    _check("nag_mom_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("nag_mom_update", lr=lr)
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
    weight -= lr * mean / (sqrt(var) + epsilon) (no bias correction: fold it into lr)."""
    _check("adam_update", ("weight", weight), ("grad", grad), ("mean", mean), ("var", var))
    _required("adam_update", lr=lr)
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
    """n = (1-gamma1)*g^2 + gamma1*n; weight -= lr * g / sqrt(n + epsilon)."""
    _check("rmsprop_update", ("weight", weight), ("grad", grad), ("n", n))
    _required("rmsprop_update", lr=lr)
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient, weight, wd)
        _assign(n, nd.square(g) * (1.0 - gamma1) + n * gamma1)
        w = weight - g * lr / nd.sqrt(n + epsilon)
        return _result(_clip_weights(w, clip_weights), out)


def rmspropalex_update(weight=None, grad=None, n=None, g=None, delta=None, lr=None, gamma1=0.95,
                       gamma2=0.9, epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                       clip_weights=-1.0, out=None, name=None):
    """Centered RMSProp (Graves 2013): delta = gamma2*delta - lr*g/sqrt(n - gbar^2 + eps)."""
    _check("rmspropalex_update", ("weight", weight), ("grad", grad), ("n", n), ("g", g),
           ("delta", delta))
    _required("rmspropalex_update", lr=lr)
    with autograd.pause():
        gr = _grad(grad, rescale_grad, clip_gradient, weight, wd)
        _assign(n, nd.square(gr) * (1.0 - gamma1) + n * gamma1)
        _assign(g, gr * (1.0 - gamma1) + g * gamma1)
        _assign(delta, delta * gamma2 - gr * lr / nd.sqrt(n - nd.square(g) + epsilon))
        return _result(_clip_weights(weight + delta, clip_weights), out)


def ftrl_update(weight=None, grad=None, z=None, n=None, lr=None, lamda1=0.01, beta=1.0, wd=0.0,
                rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """FTRL-proximal: z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr; n += g^2;
    weight = (sign(z)*lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1, else 0."""
    _check("ftrl_update", ("weight", weight), ("grad", grad), ("z", z), ("n", n))
    _required("ftrl_update", lr=lr)
    with autograd.pause():
        g = _grad(grad, rescale_grad, clip_gradient)
        _assign(z, z + g - (nd.sqrt(n + nd.square(g)) - nd.sqrt(n)) * weight / lr)
        _assign(n, n + nd.square(g))
        w = (nd.sign(z) * lamda1 - z) / ((nd.sqrt(n) + beta) / lr + wd) * (nd.abs(z) > lamda1)
        return _result(w, out)


def signsgd_update(weight=None, grad=None, lr=None, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                   out=None, name=None):
    """weight = (1 - lr*wd) * weight - lr * sign(grad)."""
    _check("signsgd_update", ("weight", weight), ("grad", grad))
    _required("signsgd_update", lr=lr)
    with autograd.pause():
        return _result(weight * (1.0 - lr * wd) - nd.sign(grad) * lr, out)


def signum_update(weight=None, grad=None, mom=None, lr=None, momentum=0.0, wd=0.0,
                  rescale_grad=1.0, clip_gradient=-1.0, wd_lh=0.0, out=None, name=None):
    """mom = momentum*mom - (1-momentum)*(clip(rescale*grad) + wd*weight);
    weight = (1 - lr*wd_lh) * weight + lr * sign(mom)."""
    _check("signum_update", ("weight", weight), ("grad", grad), ("mom", mom))
    _required("signum_update", lr=lr)
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
