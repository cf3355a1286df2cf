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

_empty = np.empty

from .._alloc import MIN_BYTES as _POOL_MIN, empty as _pooled_empty
from ..base import MXNetError
from .engine import (NO_TARGET, NOT_IN_GRAPH, Variable, _REQS, _prune, _state,
                     collect, in_graph, parent_of, raise_inplace, record as _record_node, release,
                     run, unmark_null)
from .function import Function  # noqa: F401
from .symbol import get_symbol  # noqa: F401

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "Function",
           "get_symbol"]

_raise_inplace = raise_inplace
_record = _record_node
_ND = []  # [NDArray], filled on first use (ndarray imports this package)


def _ndarray_class():
    if not _ND:
        from ..ndarray.ndarray import NDArray

        _ND.append(NDArray)
    return _ND[0]


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

    # set_recording/set_training inlined: a scope is entered once per training step.
    def __enter__(self):
        st = _state
        rec, train = self._enter_is_record, self._enter_train_mode
        if rec is not None:
            self._prev_is_record = st.recording
            st.recording = bool(rec)
        if train is not None:
            self._prev_train_mode = st.training
            st.training = bool(train)
        return self

    def __exit__(self, exc_type, exc_value, tb):
        st = _state
        rec, train = self._enter_is_record, self._enter_train_mode
        if rec is not None and self._prev_is_record != rec:
            st.recording = bool(self._prev_is_record)
        if train is not None and self._prev_train_mode != train:
            st.training = bool(self._prev_train_mode)
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
    arr._entry = None  # a recorded result becomes a new leaf: its history is cut
    arr._var = Variable(_zeros_like_raw(arr._data), req, arr)


def _zeros_like_raw(d):
    if isinstance(d, np.ndarray):
        return np.zeros_like(d)
    from ..kernels import cuda_launch

    return cuda_launch.zeros(d.shape, d.dtype)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Mark arrays as variables whose gradients go into the given buffers (shared memory).

    >>> x = mx.nd.array([1., 2.]); g = mx.nd.zeros((2,))
    >>> mx.autograd.mark_variables([x], [g], 'add')
    >>> with mx.autograd.record():
    ...     y = x * x
    >>> y.backward(); g
    <BLANKLINE>
    [2. 4.]
    <NDArray 2 @cpu(0)>
    """
    from ..ndarray.ndarray import NDArray

    if isinstance(variables, NDArray):
        assert isinstance(gradients, NDArray)
        variables, gradients = [variables], [gradients]
    variables, gradients = list(variables), list(gradients)
    if len(variables) != len(gradients):  # MXNet crashes here (spec Q5)
        raise ValueError(
            f"mark_variables: got {len(variables)} variables but {len(gradients)} gradients")
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    grad_reqs = list(grad_reqs)
    if len(grad_reqs) != len(variables):
        raise ValueError(
            f"mark_variables: got {len(variables)} variables but {len(grad_reqs)} grad_reqs")
    reqs = [_req(r) for r in grad_reqs]
    for i, (v, g) in enumerate(zip(variables, gradients)):
        if not isinstance(v, NDArray) or not isinstance(g, NDArray):
            raise TypeError(f"mark_variables: variables and gradients must be NDArrays, got "
                            f"{type(v).__name__} and {type(g).__name__} at position {i}")
        if v.shape != g.shape or v._data.dtype != g._data.dtype:
            raise MXNetError(
                f"mark_variables: the gradient buffer of variable {i} has shape {g.shape} and "
                f"dtype {g._data.dtype.name}, but the variable has shape {v.shape} and dtype "
                f"{v._data.dtype.name}")
        if g._ctx != v._ctx:
            raise MXNetError(f"mark_variables: gradient {i} is on {g._ctx} but its variable is "
                             f"on {v._ctx}")
    for v, g, r in zip(variables, gradients, reqs):
        v._entry = None
        v._var = Variable(g._data, r, v)


# ---------------------------------------------------------------- backward / grad


def _prepare(heads, head_grads, create_graph):
    """Normalise heads and head gradients; check that heads are in a graph and shapes match.

    Returns (heads, their parents, head gradients: raw buffers, or NDArrays if create_graph).
    """
    NDArray = _ND[0] if _ND else _ndarray_class()
    if (not create_graph and heads.__class__ is list and len(heads) == 1
            and head_grads.__class__ is list and len(head_grads) == 1 and head_grads[0] is None):
        h = heads[0]  # NDArray.backward() without out_grad: the common case, kept short
        d = getattr(h, "_data", None)
        if h.__class__ is NDArray and d.__class__ is np.ndarray:
            p = parent_of(h)
            if p is None:
                raise MXNetError(NOT_IN_GRAPH)
            raw = _empty(d.shape, d.dtype) if d.nbytes < _POOL_MIN else _pooled_empty(
                d.shape, d.dtype)
            raw.fill(1)  # np.ones costs twice as much at small sizes
            return heads, [p], [raw]

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
    parents = []
    for h in heads:
        if not isinstance(h, NDArray):
            raise TypeError(f"heads must be NDArrays, got {type(h).__name__}")
        p = parent_of(h)
        if p is None:
            raise MXNetError(NOT_IN_GRAPH)
        parents.append(p)
    out = []
    for i, (h, g) in enumerate(zip(heads, head_grads)):
        if g is None:
            d = h._data
            if d.__class__ is np.ndarray:
                raw = _pooled_empty(d.shape, d.dtype)
                raw.fill(1)  # np.ones costs twice as much at small sizes
            else:
                raw = _ones_device(h)
            out.append(NDArray(raw, h._ctx) if create_graph else raw)
            continue
        if not isinstance(g, NDArray):
            raise TypeError(f"head_grads must be NDArrays or None, got {type(g).__name__}")
        if g.shape != h.shape:  # MXNet reads whatever memory is there (spec Q4): refuse
            raise MXNetError(
                f"backward: the head gradient of head {i} has shape {g.shape}, but the head has "
                f"shape {h.shape}; pass one gradient of the head's shape per head")
        if g._ctx != h._ctx:
            raise MXNetError(f"backward: head gradient {i} is on {g._ctx} but its head is on "
                             f"{h._ctx}")
        if g._data.dtype != h._data.dtype:
            g = g.astype(h.dtype)
        out.append(g if create_graph else g._data)
    return heads, parents, out


def _ones_device(h):
    from ..kernels import cuda_launch

    return cuda_launch.full(h.shape, h._data.dtype, 1)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute the gradients of `heads` and write them into the variables' `.grad` buffers.

    A missing head gradient is all ones (a non-scalar head acts like its sum).
    Each variable reached with request 'write' gets the total gradient, 'add'
    adds it, 'null' is skipped. The graph is freed afterwards unless
    `retain_graph=True`.

    >>> x = mx.nd.array([1., 2.]); x.attach_grad()
    >>> with mx.autograd.record():
    ...     a, b = 2 * x, x * x
    >>> mx.autograd.backward([a, b]); x.grad
    <BLANKLINE>
    [4. 6.]
    <NDArray 2 @cpu(0)>
    """
    heads, parents, hgs = _prepare(heads, head_grads, False)
    nodes, variables = collect(parents)
    if not variables:
        raise MXNetError(NO_TARGET)
    wanted = variables  # a dict: `in` and iteration are all run() needs
    for v in variables:
        if not v.req:  # null requests: leave them out, and the nodes leading only to them
            wanted = {v for v in variables if v.req}
            if not wanted:
                raise MXNetError(NO_TARGET)
            break
    walk = nodes if wanted is variables else _prune(nodes, wanted)
    st = _state
    prev_rec, prev_train = st.recording, st.training
    st.recording = False
    st.training = bool(train_mode)
    try:
        grads = run(parents, hgs, walk, wanted, False)
    finally:
        st.recording, st.training = prev_rec, prev_train
    for v in wanted:
        g = grads.get(v)
        buf = v.grad
        if buf.__class__ is np.ndarray:
            if v.req == 1:
                if g is None:
                    buf[...] = 0
                elif g.dtype == buf.dtype:
                    buf[...] = g
                else:
                    np.copyto(buf, g, casting="unsafe")
            elif g is not None:
                np.add(buf, g, out=buf, casting="unsafe")
        else:
            _device_write(buf, g, v.req)
    if not retain_graph:
        release(nodes)
        if wanted is not variables:
            unmark_null(variables)


def _copy_raw(g):
    if g.__class__ is np.ndarray:
        return g.copy()
    from ..kernels import cuda_launch

    out = cuda_launch.empty(g.shape, g.dtype)
    out.copy_to_device(g)
    return out


def _device_write(buf, g, req):
    from ..kernels import cuda_launch

    if req == 1:
        cuda_launch.write(buf, g)
    elif g is not None:
        cuda_launch.write(buf, cuda_launch.add_raw(buf, g))


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Return the gradients of `heads` with respect to `variables`, as a list of new arrays.

    The variables' `.grad` buffers are left alone. With `create_graph=True` the
    results are themselves recorded, so they can be differentiated again.
    `retain_graph` defaults to `create_graph`.

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    >>> mx.autograd.grad(z, [x], create_graph=True)
    [
    [3.7182817 3.7182817]
    <NDArray 2 @cpu(0)>]
    """
    return _grad(heads, variables, head_grads, retain_graph, create_graph, train_mode)


def _grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
          train_mode=True, unreachable="raise"):
    """`grad`, where `unreachable="zero"` gives zeros for variables the heads do not reach
    (test_utils.check_grads needs that for functions whose derivative is constant)."""
    from ..ndarray.ndarray import NDArray

    if isinstance(variables, NDArray):
        variables = [variables]
    variables = list(variables)
    assert len(variables) > 0, "variables cannot be an empty list."
    if retain_graph is None:
        retain_graph = create_graph
    heads, parents, hgs = _prepare(heads, head_grads, create_graph)
    for i, v in enumerate(variables):
        if not isinstance(v, NDArray) or v._var is None or v._var.req == 0:
            raise MXNetError(
                f"Cannot differentiate with respect to the {i + 1}-th variable because it does "
                "not require gradient.")
    nodes, reached = collect(parents)
    for i, v in enumerate(variables):
        if v._var not in reached and unreachable == "raise":
            raise MXNetError(
                f"Cannot differentiate with respect to the {i + 1}-th variable because it is "
                "unreachable from the outputs.")
    wanted = {v._var for v in variables}
    walk = nodes if len(wanted) == len(reached) else _prune(nodes, wanted)
    st = _state
    prev = (st.recording, st.training)
    st.recording = bool(create_graph)
    st.training = bool(train_mode)
    try:
        grads = run(parents, hgs, walk, wanted, create_graph)
        out = []
        for v in variables:
            g = grads.get(v._var)
            if g is None:
                from ..ndarray import creation

                g = creation.zeros(v.shape, ctx=v._ctx, dtype=v.dtype)
            elif create_graph:
                if any(g is h for h in hgs):  # a head gradient passed through: a new array
                    from ..ops import _nd

                    g = _nd._copy(g)
            else:
                g = NDArray(_copy_raw(g), v._ctx)
            out.append(g)
    finally:
        st.recording, st.training = prev
    if not retain_graph:
        release(nodes)
        unmark_null(reached)
    return out
