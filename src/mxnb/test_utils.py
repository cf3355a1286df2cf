"""`mx.test_utils`: numeric gradient checks to any order, comparisons, and seeded tests.

>>> def f(x):
...     return mx.nd.exp(x) * x
>>> mx.test_utils.check_grads(f, [mx.nd.array([0.5, 1.5], dtype='float64')], order=2)
"""
import functools
import os
import random as _pyrandom

import numpy as np

from . import autograd
from .ndarray import NDArray, array

__all__ = ["assert_almost_equal", "almost_equal", "check_grads", "check_numeric_gradient",
           "with_seed", "default_context", "set_default_context", "rand_ndarray"]

_DEFAULT_CTX = []


def default_context():
    from .context import current_context

    return _DEFAULT_CTX[-1] if _DEFAULT_CTX else current_context()


def set_default_context(ctx):
    _DEFAULT_CTX[:] = [ctx]


def _np(a):
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


def almost_equal(a, b, rtol=1e-5, atol=1e-20, equal_nan=False):
    return np.allclose(_np(a), _np(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=1e-5, atol=1e-20, names=("a", "b"), equal_nan=False):
    """Assert `a` and `b` (NDArrays, NumPy arrays or scalars) match within rtol/atol.

    The message names the worst element and its relative error.
    """
    a, b = _np(a), _np(b)
    if a.shape != b.shape:
        raise AssertionError(f"shape mismatch: {names[0]} {a.shape} vs {names[1]} {b.shape}")
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    if np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    err = np.abs(a64 - b64) / (atol + rtol * np.abs(b64))
    err = np.where(np.isnan(err), np.inf, err)
    idx = np.unravel_index(np.argmax(err), err.shape) if err.ndim else ()
    raise AssertionError(
        f"Items are not equal (rtol={rtol}, atol={atol}): worst at {idx}: {names[0]}={a64[idx]!r} "
        f"{names[1]}={b64[idx]!r}\n {names[0]}: {a}\n {names[1]}: {b}")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _dot(us, vs):
    return sum(float(np.sum(_np(u).astype(np.float64) * _np(v).astype(np.float64)))
               for u, v in zip(us, vs))


def _mark(xs):
    for x in xs:
        if x._var is None:
            x.attach_grad()


def check_grads(f, args, order=2, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, head_grads=None,
                _depth=0):
    """Check f's gradients against float64 central differences, to `order`, along random directions.

    `f(*args)` returns an NDArray or a list of them; `args` should be float64.
    Order k checks the gradient of the order k-1 gradient (built with
    `create_graph=True`), so every op's VJP is checked as an op itself.
    """
    rng = np.random.RandomState(seed + 7919 * _depth)
    xs = [a.copy() for a in args]
    _mark(xs)
    with autograd.record():
        outs = _as_list(f(*xs))
    vs = head_grads if head_grads is not None else [
        array(rng.standard_normal(o.shape), dtype=o.dtype, ctx=o.context) for o in outs]
    us = [rng.standard_normal(x.shape) for x in xs]
    grads = autograd.grad(outs, xs, head_grads=vs, create_graph=order > 1, retain_graph=True)
    analytic = _dot(grads, us)

    def objective(shift):
        pts = [array(_np(x).astype(np.float64) + shift * u, dtype=x.dtype) for x, u in zip(xs, us)]
        with autograd.pause():
            return _dot(_as_list(f(*pts)), vs)

    numeric = (objective(eps) - objective(-eps)) / (2 * eps)
    if not np.isclose(analytic, numeric, rtol=rtol, atol=atol):
        raise AssertionError(
            f"order-{_depth + 1} gradient mismatch: autograd {analytic!r} vs finite differences "
            f"{numeric!r} (directional derivative along a random direction, seed {seed})")
    if order > 1:
        def df(*ys):
            _mark(ys)
            with autograd.record():
                o = _as_list(f(*ys))
            return autograd.grad(o, list(ys), head_grads=vs, create_graph=True,
                                 retain_graph=True)

        check_grads(df, args, order - 1, eps, rtol, atol, seed, None, _depth + 1)


def check_numeric_gradient(f, location, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, head_grads=None):
    """First-order check of an imperative function `f(*location)`; see check_grads."""
    location = _as_list(location)
    location = [x if isinstance(x, NDArray) else array(x, dtype=np.float64) for x in location]
    check_grads(f, location, order=1, eps=eps, rtol=rtol, atol=atol, seed=seed,
                head_grads=head_grads)


def rand_ndarray(shape, dtype="float32", low=-1.0, high=1.0, seed=None):
    rng = np.random.RandomState(seed)
    return array(rng.uniform(low, high, size=shape), dtype=dtype)


def with_seed(seed=None):
    """Decorator: seed NumPy, Python and mx.random for a test, and report the seed on failure.

    The seed comes from the argument, else MXNET_TEST_SEED, else a fresh random one.
    """
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            s = seed
            if s is None:
                env = os.environ.get("MXNET_TEST_SEED")
                s = int(env) if env else np.random.randint(0, 2 ** 31)
            np.random.seed(s)
            _pyrandom.seed(s)
            try:
                from . import random as mxrandom

                mxrandom.seed(s)
            except (ImportError, AttributeError):
                pass
            try:
                return fn(*a, **kw)
            except BaseException:
                print(f"*** test {fn.__name__} failed with seed {s}: reproduce it with "
                      f"MXNET_TEST_SEED={s}")
                raise

        return wrapper

    return deco
