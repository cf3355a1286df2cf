"""NumPy and DLPack interop, better than MXNet's.

* `np.asarray(x)` is a zero-copy view (`__array__`); `x.asnumpy()` still copies.
* `mx.nd.from_numpy(a)` shares `a`'s memory and leaves `a` usable.
* `np.exp(x)`, `np.add(x, a)`, ... run mxnb's own kernels and return NDArrays
  (`__array_ufunc__`); a ufunc mxnb has no kernel for runs in NumPy, with an
  NDArray result.
* `__dlpack__`/`__dlpack_device__` and `mx.nd.from_dlpack` exchange buffers with
  any DLPack producer or consumer.
"""
import numpy as np

from ..base import MXNetError, normalize_dtype
from ..ops import OPS
from ..ops.invoke import invoke
from .ndarray import NDArray

# ufunc -> (op for NDArray operands, op for a scalar right operand, op for a scalar left one)
_UNARY = {
    np.exp: "exp", np.expm1: "expm1", np.log: "log", np.log1p: "log1p", np.log2: "log2",
    np.log10: "log10", np.sqrt: "sqrt", np.cbrt: "cbrt", np.square: "square",
    np.reciprocal: "reciprocal", np.absolute: "abs", np.fabs: "abs", np.sign: "sign",
    np.negative: "negative", np.tanh: "tanh", np.sin: "sin", np.cos: "cos", np.tan: "tan",
    np.arcsin: "arcsin", np.arccos: "arccos", np.arctan: "arctan", np.sinh: "sinh",
    np.cosh: "cosh", np.arcsinh: "arcsinh", np.arccosh: "arccosh", np.arctanh: "arctanh",
    np.degrees: "degrees", np.radians: "radians", np.floor: "floor", np.ceil: "ceil",
    np.trunc: "trunc", np.fix: "fix", np.rad2deg: "degrees", np.deg2rad: "radians",
}
_BINARY = {
    np.add: ("broadcast_add", "_plus_scalar", "_plus_scalar"),
    np.subtract: ("broadcast_sub", "_minus_scalar", "_rminus_scalar"),
    np.multiply: ("broadcast_mul", "_mul_scalar", "_mul_scalar"),
    np.true_divide: ("broadcast_div", "_div_scalar", "_rdiv_scalar"),
    np.power: ("broadcast_power", "_power_scalar", "_rpower_scalar"),
    np.maximum: ("broadcast_maximum", "_maximum_scalar", "_maximum_scalar"),
    np.minimum: ("broadcast_minimum", "_minimum_scalar", "_minimum_scalar"),
    np.hypot: ("broadcast_hypot", "_hypot_scalar", "_hypot_scalar"),
    np.equal: ("broadcast_equal", "_equal_scalar", "_equal_scalar"),
    np.not_equal: ("broadcast_not_equal", "_not_equal_scalar", "_not_equal_scalar"),
    np.greater: ("broadcast_greater", "_greater_scalar", "_lesser_scalar"),
    np.greater_equal: ("broadcast_greater_equal", "_greater_equal_scalar",
                       "_lesser_equal_scalar"),
    np.less: ("broadcast_lesser", "_lesser_scalar", "_greater_scalar"),
    np.less_equal: ("broadcast_lesser_equal", "_lesser_equal_scalar", "_greater_equal_scalar"),
    np.logical_and: ("broadcast_logical_and", "_logical_and_scalar", "_logical_and_scalar"),
    np.logical_or: ("broadcast_logical_or", "_logical_or_scalar", "_logical_or_scalar"),
    np.logical_xor: ("broadcast_logical_xor", "_logical_xor_scalar", "_logical_xor_scalar"),
}


def from_numpy(ndarray, zero_copy=True):
    """An NDArray over a NumPy array's memory (zero_copy=True) or over a copy of it.

    Unlike MXNet, the NumPy array stays valid and both see each other's writes.
    An array that is not C-contiguous, or of a dtype mxnb does not support, is copied.

    >>> a = np.ones(3, dtype=np.float32); x = mx.nd.from_numpy(a); a[0] = 5
    >>> x.asnumpy()
    array([5., 1., 1.], dtype=float32)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy.ndarray, got {type(ndarray)}")
    if ndarray.size == 0:
        raise MXNetError(f"from_numpy: zero-size arrays are not supported (shape {ndarray.shape})")
    try:
        normalize_dtype(ndarray.dtype)
        ok = True
    except (MXNetError, TypeError):
        ok = False
    if zero_copy and ok and ndarray.flags.c_contiguous and ndarray.dtype.isnative:
        return NDArray(ndarray)
    dt = ndarray.dtype if ok else np.float32
    return NDArray(np.array(ndarray, dtype=dt, order="C", copy=True))


def from_dlpack(ext_tensor):
    """An NDArray sharing memory with a DLPack-capable tensor (NumPy, PyTorch, CuPy, ...).

    CPU tensors become CPU arrays. A CUDA tensor (DLPack device type 2) becomes
    an array on `mx.gpu(device_id)` over the same memory, read through its
    `__cuda_array_interface__` or its DLPack capsule.
    """
    dev = getattr(ext_tensor, "__dlpack_device__", None)
    if dev is not None and dev()[0] in (2, 13) or (
            dev is None and hasattr(ext_tensor, "__cuda_array_interface__")):
        return from_cuda_array(ext_tensor)
    arr = np.from_dlpack(ext_tensor)
    return from_numpy(arr, zero_copy=True)


def from_cuda_array(obj, ctx=None):
    """An NDArray on the GPU over the memory of `obj` (CuPy, PyTorch, Numba device arrays).

    Reads `__cuda_array_interface__` (or a CUDA DLPack capsule); no copy unless
    `obj` is strided (mxnb arrays are C-contiguous).
    """
    from ..context import check_gpu, gpu
    from ..kernels import cuda_dlpack, cuda_interop

    dev = getattr(obj, "__dlpack_device__", None)
    ctx = ctx if ctx is not None else gpu(int(dev()[1]) if dev is not None else 0)
    check_gpu(ctx)
    if hasattr(obj, "__cuda_array_interface__"):
        d = cuda_interop.from_interface(obj)
    else:
        d = cuda_dlpack.from_capsule(obj.__dlpack__())
    normalize_dtype(d.dtype)
    return NDArray(d, ctx)


def to_dlpack_for_read(data):
    return data.__dlpack__()


to_dlpack_for_write = to_dlpack_for_read


def _array(self, dtype=None, copy=None):
    d = self._data
    if not isinstance(d, np.ndarray):
        d = d.copy_to_host()
    if dtype is not None and np.dtype(dtype) != d.dtype:
        return d.astype(dtype)
    if copy:
        return d.copy()
    return d


def _dlpack(self, stream=None, **kwargs):
    d = self._data
    if isinstance(d, np.ndarray):
        return d.__dlpack__(**kwargs) if kwargs else d.__dlpack__()
    from ..kernels import cuda_dlpack

    return cuda_dlpack.to_capsule(d, self._ctx.device_id)


def _cuda_array_interface(self):
    d = self._data
    if isinstance(d, np.ndarray):
        raise AttributeError("__cuda_array_interface__ exists only for arrays on a GPU context "
                             f"(this one is on {self._ctx})")
    from ..kernels import cuda_interop

    return cuda_interop.interface(d)


def _dlpack_device(self):
    d = self._data
    if isinstance(d, np.ndarray):
        return d.__dlpack_device__()
    return (2, self._ctx.device_id)


def _operand(x, like):
    if isinstance(x, NDArray):
        return x
    if isinstance(x, np.ndarray) and x.ndim > 0:
        return from_numpy(x if x.dtype == like._data.dtype else x.astype(like._data.dtype)) \
            .as_in_context(like._ctx)
    return x


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    out = kwargs.pop("out", None)
    if out is not None:
        out = out[0] if isinstance(out, tuple) and len(out) == 1 else out
        if not isinstance(out, NDArray):
            return NotImplemented
    if method == "__call__" and not kwargs:
        if ufunc in _UNARY and len(inputs) == 1:
            return invoke(OPS[_UNARY[ufunc]], [inputs[0]], {}, out)
        if ufunc in _BINARY and len(inputs) == 2:
            aop, lsop, rsop = _BINARY[ufunc]
            a, b = inputs
            like = a if isinstance(a, NDArray) else b
            a, b = _operand(a, like), _operand(b, like)
            if isinstance(a, NDArray) and isinstance(b, NDArray):
                return invoke(OPS[aop], [a, b], {}, out)
            if isinstance(a, NDArray):
                return invoke(OPS[lsop], [a], {"scalar": _num(b)}, out)
            return invoke(OPS[rsop], [b], {"scalar": _num(a)}, out)
    # No kernel for this ufunc/method: NumPy computes on zero-copy views.
    args = [np.asarray(x) if isinstance(x, NDArray) else x for x in inputs]
    res = getattr(ufunc, method)(*args, **kwargs)
    if out is not None:
        out[:] = res
        return out
    if isinstance(res, tuple):
        return tuple(_wrap(r) for r in res)
    return _wrap(res)


def _num(x):
    return x[()] if isinstance(x, np.ndarray) else x


def _wrap(res):
    if isinstance(res, np.ndarray) and res.ndim > 0 and res.size > 0:
        try:
            normalize_dtype(res.dtype)
        except (MXNetError, TypeError):
            res = res.astype(np.float32)
        return NDArray(np.ascontiguousarray(res))
    return res


NDArray.__array__ = _array
NDArray.__array_ufunc__ = _array_ufunc
NDArray.__dlpack__ = _dlpack
NDArray.__dlpack_device__ = _dlpack_device
NDArray.__cuda_array_interface__ = property(_cuda_array_interface)
