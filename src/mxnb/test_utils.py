"""`mx.test_utils`: numeric gradient checks to any order, comparisons, and seeded tests.

>>> def f(x):
...     return mx.nd.exp(x) * x
>>> mx.test_utils.check_grads(f, [mx.nd.array([0.5, 1.5], dtype='float64')], order=2)
"""
import contextlib
import functools
import os
import random as _pyrandom
import sys

import numpy as np

from . import autograd
from .ndarray import NDArray, array

__all__ = ["assert_almost_equal", "assert_exception", "almost_equal", "check_grads", "check_numeric_gradient",
           "with_seed", "default_context", "set_default_context", "rand_ndarray",
           "default_rtols", "default_atols", "get_tolerance", "get_tols", "same",
           "assert_allclose", "get_atol", "get_rtol", "get_etol", "effective_dtype", "rand_shape_2d",
           "rand_shape_3d", "rand_shape_nd", "random_arrays", "np_reduce", "environment"]

_DEFAULT_CTX = []


def default_context():
    from .context import current_context

    return _DEFAULT_CTX[-1] if _DEFAULT_CTX else current_context()


def set_default_context(ctx):
    _DEFAULT_CTX[:] = [ctx]


def _np(a):
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


# ---------------------------------------------------------------- comparisons (MXNet's rules)

def default_rtols():
    """Relative tolerance per dtype when none is given (MXNet 1.9.1's table)."""
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
            np.dtype(np.float64): 1e-5, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def default_atols():
    """Absolute tolerance per dtype when none is given (MXNet 1.9.1's table)."""
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
            np.dtype(np.float64): 1e-20, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def get_tolerance(dat, tol, default_tol):
    """`tol` if it is a number, else its (or the default table's) entry for dat's dtype."""
    if isinstance(tol, (int, float, np.number)):
        return tol
    dtype = np.dtype(getattr(dat, "dtype", np.float64))
    return ({} if tol is None else tol).get(dtype, default_tol.get(dtype, 0))


def get_tols(x, y, rtol, atol):
    """(rtol, atol) for comparing x and y: the looser of the two dtypes' defaults."""
    x = np.asarray(x) if not hasattr(x, "dtype") else x
    y = np.asarray(y) if not hasattr(y, "dtype") else y
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


def same(a, b):
    """Whether a and b are exactly equal (NDArrays or NumPy arrays)."""
    return np.array_equal(_np(a), _np(b))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether a and b match within rtol/atol (defaults 1e-5 and 1e-20, as MXNet's)."""
    a, b = _np(a), _np(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=1e-5 if rtol is None else rtol,
                            atol=1e-20 if atol is None else atol, equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Assert that `a` and `b` (NDArrays, NumPy arrays or scalars) match within rtol/atol.

    Unset tolerances come from the dtypes (float32: rtol 1e-4, atol 1e-3; float64:
    1e-5, 1e-20), as in MXNet. The message names the worst element.

    >>> assert_almost_equal(mx.nd.array([1, 2]), np.array([1, 2.00001]))
    """
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _np(a), _np(b)
    if a.shape != b.shape:
        try:
            if not use_broadcast:
                raise ValueError
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise AssertionError(
                f"shape mismatch: {names[0]} {a.shape} vs {names[1]} {b.shape}") from None
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
    a64, b64 = np.broadcast_arrays(a.astype(np.float64), b.astype(np.float64))
    if np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.abs(a64 - b64) / (atol + rtol * np.abs(b64))
    bad = ~np.isclose(a64, b64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    err = np.where(bad, np.where(np.isnan(err), np.inf, err), 0)
    idx = tuple(int(i) for i in np.unravel_index(np.argmax(err), err.shape)) if err.ndim else ()
    raise AssertionError(
        f"Items are not equal: error {err[idx]:f} exceeds tolerance rtol={rtol:e}, "
        f"atol={atol:e} ({int(bad.sum())} of {bad.size} mismatched). Worst at {idx}: "
        f"{names[0]}={float(a64[idx])!r} {names[1]}={float(b64[idx])!r}\n {names[0]}: {a}\n "
        f"{names[1]}: {b}")


# ---------------------------------------------------------------- gradient checks


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that `f(*args, **kwargs)` raises `exception_type` (MXNet's helper).

    >>> assert_exception(mx.nd.ones((2,)).asscalar, ValueError)
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError(f"{getattr(f, '__name__', f)} did not raise {exception_type}")


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """assert_almost_equal with NumPy's default tolerances."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    """`atol`, or the default absolute tolerance of `dtype`."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    """`rtol`, or the default relative tolerance of `dtype`."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_etol(etol=None):
    """`etol`, or 0 (the fraction of elements allowed to miss the tolerance)."""
    return 0 if etol is None else etol


def effective_dtype(dat):
    """The dtype whose tolerances apply to `dat` (its own: mxnb has no TF32 GEMMs)."""
    return np.dtype(dat.dtype)


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-D shape with dims in [1, dim] (NumPy's global RNG, as MXNet)."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-D shape with dims in [1, dim]."""
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of `num_dim` dims in [1, dim]."""
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays of the given shapes (one array for one shape)."""
    arrays = [np.array(np.random.randn(), dtype=np.float32) if len(s) == 0
              else np.random.randn(*s).astype(np.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce `dat` over `axis` (int, list or None) one axis at a time with a NumPy function."""
    axis = [axis] if isinstance(axis, int) else (
        list(axis) if axis is not None else range(len(dat.shape)))
    ret = dat
    for i in reversed(sorted(axis)):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axis:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


@contextlib.contextmanager
def environment(*args):
    """Set environment variables for a `with` block, restoring them afterwards.

    `environment('NAME', 'value')` or `environment({'A': '1', 'B': None})` (None unsets).
    """
    env = {args[0]: args[1]} if len(args) == 2 else dict(args[0])
    saved = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _dot(us, vs):
    return sum(float(np.sum(_np(u).astype(np.float64) * _np(v).astype(np.float64)))
               for u, v in zip(us, vs))


def _mark(xs):
    for x in xs:
        if x._var is None:
            x.attach_grad()


def _grad_fn(f, n, wrt):
    """x, v -> the vector-Jacobian product of f at x with head gradients v (recorded).

    Head gradients are inputs of the new function, so checking its derivative
    also checks each VJP's dependence on its incoming gradient.
    """
    def vjp(*args):
        xs, vs = list(args[:n]), list(args[n:])
        _mark([xs[i] for i in wrt] + vs)
        with autograd.record():
            outs = _as_list(f(*xs))
        live = [(o, v) for o, v in zip(outs, vs) if autograd.in_graph(o)]
        if not live:
            return [array(np.zeros(xs[i].shape), dtype=xs[i].dtype) for i in wrt]
        return autograd._grad([o for o, _ in live], [xs[i] for i in wrt],
                              head_grads=[v for _, v in live], retain_graph=True,
                              create_graph=True, unreachable="zero")

    return vjp


def _check_once(f, args, wrt, rng, eps, rtol, atol, depth, seed, head_grads, create_graph):
    """Directional check of f's gradient at args; returns the head gradients used."""
    xs = [a.copy() for a in args]
    _mark([xs[i] for i in wrt])
    with autograd.record():
        outs = _as_list(f(*xs))
    vs = head_grads if head_grads is not None else [
        array(rng.standard_normal(o.shape), dtype=o.dtype, ctx=o.context) for o in outs]
    vs = _as_list(vs)
    us = {i: rng.standard_normal(xs[i].shape) for i in wrt}
    live = [(o, v) for o, v in zip(outs, vs) if autograd.in_graph(o)]
    if live:
        grads = autograd._grad([o for o, _ in live], [xs[i] for i in wrt],
                               head_grads=[v for _, v in live], retain_graph=create_graph,
                               create_graph=create_graph, unreachable="zero")
        analytic = _dot(grads, [us[i] for i in wrt])
    else:
        analytic = 0.0

    def objective(shift):
        pts = [array(_np(x).astype(np.float64) + shift * us[i], dtype=x.dtype) if i in us
               else x.copy() for i, x in enumerate(args)]
        with autograd.pause():
            return _dot(_as_list(f(*pts)), vs)

    numeric = (objective(eps) - objective(-eps)) / (2 * eps)
    if not np.isclose(analytic, numeric, rtol=rtol, atol=atol):
        raise AssertionError(
            f"order-{depth + 1} gradient mismatch: autograd {analytic!r} vs finite differences "
            f"{numeric!r} (derivative along a random direction, seed {seed})")
    return vs


def check_grads(f, args, order=2, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, head_grads=None,
                wrt=None):
    """Check f's derivatives to `order` against float64 central differences.

    `f(*args)` returns an NDArray or a list of them; `args` should be float64
    NDArrays. Each order compares the directional derivative along a random
    direction with random head gradients. Order k checks the gradient of the
    order k-1 vector-Jacobian product (built with `create_graph=True`), whose
    inputs include its head gradients, so every VJP is itself checked as a
    function. `wrt` lists the indices of the arguments to differentiate (all
    by default; leave out integer or index arguments).

    >>> check_grads(lambda x, y: mx.nd.sin(x) * y,
    ...             [mx.nd.array([0.5], dtype='float64'), mx.nd.array([2.], dtype='float64')])
    """
    args = list(args)
    wrt = list(range(len(args))) if wrt is None else sorted(wrt)
    fn = f
    for depth in range(order):
        rng = np.random.RandomState(seed + 7919 * depth)
        vs = _check_once(fn, args, wrt, rng, eps, rtol, atol, depth, seed,
                         head_grads if depth == 0 else None, depth + 1 < order)
        if depth + 1 < order:
            fn = _grad_fn(fn, len(args), wrt)
            n = len(args)
            args = args + [v.copy() for v in vs]
            wrt = wrt + list(range(n, n + len(vs)))


def check_numeric_gradient(f, location, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, head_grads=None,
                           wrt=None):
    """First-order check of an imperative function `f(*location)` (see check_grads).

    `location` is an array or a list of arrays (NumPy arrays become float64 NDArrays).
    """
    location = _as_list(location)
    location = [x if isinstance(x, NDArray) else array(x, dtype=np.float64) for x in location]
    check_grads(f, location, order=1, eps=eps, rtol=rtol, atol=atol, seed=seed,
                head_grads=head_grads, wrt=wrt)


def rand_ndarray(shape, stype="default", density=None, dtype=None, low=-1.0, high=1.0,
                 seed=None, ctx=None):
    """A dense array of uniform values in [low, high) (sparse storage types are not supported)."""
    if stype not in (None, "default"):
        raise NotImplementedError(f"rand_ndarray: storage type {stype!r} is not supported")
    rng = np.random.RandomState(seed)
    return array(rng.uniform(low, high, size=shape), dtype=dtype or "float32", ctx=ctx)


# ---------------------------------------------------------------- seeded tests


def with_seed(seed=None):
    """Decorator: seed NumPy, Python and mx.random for a test, and report the seed on failure.

    The seed is the argument, else the environment variable MXNET_TEST_SEED, else a
    fresh random one. When the test fails, the seed is printed and added to the
    exception's notes: rerun with MXNET_TEST_SEED=<seed> to reproduce it.

    >>> @with_seed()
    ... def test_something():
    ...     assert np.random.rand() < 2
    """
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            s = seed
            if s is None:
                env = os.environ.get("MXNET_TEST_SEED")
                s = int(env) if env else int(np.random.SeedSequence().entropy % (2 ** 31))
            np.random.seed(s)
            _pyrandom.seed(s)
            mxrandom = sys.modules.get(__package__ + ".random")
            if mxrandom is None:
                try:
                    from . import random as mxrandom
                except ImportError:
                    mxrandom = None
            if mxrandom is not None and hasattr(mxrandom, "seed"):
                mxrandom.seed(s)
            try:
                return fn(*a, **kw)
            except Exception as exc:
                msg = (f"*** test {fn.__name__} failed with seed {s}: reproduce it with "
                       f"MXNET_TEST_SEED={s}")
                print(msg)
                if hasattr(exc, "add_note"):
                    exc.add_note(msg)
                raise

        return wrapper

    return deco
from .test_utils_extra import *  # noqa: E402,F401,F403  (the rest of MXNet's test_utils)
