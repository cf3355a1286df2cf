"""Helpers shared by the shape and indexing tests: float64 arrays and fused-vs-VJP checks."""
import numpy as np

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads


def nd64(a):
    return mx.nd.array(np.asarray(a, dtype=np.float64), dtype="float64")


def as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def fused_equals_vjp(f, args, seed=0):
    """The fused backward (plain pass) and the VJP (create_graph=True) give the same gradients.

    Returns the fused gradients as NumPy arrays.
    """
    rng = np.random.RandomState(seed)
    xs = [a.copy() for a in args]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        outs = as_list(f(*xs))
    heads = [mx.nd.array(rng.standard_normal(o.shape), dtype=o.dtype) for o in outs]
    fused = autograd.grad(outs, xs, head_grads=heads, retain_graph=True)
    vjp = autograd.grad(outs, xs, head_grads=heads, create_graph=True)
    for a, b in zip(fused, vjp):
        assert a.shape == b.shape
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-12, atol=1e-14)
    return [g.asnumpy() for g in fused]


def _squared(f):
    """f with its float64 outputs squared: second derivatives of linear ops then depend on x."""
    def g(*xs):
        return [o * o if o.dtype is np.float64 else o for o in as_list(f(*xs))]
    return g


def grad_checks(f, arrays, order=2, seed=0):
    """Finite differences of f and of f squared to `order`, and fused == VJP, in float64."""
    args = [nd64(a) for a in arrays]
    check_grads(f, args, order=1, seed=seed)
    check_grads(_squared(f), args, order=order, seed=seed)
    return fused_equals_vjp(f, args, seed)


def grad_of(f, x, head=None):
    """d(sum(head * f(x)))/dx by a plain backward pass, as a NumPy array."""
    x = x.copy()
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(head)
    return x.grad.asnumpy()
