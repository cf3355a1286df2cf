"""`autograd.Function`: user-defined forward and backward, as MXNet's, without its bugs.

Fixed against MXNet 1.9.1 (spec section 3): an 'add' request accumulates, a
'null' input does not stop the others, errors in `backward` are raised
synchronously as MXNetError, and an error in `forward` restores recording.
"""
import numpy as np

from ..base import MXNetError
from .engine import _state, in_graph, raise_inplace, record


class Function:
    """Customize differentiation: subclass it and define `forward` and `backward`.

    >>> class sigmoid(mx.autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + mx.nd.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    """

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
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
        finally:
            _state.recording = prev
        if not prev:
            return outputs
        ret = outputs
        if isinstance(outputs, NDArray):
            outputs = (outputs,)
        elif not isinstance(outputs, (tuple, list)):
            raise TypeError(f"{type(self).__name__}.forward must return an NDArray or a tuple/list "
                            f"of NDArrays, got {type(outputs)}")
        for i, o in enumerate(outputs):
            if not isinstance(o, NDArray):
                raise TypeError(f"{type(self).__name__}.forward output {i} is {type(o)}, "
                                "not an NDArray")
            if in_graph(o):
                raise_inplace()
        nd_inputs = []
        for i, x in enumerate(inputs):
            if not isinstance(x, NDArray):
                raise TypeError(f"{type(self).__name__}: input {i} is {type(x)}, not an NDArray")
            nd_inputs.append(x)
        record(_FunctionOp(self, len(nd_inputs)), nd_inputs, list(outputs), {})
        return ret


class _FunctionOp:
    """Stands in for an op in the tape node of one Function call."""

    zero_grad = False

    def __init__(self, func, n_inputs):
        self.func = func
        self.n_inputs = n_inputs
        self.name = type(func).__name__

    def _call_backward(self, dys):
        func = self.func
        prev = _state.recording
        _state.recording = False
        try:
            res = func.backward(*dys)
        except Exception as exc:
            raise MXNetError(f"Error in {self.name}.backward: {type(exc).__name__}: {exc}") from exc
        finally:
            _state.recording = prev
        from ..ndarray.ndarray import NDArray

        if isinstance(res, NDArray):
            res = (res,)
        if not isinstance(res, (tuple, list)):
            raise MXNetError(f"autograd.Function.backward must return NDArrays, not {type(res)}")
        if len(res) != self.n_inputs:
            raise MXNetError(
                f"{self.name}.backward must return exactly the same number of NDArrays as the "
                f"number of NDArrays arguments to forward. Expecting {self.n_inputs} got {len(res)}")
        for r in res:
            if not isinstance(r, NDArray):
                raise MXNetError(f"autograd.Function.backward must return NDArrays, not {type(r)}")
        return res

    def backward(self, op, dys, ins, outs, attrs):
        from ..ndarray.ndarray import NDArray

        res = self._call_backward([NDArray(d) for d in dys])
        return [np.asarray(r._data) for r in res]

    def vjp(self, op, dys, ins, outs, attrs):
        return list(self._call_backward(dys))
