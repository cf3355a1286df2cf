"""`mx.nd.contrib`: the part of MXNet 1.x's contrib namespace imperative code uses most.

Control flow (foreach, while_loop, cond) runs as Python loops over recorded ops, which is
what MXNet's imperative versions do, so autograd sees through them. The rest are
compositions of mxnb ops (isnan, boolean_mask, index_copy, ...) or, for
gradientmultiplier, an op of ops/compat.py.

>>> outs, states = mx.nd.contrib.foreach(lambda x, s: (x + s, x + s), mx.nd.arange(3),
...                                      mx.nd.zeros((1,)))
>>> outs.asnumpy().ravel().tolist(), states.asnumpy().tolist()
([0.0, 1.0, 3.0], [3.0])
"""
import numpy as np

from ..base import MXNetError
from . import _api as nd
from .compat import _check, _finish, _index
from .creation import array as _array, zeros as _zeros
from .ndarray import NDArray

__all__ = ["isnan", "isinf", "isfinite", "boolean_mask", "index_copy", "index_array",
           "arange_like", "div_sqrt_dim", "quadratic", "gradientmultiplier", "allclose",
           "foreach", "while_loop", "cond"]


def isnan(data):
    """1 where data is NaN, else 0 (data's dtype)."""
    return data != data


def isinf(data):
    """1 where data is +-inf, else 0."""
    return nd.abs(data) == np.inf


def isfinite(data):
    """1 where data is neither NaN nor +-inf, else 0."""
    return (data == data) * (nd.abs(data) != np.inf)


def boolean_mask(data=None, index=None, axis=0, out=None, name=None):
    """The rows (axis 0) of `data` where `index` is non-zero."""
    _check("boolean_mask", ("data", data), ("index", index))
    if int(axis) != 0:
        raise MXNetError(f"boolean_mask: Check failed: axis == 0 ({axis} vs. 0) : Not supported "
                         "yet")
    keep = np.flatnonzero(index.asnumpy())
    return _finish(nd.take(data, _index(keep, data.context), axis=0), out)


def index_copy(old_tensor=None, index_vector=None, new_tensor=None, out=None, name=None):
    """A copy of `old_tensor` whose rows `index_vector` are the rows of `new_tensor`."""
    _check("index_copy", ("old_tensor", old_tensor), ("index_vector", index_vector),
           ("new_tensor", new_tensor))
    n = old_tensor.shape[0]
    src = np.arange(n)
    idx = np.asarray(index_vector.asnumpy(), dtype=np.float64).astype(np.int64)
    src[idx] = n + np.arange(idx.size)
    both = nd.concat(old_tensor, new_tensor, dim=0)
    return _finish(nd.take(both, _index(src, old_tensor.context), axis=0), out)


def index_array(data=None, axes=None, out=None, name=None):
    """int64 array of shape data.shape + (len(axes),): each element's index along `axes`."""
    _check("index_array", ("data", data))
    axes = tuple(range(data.ndim)) if axes is None else tuple(a % data.ndim for a in axes)
    grids = np.indices(data.shape)
    res = np.stack([grids[a] for a in axes], axis=-1).astype(np.int64)
    return _finish(_array(res, ctx=data.context, dtype=np.int64), out)


def arange_like(data=None, start=0.0, step=1.0, repeat=1, ctx=None, axis=None, out=None,
                name=None):
    """start + step * i (each repeated `repeat` times) shaped like `data`, or of length
    data.shape[axis] when `axis` is given; data's dtype."""
    _check("arange_like", ("data", data))
    n = data.size if axis is None else data.shape[axis]
    vals = (start + step * (np.arange(n) // int(repeat))).astype(np.dtype(data.dtype))
    shape = data.shape if axis is None else (n,)
    return _finish(_array(vals.reshape(shape), ctx=ctx or data.context, dtype=data.dtype), out)


def div_sqrt_dim(data=None, out=None, name=None):
    """data / sqrt(data.shape[-1])."""
    _check("div_sqrt_dim", ("data", data))
    return _finish(data / float(np.sqrt(data.shape[-1])), out)


def quadratic(data=None, a=0.0, b=0.0, c=0.0, out=None, name=None):
    """a * data^2 + b * data + c, elementwise, as MXNet computes it: x * (a * x + b) + c.

    >>> mx.nd.contrib.quadratic(mx.nd.array([1., 2.]), a=1.5, b=2, c=0.5)
    <BLANKLINE>
    [ 4.  10.5]
    <NDArray 2 @cpu(0)>
    """
    _check("quadratic", ("data", data))
    return nd._contrib_quadratic(data, a=a, b=b, c=c, out=out)


def gradientmultiplier(data=None, scalar=1.0, is_int=True, out=None, name=None):
    """The identity, with its gradient multiplied by `scalar`."""
    return nd._gradientmultiplier(data, scalar=scalar, out=out)


def allclose(a=None, b=None, rtol=1e-05, atol=1e-08, equal_nan=True, out=None, name=None):
    """A 0-d uint8 array: 1 if |a - b| <= atol + rtol * |b| everywhere, else 0."""
    _check("allclose", ("a", a), ("b", b))
    ok = np.allclose(a.asnumpy(), b.asnumpy(), rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _finish(_array(np.uint8(ok), ctx=a.context, dtype=np.uint8), out)


# ---------------------------------------------------------------- control flow


def _as_list(x):
    return (list(x), True) if isinstance(x, (list, tuple)) else ([x], False)


def _restore(xs, was_list):
    return xs if was_list else xs[0]


def foreach(body, data, init_states):
    """Run `body(data[i], states) -> (outputs, states)` over axis 0 of `data` (an NDArray or a
    list of them); returns (outputs stacked along a new axis 0, final states), each in the
    structure `body` and `init_states` used."""
    datas, data_list = _as_list(data)
    states, states_list = _as_list(init_states)
    n = datas[0].shape[0]
    steps = []
    out_list = False
    for i in range(n):
        xs = [d[i] for d in datas]
        outs, new_states = body(_restore(xs, data_list), _restore(states, states_list))
        outs, out_list = _as_list(outs)
        states, _ = _as_list(new_states)
        steps.append(outs)
    stacked = [nd.stack(*[s[j] for s in steps], axis=0) for j in range(len(steps[0]))] \
        if steps else []
    return _restore(stacked, out_list), _restore(states, states_list)


def while_loop(cond, func, loop_vars, max_iterations=None):
    """Run `func(*loop_vars) -> (outputs, loop_vars)` while `cond(*loop_vars)` holds, at most
    `max_iterations` times; returns (outputs stacked along axis 0 and padded with zeros to
    max_iterations rows, final loop_vars). MXNet leaves the padding uninitialised."""
    if max_iterations is None:
        raise ValueError("max_iterations should be specified")
    variables, vars_list = _as_list(loop_vars)
    steps = []
    out_list = False
    while len(steps) < max_iterations:
        c = cond(*variables)
        if not bool(c.asnumpy().reshape(-1)[0] if isinstance(c, NDArray) else c):
            break
        outs, new_vars = func(*variables)
        outs, out_list = _as_list(outs)
        variables, _ = _as_list(new_vars)
        steps.append(outs)
    stacked = []
    if steps:
        for j in range(len(steps[0])):
            rows = [s[j] for s in steps]
            pad = max_iterations - len(rows)
            y = nd.stack(*rows, axis=0)
            if pad:
                z = _zeros((pad,) + y.shape[1:], ctx=y.context, dtype=y.dtype)
                y = nd.concat(y, z, dim=0)
            stacked.append(y)
    return _restore(stacked, out_list), _restore(variables, vars_list)


def cond(pred, then_func, else_func):
    """then_func() if pred (a size-1 NDArray) is non-zero, else else_func()."""
    p = pred.asnumpy().reshape(-1)[0] if isinstance(pred, NDArray) else pred
    return then_func() if p else else_func()
from .contrib_misc import *  # noqa: E402,F401,F403
from .contrib_optim import *  # noqa: E402,F401,F403
from .contrib_spatial import *  # noqa: E402,F401,F403
from .contrib_detect import *  # noqa: E402,F401,F403
from .contrib_nlp import *  # noqa: E402,F401,F403
from .contrib_det import *  # noqa: E402,F401,F403
