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
from ..ops.views import normalize_key
from ..ops.elemwise import fast_call
from .ndarray import NDArray

_EMPTY = {}
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


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

    def forward(self, other):
        if other.__class__ is NDArray:
            if (self._data.shape == other._data.shape and self._data.dtype == other._data.dtype
                    and self._ctx == other._ctx):
                r = fast_call(aop, [self, other], _EMPTY, 0.0)
                if r is not None:
                    return r
            return invoke(aop, [self, other], {})
        if other.__class__ in (float, int):
            d = self._data.dtype
            if d == _F32 or d == _F64:
                r = fast_call(sop, [self], {"scalar": other}, float(d.type(other)))
                if r is not None:
                    return r
            return invoke(sop, [self], {"scalar": other})
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
    NDArray.__neg__ = lambda self: invoke(neg, [self], {"scalar": -1.0})
    NDArray.__pos__ = lambda self: self
    NDArray.__abs__ = lambda self: invoke(OPS["abs"], [self], {})
    NDArray.__getitem__ = _getitem
    NDArray.__setitem__ = _setitem


def _getitem(self, key):
    from . import _api

    if isinstance(key, NDArray) or isinstance(key, (list, np.ndarray)) or (
            isinstance(key, tuple) and any(isinstance(k, (NDArray, list, np.ndarray)) for k in key)):
        raise NotImplementedError(
            "advanced indexing (NDArray, list or array index) is not implemented yet in mxnb")
    return _api._getitem_basic(self, key=key)


def _setitem(self, key, value):
    if _state.recording and autograd.in_graph(self):
        raise_inplace()
    if not self.writable:
        raise ValueError("trying to assign to a readonly NDArray")
    nkey = normalize_key(key, self.shape)
    if nkey is None:
        raise NotImplementedError(
            "advanced index assignment is not implemented yet in mxnb")
    data = self._data
    if not isinstance(data, np.ndarray):
        from ..kernels import cuda_launch

        return cuda_launch.setitem(self, nkey, value)
    target = data[nkey]
    tshape = np.shape(target)
    if isinstance(value, NDArray):
        if value._ctx != self._ctx:
            raise MXNetError(f"setitem: value is on {value._ctx} but the array is on {self._ctx}")
        value = value._data
    elif not isinstance(value, (np.ndarray, numeric_types)):
        value = np.asarray(value)
    # np.broadcast_to raises NumPy's own ValueError, which is what MXNet shows (spec 7.5).
    src = np.broadcast_to(np.asarray(value), tshape) if np.ndim(value) else value
    with np.errstate(invalid="ignore", over="ignore"):
        if np.ndim(value) == 0:
            data[nkey] = np.asarray(value, dtype=np.float64).astype(data.dtype) \
                if data.dtype.kind in "iu" else value
        else:
            data[nkey] = src.astype(data.dtype, copy=False)


_install()
