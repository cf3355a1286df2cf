"""`autograd.Function`: user-defined forward and backward, as MXNet's, without its bugs.

Fixed against MXNet 1.9.1 (spec section 3, Q6-Q10): an 'add' request
accumulates and a 'null' input does not stop the others (the engine does the
write-back, as for every op), errors in `backward` are raised synchronously as
MXNetError, an error in `forward` restores recording, and a non-NDArray output
raises a TypeError that names it.
"""
import numpy as np

from ..base import MXNetError
from .engine import _state, in_graph, raise_inplace, record


class Function:
    """Customize differentiation: subclass it and define `forward` and `backward`.

    `forward` runs with recording off; inside `record()` one node stands for the
    whole call, and the engine calls `backward` with one gradient per output
    (zeros for outputs that did not reach the heads). `backward` returns one
    gradient per input. Each instance can be called once.

    >>> class sigmoid(mx.autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + mx.nd.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    >>> x = mx.nd.zeros((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     m = sigmoid()(x)
    >>> m.backward(); x.grad
    <BLANKLINE>
    [0.25 0.25]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        """Keep `args` (any objects) for `backward`, as `self.saved_tensors`."""
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        from ..ndarray.ndarray import NDArray

        assert not self._used, \
            "Each Function instance can only be called once. Please create another instance."
        self._used = True
        prev = _state.recording
        _state.recording = False
        try:
            outputs = self.forward(*inputs)
        finally:  # MXNet leaves recording off when forward raises (spec Q9)
            _state.recording = prev
        if not prev:
            return outputs
        name = type(self).__name__
        if isinstance(outputs, NDArray):
            outs = [outputs]
        elif isinstance(outputs, (tuple, list)):
            outs = list(outputs)
        else:
            raise TypeError(f"{name}.forward must return an NDArray or a tuple/list of NDArrays, "
                            f"got {type(outputs).__name__}")
        for i, o in enumerate(outs):
            if not isinstance(o, NDArray):
                raise TypeError(f"{name}.forward returned {type(o).__name__} as output {i}; "
                                "every output must be an NDArray")
        for i, x in enumerate(inputs):
            if not isinstance(x, NDArray):
                raise TypeError(f"{name}: input {i} is {type(x).__name__}, not an NDArray")
        if any(in_graph(x) for x in inputs) and any(in_graph(o) for o in outs):
            raise_inplace()  # e.g. forward returned one of its inputs (MXNet's RecordOp check)
        if inputs and record(_FunctionOp(self, inputs), list(inputs), outs, {}) is not None:
            self._detach_saved_outputs(outs)
        return outputs

    def _detach_saved_outputs(self, outs):
        """Saved outputs become history-free aliases (same memory, as when they were saved).

        The node holds this Function, which holds its saved tensors; an output
        among them would point back at the node, a reference cycle that keeps
        an unused graph alive until the cyclic garbage collector runs.
        """
        from ..ndarray.ndarray import NDArray

        ids = {id(o) for o in outs}
        saved = self.saved_tensors
        if isinstance(saved, tuple) and any(id(t) in ids for t in saved):
            self.saved_tensors = tuple(NDArray(t._data, t._ctx) if id(t) in ids else t
                                       for t in saved)


class _FunctionOp:
    """Stands in for an op in the tape node of one Function call."""

    name = "_CustomFunction"
    zero_grad = False
    chain = False
    attrs = ()

    def __init__(self, func, inputs):
        self.func = func
        self.n_inputs = len(inputs)
        self.ctx = inputs[0]._ctx
        self.shapes = [x.shape for x in inputs]

    def _call_backward(self, dys):
        func = self.func
        cls = type(func).__name__
        prev = _state.recording
        _state.recording = False
        try:
            res = func.backward(*dys)
        except Exception as exc:
            raise MXNetError(f"Error in {cls}.backward: {type(exc).__name__}: {exc}") from exc
        finally:
            _state.recording = prev
        from ..ndarray.ndarray import NDArray

        if isinstance(res, NDArray):
            res = (res,)
        if not isinstance(res, (tuple, list)):
            raise MXNetError(f"autograd.Function.backward must return NDArrays, not {type(res)}")
        if len(res) != self.n_inputs:
            raise MXNetError(
                f"{cls}.backward must return exactly the same number of NDArrays as the number "
                f"of NDArrays arguments to forward. Expecting {self.n_inputs} got {len(res)}")
        for i, r in enumerate(res):
            if not isinstance(r, NDArray):
                raise MXNetError(f"autograd.Function.backward must return NDArrays, not {type(r)}")
            if r.shape != self.shapes[i]:
                raise MXNetError(f"{cls}.backward returned a gradient of shape {r.shape} for "
                                 f"input {i}, whose shape is {self.shapes[i]}")
        return res

    def backward(self, op, dys, ins, outs, attrs):
        from ..ndarray.ndarray import NDArray

        nd_dys = []
        for d in dys:
            if d.__class__ is np.ndarray:
                d = np.ascontiguousarray(d).view()  # NDArray storage is C-contiguous
                d.flags.writeable = False  # MXNet hands backward read-only gradients
            nd_dys.append(NDArray(d, self.ctx))
        return [r._data for r in self._call_backward(nd_dys)]

    def vjp(self, op, dys, ins, outs, attrs):
        # Runs with recording off, as in MXNet: no higher order through a Function.
        return list(self._call_backward(dys))
