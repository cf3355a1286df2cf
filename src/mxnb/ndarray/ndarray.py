"""The NDArray class: a C-contiguous buffer (NumPy on the CPU) plus its context and autograd links.

Storage is always C-contiguous, as in MXNet 1.x. Operators go through
`ops.invoke`, which runs the op's Numba kernel and records it on the tape
when autograd is recording.
"""
import numpy as np

from ..base import MXNetError, numeric_types
from ..context import Context, current_context

__all__ = ["NDArray"]


class NDArray:
    """An n-dimensional array on a device, as MXNet 1.x's `mx.nd.NDArray`.

    >>> x = mx.nd.array([[1, 2], [3, 4]])
    >>> (x * 2 + 1).asnumpy()
    array([[3., 5.],
           [7., 9.]], dtype=float32)
    """

    __slots__ = ("_data", "_ctx", "_entry", "_var", "__weakref__")
    # NumPy defers to NDArray in mixed expressions (a + nd calls nd.__radd__).
    __array_priority__ = 1000.0

    def __init__(self, data, ctx=None):
        self._data = data
        self._ctx = ctx if ctx is not None else _CPU0
        self._entry = None   # (node, output index) when produced by a recorded op
        self._var = None     # autograd.Variable when marked with attach_grad

    # ------------------------------------------------------------ properties
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def size(self):
        return self._data.size

    @property
    def ndim(self):
        return len(self._data.shape)

    @property
    def context(self):
        return self._ctx

    ctx = context

    @property
    def stype(self):
        return "default"

    @property
    def writable(self):
        d = self._data
        return d.flags.writeable if isinstance(d, np.ndarray) else True

    @property
    def handle(self):
        return self

    @property
    def T(self):
        """Transpose (a copy, reversing the axes)."""
        from . import _api

        return _api.transpose(self)

    # ------------------------------------------------------------ printing
    def __repr__(self):
        shape = "x".join(str(d) for d in self.shape)
        return f"\n{_body(self.asnumpy())}\n<{type(self).__name__} {shape} @{self._ctx}>"

    __str__ = __repr__

    # ------------------------------------------------------------ conversion
    def asnumpy(self):
        """A NumPy copy of the data (MXNet semantics: mutating it leaves the NDArray alone)."""
        d = self._data
        if isinstance(d, np.ndarray):
            return d.copy()
        return d.copy_to_host()

    def asscalar(self):
        """The single value as a NumPy scalar (shape (1,1) gives a (1,1) array, as in MXNet)."""
        if self.size != 1:
            raise ValueError("The current array is not a scalar")
        if self.ndim == 1:
            return self.asnumpy()[0]
        return self.asnumpy()[()]

    def __bool__(self):
        if self.size == 0:
            return False
        if self.size == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __float__(self):
        return float(self._scalar_value("float"))

    def __int__(self):
        return int(self._scalar_value("int"))

    def __index__(self):
        if self.dtype not in (np.int8, np.uint8, np.int32, np.int64):
            raise TypeError("only integer NDArrays of size 1 can be used as an index")
        return int(self._scalar_value("index"))

    def _scalar_value(self, what):
        if self.size != 1:
            raise TypeError(f"only size-1 NDArrays can be converted to {what}, got shape {self.shape}")
        return self.asnumpy().reshape(-1)[0]

    def __len__(self):
        if self.ndim == 0:
            raise IndexError("tuple index out of range")  # MXNet's len() is shape[0]
        return self.shape[0]

    def __iter__(self):
        # A 0-d array yields nothing, as MXNet's (which iterates by indexing until IndexError).
        for i in range(self.shape[0] if self.ndim else 0):
            yield self[i]

    def __hash__(self):
        return id(self) // 16

    def __getstate__(self):
        return {"data": self.asnumpy(), "ctx": (self._ctx.device_type, self._ctx.device_id)}

    def __setstate__(self, state):
        from . import creation

        arr = creation.array(state["data"], ctx=Context(*state["ctx"]), dtype=state["data"].dtype)
        self._data, self._ctx, self._entry, self._var = arr._data, arr._ctx, None, None

    def astype(self, dtype, copy=True):
        """Cast to `dtype` (a new array; `copy=False` with the same dtype returns self)."""
        from . import _api

        if not copy and np.dtype(dtype) == self._data.dtype:
            return self
        # MXNet allocates empty(dtype=None), i.e. float32, and copies into it.
        return _api.cast(self, dtype=np.float32 if dtype is None else dtype)

    def tostype(self, stype):
        """A copy in storage type `stype`; mxnb stores only 'default' (dense) arrays.

        >>> mx.nd.ones((2,)).tostype('default').stype
        'default'
        """
        if stype != "default":
            from ..base import MXNetError

            raise MXNetError(f"tostype: storage type {stype!r} is not supported by mxnb "
                             "(only 'default')")
        return self.copy()

    def as_nd_ndarray(self):
        """This array as a legacy NDArray: itself (mxnb has no `mx.np` arrays)."""
        return self

    def as_np_ndarray(self):
        """Not built: MXNet's `mx.np` array type (its NumPy-compatible frontend) is not part of
        mxnb. `np.asarray(x)` gives a zero-copy NumPy view instead."""
        raise NotImplementedError("NDArray.as_np_ndarray: mx.np / mx.npx arrays are not built in "
                                  "mxnb; np.asarray(x) gives a zero-copy NumPy view")

    def copy(self):
        """A new array with the same data on the same context."""
        from . import _api

        return _api._copy(self)

    def copyto(self, other):
        """Copy into `other` (an NDArray of the same shape) or onto a Context; returns the copy."""
        from . import _api, creation

        if isinstance(other, NDArray):
            if other is self:
                import warnings

                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning)
                return False
            if other.shape != self.shape:
                raise MXNetError(
                    f"copyto: Incompatible attr in node  at 0-th output: expected "
                    f"{_fmt(other.shape)}, got {_fmt(self.shape)}")
            if other._ctx != self._ctx:
                creation._transfer_into(self, other)
                return other
            return _api._copy(self, out=other)
        if isinstance(other, Context):
            if other == self._ctx:
                return _api._copy(self)
            return creation._transfer(self, other)
        raise TypeError(f"copyto does not support type {type(other)}")

    def as_in_context(self, context):
        """Self if already on `context`, else a copy there."""
        if self._ctx == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def wait_to_read(self):
        """Wait until this array's pending GPU work is done (CPU ops run eagerly)."""
        if not isinstance(self._data, np.ndarray):
            from ..kernels import cuda_launch

            cuda_launch.synchronize()

    wait_to_write = wait_to_read

    # ------------------------------------------------------------ shape
    def reshape(self, *shape, **kwargs):
        """A view with a new shape; MXNet's codes 0, -1, -2, -3, -4 and `reverse=True` work.

        (`mx.nd.reshape(x, shape)`, the op, returns a copy, as in MXNet.)

        >>> mx.nd.zeros((2, 3, 4)).reshape((-3, 0)).shape
        (6, 4)
        """
        from . import _api

        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.get("shape")
            assert shape, "Shape must be provided."
        bad = [k for k in kwargs if k not in ("shape", "reverse")]
        if bad:
            raise TypeError(f"Got unknown keywords in reshape: {', '.join(bad)}. Accepted keyword "
                            "arguments are 'shape' and 'reverse'.")
        return _api._reshape_view(self, shape=shape, reverse=kwargs.get("reverse", False))

    def reshape_like(self, *args, **kwargs):
        """mx.nd.reshape_like(self, ...): a copy with other's shape."""
        from . import _api

        return _api.reshape_like(self, *args, **kwargs)

    def flatten(self, inplace=False):
        """Shape (d0, d1*...*dk): a copy, or a view with `inplace=True` (as in MXNet)."""
        from . import _api

        if not inplace:
            return _api.flatten(self)
        return self.reshape((0, -1))

    def expand_dims(self, axis, inplace=False):
        """A size-1 axis inserted at `axis`: a copy, or a view with `inplace=True`."""
        from . import _api

        if not inplace:
            return _api.expand_dims(self, axis=axis)
        shape = list(self.shape)
        assert -len(shape) - 1 <= axis <= len(shape), \
            f"axis {axis} is out of range for {len(shape)}d array"
        shape.insert(axis + len(shape) + 1 if axis < 0 else axis, 1)
        return self.reshape(shape)

    def squeeze(self, axis=None, inplace=False):
        """Size-1 axes removed (all, or `axis`): a copy, or a view with `inplace=True`."""
        from . import _api

        if not inplace:
            return _api.squeeze(self, axis=axis)
        shape = list(self.shape)
        axes = [axis] if isinstance(axis, int) else axis
        if axes:
            assert len(axes) == len(set(axes)), \
                f"axis {axes} contains duplicate which is not allowed."
            for a in axes:
                assert -len(shape) <= a < len(shape), \
                    f"axis {a} is out of range for {len(shape)}d array"
                assert shape[a] == 1, f"Squeeze target axis {a} must be size 1, got {shape[a]}."
            drop = {a + len(shape) if a < 0 else a for a in axes}
            shape = [d for i, d in enumerate(shape) if i not in drop]
        else:
            shape = [d for d in shape if d != 1]
        return self.reshape(shape or [1])

    def broadcast_like(self, other):
        """self broadcast to other's shape (see broadcast_to); a copy."""
        return self.broadcast_to(other.shape)

    def broadcast_to(self, shape):
        """A copy broadcast to `shape`, leading axes added as needed (MXNet's ValueError else)."""
        from . import _api

        shape = tuple(shape)
        cur = self.shape
        err = ("operands could not be broadcast together with remapped shapes"
               f"[original->remapped]: {cur} and requested shape {shape}")
        if len(shape) < len(cur):
            raise ValueError(err)
        full = (1,) * (len(shape) - len(cur)) + tuple(cur)
        if any(c != s and c != 1 for c, s in zip(full, shape)):
            raise ValueError(err)
        src = self if full == cur else self.reshape(full)
        return _api.broadcast_to(src, shape=shape)

    # ------------------------------------------------------------ autograd
    def attach_grad(self, grad_req="write", stype=None):
        """Give this array a zero gradient buffer and make it a leaf of the autograd graph.

        `grad_req` is 'write' (backward overwrites `.grad`), 'add' (accumulates) or
        'null' (no gradient). On a recorded result it cuts the history: the array
        becomes a new leaf.

        >>> x = mx.nd.array([1., 2.]); x.attach_grad('add'); x.grad
        <BLANKLINE>
        [0. 0.]
        <NDArray 2 @cpu(0)>
        """
        _autograd()._attach_grad(self, grad_req, stype)

    @property
    def grad(self):
        """The gradient buffer (a new NDArray sharing its memory each access), or None."""
        v = self._var
        if v is None:
            return None
        return NDArray(v.grad, self._ctx)

    def detach(self):
        """A new array sharing this one's memory, with no autograd history.

        Ops on it are not recorded (unless another input is in a graph); writes
        through it are visible in this array.
        """
        return NDArray(self._data, self._ctx)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Backpropagate from this array into the `.grad` of the variables it depends on.

        `out_grad` is the head gradient (ones by default); the graph is freed
        afterwards unless `retain_graph=True`.

        >>> x = mx.nd.array([1., 2.]); x.attach_grad()
        >>> with mx.autograd.record():
        ...     y = x * x
        >>> y.backward(); x.grad
        <BLANKLINE>
        [2. 4.]
        <NDArray 2 @cpu(0)>
        """
        _autograd().backward([self], [out_grad], retain_graph, train_mode)


_CPU0 = Context("cpu", 0)
_new = object.__new__


def wrap(data, ctx):
    """NDArray(data, ctx) without the type call and `__init__` frame: the short paths of small
    ops make one per call, and this halves its cost (about 0.4 to 0.2 µs)."""
    r = _new(NDArray)
    r._data = data
    r._ctx = ctx
    r._entry = None
    r._var = None
    return r
_AG = []


def _body(a):
    from ._print import body

    return body(a)


def _autograd():
    """The autograd package (imported on first use: it imports this module's package)."""
    if not _AG:
        from .. import autograd

        _AG.append(autograd)
    return _AG[0]


def _fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _is_number(x):
    return isinstance(x, numeric_types) and not isinstance(x, np.ndarray)


def current_ctx():
    return current_context()
