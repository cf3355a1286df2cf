"""`mx.autograd`: recording scopes, backward/grad, variables and custom Functions.

>>> x = mx.nd.array([1., 2., 3.]); x.attach_grad()
>>> with mx.autograd.record():
...     y = x * x
>>> y.backward(); x.grad
<BLANKLINE>
[2. 4. 6.]
<NDArray 3 @cpu(0)>
"""
import numpy as np

from ..base import MXNetError
from .engine import (INPLACE, NOT_IN_GRAPH, Variable, _REQS, _state, in_graph, raise_inplace,
                     record as _record_node)
from .function import Function  # noqa: F401
from .symbol import get_symbol  # noqa: F401

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "Function",
           "get_symbol"]

_raise_inplace = raise_inplace
_record = _record_node


def set_recording(is_recording):  # noqa: D401
    """Set the recording flag of this thread; returns the previous value."""
    prev = _state.recording
    _state.recording = bool(is_recording)
    return prev


def set_training(train_mode):
    """Set the training flag of this thread; returns the previous value."""
    prev = _state.training
    _state.training = bool(train_mode)
    return prev


def is_recording():
    """Whether operators are being recorded for gradients (per thread)."""
    return _state.recording


def is_training():
    """Whether operators run in training mode (Dropout, BatchNorm) (per thread)."""
    return _state.training


class _RecordingStateScope:
    """Sets the two flags on entry and restores each one only if it changed it (MXNet Q2)."""

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        if self._enter_is_record is not None:
            self._prev_is_record = set_recording(self._enter_is_record)
        if self._enter_train_mode is not None:
            self._prev_train_mode = set_training(self._enter_train_mode)
        return self

    def __exit__(self, exc_type, exc_value, tb):
        if self._enter_is_record is not None and self._prev_is_record != self._enter_is_record:
            set_recording(self._prev_is_record)
        if self._enter_train_mode is not None and self._prev_train_mode != self._enter_train_mode:
            set_training(self._prev_train_mode)
        return False


def record(train_mode=True):
    """Scope in which operators are recorded for gradients (training mode by default)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Scope in which recording is off (e.g. to compute metrics inside record())."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Scope with training mode on; recording unchanged."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Scope with training mode off; recording unchanged."""
    return _RecordingStateScope(None, False)


# ---------------------------------------------------------------- variables


def _req(r):
    if r not in _REQS:
        raise KeyError(r)
    return _REQS[r]


def _attach_grad(arr, grad_req="write", stype=None):
    if stype not in (None, "default"):
        raise NotImplementedError(f"attach_grad: sparse storage type {stype!r} is not supported")
    req = _req(grad_req)
    buf = _zeros_like_raw(arr._data)
    arr._entry = None
    arr._var = Variable(buf, req)


def _zeros_like_raw(d):
    if isinstance(d, np.ndarray):
        return np.zeros_like(d)
    from ..kernels import cuda_launch

    return cuda_launch.zeros(d.shape, d.dtype)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Mark arrays as variables whose gradients go into the given buffers (shared memory).

    >>> x = mx.nd.array([1., 2.]); g = mx.nd.zeros((2,))
    >>> mx.autograd.mark_variables([x], [g])
    """
    from ..ndarray.ndarray import NDArray

    if isinstance(variables, NDArray):
        assert isinstance(gradients, NDArray)
        variables, gradients = [variables], [gradients]
    variables, gradients = list(variables), list(gradients)
    if len(variables) != len(gradients):
        raise ValueError(
            f"mark_variables: got {len(variables)} variables but {len(gradients)} gradients")
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    grad_reqs = list(grad_reqs)
    if len(grad_reqs) != len(variables):
        raise ValueError(
            f"mark_variables: got {len(variables)} variables but {len(grad_reqs)} grad_reqs")
    reqs = [_req(r) for r in grad_reqs]
    for v, g in zip(variables, gradients):
        if v.shape != g.shape:
            raise MXNetError(f"mark_variables: gradient shape {g.shape} does not match the "
                             f"variable's shape {v.shape}")
    for v, g, r in zip(variables, gradients, reqs):
        v._entry = None
        v._var = Variable(g._data, r)


# ---------------------------------------------------------------- backward / grad


def _prepare(heads, head_grads, create_graph):
    from ..ndarray.ndarray import NDArray

    if isinstance(heads, NDArray):
        heads = [heads]
    heads = list(heads)
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    head_grads = list(head_grads)
    if len(heads) != len(head_grads):
        raise AssertionError("heads and head_grads must be lists of the same length")
    for h in heads:
        if not isinstance(h, NDArray):
            raise TypeError(f"heads must be NDArrays, got {type(h)}")
        if not in_graph(h):
            raise MXNetError(NOT_IN_GRAPH)
    out = []
    for h, g in zip(heads, head_grads):
        if g is None:
            raw = np.ones(h.shape, h._data.dtype) if isinstance(h._data, np.ndarray) else \
                _ones_device(h)
            out.append(NDArray(raw, h._ctx) if create_graph else raw)
            continue
        if not isinstance(g, NDArray):
            raise TypeError(f"head_grads must be NDArrays or None, got {type(g)}")
        if g.shape != h.shape:
            raise MXNetError(
                f"backward: head gradient shape {g.shape} does not match its head's shape "
                f"{h.shape}")
        if np.dtype(g.dtype) != np.dtype(h.dtype):
            g = g.astype(h.dtype)
        out.append(g if create_graph else g._data)
    return heads, out


def _ones_device(h):
    from ..kernels import cuda_launch

    return cuda_launch.full(h.shape, h._data.dtype, 1)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute the gradients of `heads` and write them into the variables' `.grad` buffers.

    A missing head gradient is all ones. The graph is freed afterwards unless
    `retain_graph=True`.
    """
    from .engine import run

    heads, hgs = _prepare(heads, head_grads, False)
    if not _has_target(heads):
        raise MXNetError("There are no inputs in computation graph that require gradients.")
    grads, arrays = run(heads, hgs, None, False, retain_graph, train_mode)
    for vid, arr in arrays.items():
        var = arr._var if arr._var is not None else None
        g = grads.get(vid)
        req = var.req if var is not None else 0
        if req == 0:
            continue
        buf = var.grad
        if req == 1:
            _write(buf, g)
        elif g is not None:
            _write(buf, buf + g if isinstance(buf, np.ndarray) else _device_add(buf, g))


def _device_add(a, b):
    from ..kernels import cuda_launch

    return cuda_launch.add_raw(a, b)


def _write(buf, g):
    if isinstance(buf, np.ndarray):
        if g is None:
            buf[...] = 0
        else:
            np.copyto(buf, g, casting="unsafe")
    else:
        from ..kernels import cuda_launch

        cuda_launch.write(buf, g)


def _has_target(heads):
    """Whether some variable with a non-null request is reachable from the heads."""
    from .engine import _topo

    for h in heads:
        if h._var is not None and h._var.req != 0:
            return True
    for node in _topo(heads):
        for x in node.inputs:
            if x._var is not None and x._var.req != 0:
                return True
    return False


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Return the gradients of `heads` with respect to `variables`, as a list of new arrays.

    The variables' `.grad` buffers are left alone. With `create_graph=True` the
    results are themselves recorded, so they can be differentiated again.

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    >>> mx.autograd.grad(z, [x], create_graph=True)
    [
    [3.7182817 3.7182817]
    <NDArray 2 @cpu(0)>]
    """
    from ..ndarray.ndarray import NDArray
    from .engine import _topo, run

    if isinstance(variables, NDArray):
        variables = [variables]
    variables = list(variables)
    assert len(variables) > 0, "variables cannot be an empty list."
    if retain_graph is None:
        retain_graph = create_graph
    heads, hgs = _prepare(heads, head_grads, create_graph)
    for i, v in enumerate(variables):
        if v._var is None or v._var.req == 0:
            raise MXNetError(
                f"Cannot differentiate with respect to the {i + 1}-th variable because it does "
                "not require gradient.")
    reach = {id(h._var) for h in heads if h._var is not None}
    for node in _topo(heads):
        reach.update(id(x._var) for x in node.inputs if x._var is not None)
    for i, v in enumerate(variables):
        if id(v._var) not in reach:
            raise MXNetError(
                f"Cannot differentiate with respect to the {i + 1}-th variable because it is "
                "unreachable from the outputs.")
    vars_ = [v._var for v in variables]
    grads, _ = run(heads, hgs, vars_, create_graph, retain_graph, train_mode)
    out = []
    for v in variables:
        g = grads.get(id(v._var)) if v._var is not None else None
        if g is None:
            from ..ndarray import creation

            out.append(creation.zeros(v.shape, ctx=v._ctx, dtype=v.dtype))
        elif create_graph:
            out.append(g)
        else:
            out.append(NDArray(np.array(g, copy=True) if isinstance(g, np.ndarray) else g, v._ctx))
    return out
