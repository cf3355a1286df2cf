"""Python operators on NDArray (`+`, `*=`, `==`, indexing), installed onto the class.

`x + y` with two NDArrays uses the broadcast op, `x + 2` the scalar op, as in
MXNet. A NumPy array operand (a TypeError in MXNet) is taken as an NDArray of
the other operand's dtype, without a copy where possible.
"""
import numpy as np

from .. import autograd
from ..autograd.engine import _state, raise_inplace
from ..base import MXNetError, numeric_types
from ..ops import OPS
from ..ops.invoke import invoke
from ..ops import index_keys
from ..ops.indexing import index_nd
from ..ops.elemwise import fast_binary, fast_scalar
from .ndarray import NDArray

_INT = (int, np.integer)



def as_operand(other, like):
    """A Python/NumPy scalar stays a number; a NumPy array becomes an NDArray of like's dtype."""
    if isinstance(other, numeric_types) and not isinstance(other, np.ndarray):
        return other
    if isinstance(other, np.ndarray):
        from .interop import from_numpy

        if other.ndim == 0:
            return other[()]
        arr = other if other.dtype == like._data.dtype else other.astype(like._data.dtype)
        return from_numpy(arr, zero_copy=True).as_in_context(like._ctx)
    raise TypeError(f"type {type(other)} not supported")


def _binop(array_op, scalar_op, rscalar_op=None):
    aop, sop = OPS[array_op], OPS[scalar_op]

    rop = OPS[rscalar_op] if rscalar_op else sop

    fast_a, fast_s = fast_binary(aop), fast_scalar(sop)

    def forward(self, other):
        if other.__class__ is NDArray:
            r = fast_a(self, other)
            return invoke(aop, [self, other], {}) if r is None else r
        if other.__class__ is float or other.__class__ is int:
            r = fast_s(self, other)
            return invoke(sop, [self], {"scalar": other}) if r is None else r
        if isinstance(other, NDArray):
            return invoke(aop, [self, other], {})
        other = as_operand(other, self)
        if isinstance(other, NDArray):
            return invoke(aop, [self, other], {})
        return invoke(sop, [self], {"scalar": other})

    def reflected(self, other):
        other = as_operand(other, self)
        if isinstance(other, NDArray):
            return invoke(aop, [other, self], {})
        return invoke(rop, [self], {"scalar": other})

    def inplace(self, other):
        if not self.writable:
            raise ValueError(f"trying to {array_op[10:]} to a readonly NDArray")
        if isinstance(other, NDArray):
            return invoke(aop, [self, other], {}, out=self)
        other = as_operand(other, self)
        if isinstance(other, NDArray):
            return invoke(aop, [self, other], {}, out=self)
        return invoke(sop, [self], {"scalar": other}, out=self)

    return forward, reflected, inplace


def _install():
    table = {
        "add": ("broadcast_add", "_plus_scalar", None),
        "sub": ("broadcast_sub", "_minus_scalar", "_rminus_scalar"),
        "mul": ("broadcast_mul", "_mul_scalar", None),
        "truediv": ("broadcast_div", "_div_scalar", "_rdiv_scalar"),
        "mod": ("broadcast_mod", "_mod_scalar", "_rmod_scalar"),
        "pow": ("broadcast_power", "_power_scalar", "_rpower_scalar"),
    }
    for name, ops in table.items():
        f, r, i = _binop(*ops)
        setattr(NDArray, f"__{name}__", f)
        setattr(NDArray, f"__r{name}__", r)
        if name != "pow":  # MXNet has no __ipow__: `a **= 2` rebinds a to a new array
            setattr(NDArray, f"__i{name}__", i)
    NDArray.__div__, NDArray.__rdiv__, NDArray.__idiv__ = (
        NDArray.__truediv__, NDArray.__rtruediv__, NDArray.__itruediv__)
    for name, aop, sop in (("eq", "broadcast_equal", "_equal_scalar"),
                           ("ne", "broadcast_not_equal", "_not_equal_scalar"),
                           ("gt", "broadcast_greater", "_greater_scalar"),
                           ("ge", "broadcast_greater_equal", "_greater_equal_scalar"),
                           ("lt", "broadcast_lesser", "_lesser_scalar"),
                           ("le", "broadcast_lesser_equal", "_lesser_equal_scalar")):
        setattr(NDArray, f"__{name}__", _binop(aop, sop)[0])
    neg = OPS["_mul_scalar"]
    fast_neg = fast_scalar(neg)

    def __neg__(self):
        r = fast_neg(self, -1.0)
        return invoke(neg, [self], {"scalar": -1.0}) if r is None else r

    NDArray.__neg__ = __neg__
    NDArray.__pos__ = lambda self: self
    NDArray.__abs__ = lambda self: invoke(OPS["abs"], [self], {})
    NDArray.__getitem__ = _getitem
    NDArray.__setitem__ = _setitem


def _getitem(self, key):
    """x[key] as in MXNet 1.9.1: basic keys give views where the result is contiguous (else a
    copy), advanced keys (NDArray, list, NumPy array) give copies; both are differentiable."""
    from . import _api

    shape = self.shape
    # MXNet's fast paths: x[()] and x[:] are x itself; x[i] checks i first.
    if isinstance(key, tuple) and not key:
        return self
    if isinstance(key, slice) and key.start is None and key.stop is None and \
            key.step in (None, 1):
        return self
    if not shape:
        raise IndexError(f"a 0-d NDArray accepts only () and : as index, got {key!r}")
    if isinstance(key, _INT):
        i = int(key)
        if not -shape[0] <= i < shape[0]:
            raise IndexError(f"index {i} is out of bounds for axis 0 with size {shape[0]}")
        return _api._getitem_basic(self, key=i)
    items, advanced = index_keys.expand(key, shape)
    if not items:
        raise ValueError("indexing key cannot be an empty tuple")
    if not advanced:
        return _api._getitem_basic(self, key=index_keys.basic_key(items, shape))
    nkey = index_keys.advanced_key(items, shape)
    axis = index_keys.single_array_axis(nkey)
    if axis is not None:
        # x[idx] or x[:, idx]: rows of one axis (indices already valid and non-negative).
        return invoke(OPS["take"], [self, index_nd(nkey[axis], self._ctx)],
                      {"axis": axis, "mode": "clip"})
    flat = index_keys.flat_index(nkey, shape)
    return invoke(OPS["_gather_flat"], [self, index_nd(flat, self._ctx)], {})


def _setitem(self, key, value):
    """x[key] = value as in MXNet 1.9.1; value is broadcast to the indexed region."""
    if (key.__class__ is slice and key.start is None and key.stop is None and key.step is None
            and not _state.recording):
        # x[:] = y of the same shape and dtype, or x[:] = a number into a float array: the
        # optimizer updates' and gradient resets' case, without the general key machinery.
        data = self._data
        if data.__class__ is np.ndarray and data.flags.writeable:
            if value.__class__ is NDArray:
                v = value._data
                if v.__class__ is np.ndarray and v.shape == data.shape and v.dtype == data.dtype:
                    np.copyto(data, v)
                    return
            elif ((value.__class__ is float or value.__class__ is int)
                  and data.dtype.kind == "f" and data.itemsize >= 4 and -3e38 < value < 3e38):
                data.fill(value)  # (out of that range the cast warns: the general path)
                return
    if _state.recording and autograd.in_graph(self):
        raise_inplace()
    if not self.writable:
        raise ValueError("trying to assign to a readonly NDArray")
    shape = self.shape
    if not shape:
        if not (isinstance(key, slice) or (isinstance(key, tuple) and not key)):
            raise IndexError("scalar tensor can only accept `()` and `:` as index")
        items, advanced = (), False
    else:
        items, advanced = index_keys.expand(key, shape)
    if self.size == 0:
        return
    nkey = (index_keys.advanced_key if advanced else index_keys.basic_key)(items, shape) \
        if shape else ()
    data = self._data
    if isinstance(value, NDArray) and value._ctx != self._ctx:
        value = value.as_in_context(self._ctx)      # as MXNet's _prepare_value_nd
    if _state.recording and isinstance(value, NDArray) and autograd.in_graph(value):
        if advanced or not index_keys.direct_assign(items, shape):
            raise MXNetError("Inplace operations (+=, -=, x[:]=, etc) are not supported when "
                             "recording with autograd.")
        return _record_assign(self, value)
    if not isinstance(data, np.ndarray) and not advanced:
        from ..kernels import cuda_launch

        return cuda_launch.setitem(self, nkey, value)
    tshape = np.shape(data[nkey]) if not advanced else index_keys.flat_index(nkey, shape).shape
    src = _prepare_value(self, value, tshape or (1,))
    if isinstance(data, np.ndarray):
        data[nkey] = src.reshape(tshape)
    else:  # advanced assignment into a GPU array: through the host
        h = data.copy_to_host()
        h[nkey] = src.reshape(tshape)
        data.copy_to_device(h)


def _prepare_value(self, value, bshape):
    """value as a NumPy array of self's dtype broadcast to `bshape` (MXNet's _prepare_value_nd)."""
    dt = self._data.dtype
    with np.errstate(invalid="ignore", over="ignore"):
        if isinstance(value, numeric_types) and not isinstance(value, np.ndarray):
            v = np.asarray(int(value) if isinstance(value, bool) else value)
            v = v.astype(np.float64).astype(dt) if dt.kind in "iu" else v.astype(dt)
        elif isinstance(value, NDArray):
            raw = value._data if isinstance(value._data, np.ndarray) else value.asnumpy()
            v = raw.astype(dt, copy=False)
        else:
            try:
                v = np.asarray(value)
                v = v.astype(dt)
            except (TypeError, ValueError):
                raise TypeError(f"{type(self)} does not support assignment with non-array-like "
                                f"object {value} of type {type(value)}") from None
    return np.broadcast_to(_fit(v, bshape), bshape)


def _fit(v, bshape):
    """Drop v's extra leading size-1 axes and check it broadcasts to bshape (MXNet's message)."""
    shape = v.shape
    while len(shape) > len(bshape) and shape[0] == 1:
        shape = shape[1:]
    ok = len(shape) <= len(bshape) and all(
        a == b or a == 1 for a, b in zip(shape[::-1], bshape[::-1]))
    if not ok:
        raise ValueError("operands could not be broadcast together with remapped shapes"
                         f"[original->remapped]: {shape} and requested shape {tuple(bshape)}")
    return v.reshape(shape)


def _record_assign(self, value):
    """x[:] = v with v in a graph: a recorded copy into x (as MXNet's copyto), v broadcast."""
    from . import _api

    if value._data.dtype != self._data.dtype:
        value = _api.cast(value, dtype=self._data.dtype)
    shape = _fit(np.empty(value.shape, np.bool_), self.shape).shape
    shape = (1,) * (self.ndim - len(shape)) + shape
    if shape != value.shape:
        value = _api.reshape(value, shape=shape)
    if value.shape != self.shape:
        value = _api.broadcast_to(value, shape=self.shape)
    invoke(OPS["_copy"], [value], {}, out=self)


def _slice_assign(self, rhs, begin, end, step):
    """Write `rhs` into self[begin:end:step] (per axis; None entries allowed) and return self.

    >>> x = mx.nd.zeros((2, 2))
    >>> x.slice_assign(mx.nd.ones((1, 2)), (1, None), (2, None), (None, None)).asnumpy().tolist()
    [[0.0, 0.0], [1.0, 1.0]]
    """
    return invoke(OPS["_slice_assign"], [self, rhs], {"begin": begin, "end": end, "step": step},
                  out=self)


def _slice_assign_scalar(self, value, begin, end, step):
    """Write the scalar `value` (cast to self's dtype) into self[begin:end:step]; return self.

    >>> mx.nd.zeros((2,)).slice_assign_scalar(3, (1,), (2,), ()).asnumpy().tolist()
    [0.0, 3.0]
    """
    return invoke(OPS["_slice_assign_scalar"], [self],
                  {"scalar": value, "begin": begin, "end": end, "step": step}, out=self)


_install()
NDArray.slice_assign = _slice_assign
NDArray.slice_assign_scalar = _slice_assign_scalar
