"""Array creation: array, zeros, ones, full, empty, arange, *_like, and moving between devices."""
import math
import warnings

import numpy as np

from ..base import MXNetError, mx_real_t, normalize_dtype
from ..context import Context, check_gpu, current_context
from .ndarray import NDArray


def _shape(shape, op, zero_ok=False):
    if isinstance(shape, str):
        shape = _literal(shape, "shape", op)
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if any(s < 0 or (s == 0 and not zero_ok) for s in shape):
        # MXNet 1.x legacy shape inference treats 0 as unknown (spec Q27).
        raise MXNetError(f"{op}: shape inference failed for shape {shape}: zero-size and "
                         "negative dimensions are not supported")
    return shape


def _literal(text, what, op):
    """`'(2, 3)'` -> (2, 3): MXNet parses attributes given as strings."""
    import ast

    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        raise MXNetError(f"Invalid Parameter format for {what} expect a number or tuple but "
                         f"value='{text}', in operator {op}") from None


def _creation_kwargs(op, shape, dtype, kwargs):
    """MXNet's zeros/ones pass extra keywords to the op: `name=` is ignored, `out=` is
    filled (its shape and dtype must be the result's), anything else is refused."""
    kwargs.pop("name", None)
    out = kwargs.pop("out", None)
    if kwargs:
        raise MXNetError(f"Cannot find argument '{next(iter(kwargs))}', in operator {op}")
    if out is None:
        return None
    if not isinstance(out, NDArray):
        raise TypeError(f"{op}: out must be an NDArray, got {type(out).__name__}")
    if out.shape != shape:
        raise MXNetError(f"Shape inconsistent, Provided = [{','.join(map(str, out.shape))}], "
                         f"inferred shape=[{','.join(map(str, shape))}] (operator {op})")
    if np.dtype(out.dtype) != np.dtype(dtype):
        raise MXNetError(f"Type inconsistent, Provided = {np.dtype(out.dtype).name}, inferred "
                         f"type = {np.dtype(dtype).name} (operator {op})")
    return out


def _ctx(ctx):
    ctx = current_context() if ctx is None else ctx
    if not isinstance(ctx, Context):
        raise TypeError(f"ctx must be a Context, got {type(ctx)}")
    check_gpu(ctx)
    return ctx


def _place(host, ctx):
    """Wrap a C-contiguous host buffer as an NDArray on `ctx` (copying to the GPU if needed)."""
    if ctx.is_gpu:
        from ..kernels import cuda_launch

        return NDArray(cuda_launch.to_device(host, ctx), ctx)
    return NDArray(host, ctx)


def _filled(shape, dtype, value, ctx):
    """An array of `value` on `ctx`; a GPU fills it on the device, with no host buffer."""
    if ctx.is_gpu:
        from ..kernels import cuda_launch

        return NDArray(cuda_launch.full(shape, dtype, value, ctx), ctx)
    if value == 0:
        return NDArray(np.zeros(shape, dtype), ctx)
    if value == 1:
        return NDArray(np.ones(shape, dtype), ctx)
    arr = np.empty(shape, dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        arr[...] = np.asarray(value, dtype=np.float64).astype(dtype)
    return NDArray(arr, ctx)


def empty(shape, ctx=None, dtype=None, stype=None):
    """An uninitialised array (mxnb fills it with zeros).

    Zero-size shapes are allowed: MXNet allocates them directly, with no shape inference.
    """
    if stype not in (None, "default"):
        return zeros(shape, ctx, dtype, stype)
    return _filled(_shape(shape, "empty", zero_ok=True), normalize_dtype(dtype, storage=True), 0,
                   _ctx(ctx))


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros, float32 by default.

    >>> mx.nd.zeros((2, 3)).shape
    (2, 3)
    """
    if stype not in (None, "default"):
        raise NotImplementedError(f"zeros: sparse storage type {stype!r} is not supported by "
                                  "mxnb (only 'default'); mx.nd.sparse is not built")
    ctx = _ctx(ctx)
    shape, dtype = _shape(shape, "zeros"), normalize_dtype(dtype, storage=True)
    out = _creation_kwargs("_zeros", shape, dtype, kwargs) if kwargs else None
    if out is not None:
        out[:] = 0
        return out
    return _filled(shape, dtype, 0, ctx)


def ones(shape, ctx=None, dtype=None, **kwargs):
    """An array of ones, float32 by default (`out=` fills an existing array)."""
    ctx = _ctx(ctx)
    shape, dtype = _shape(shape, "ones"), normalize_dtype(dtype, storage=True)
    out = _creation_kwargs("_ones", shape, dtype, kwargs) if kwargs else None
    if out is not None:
        out[:] = 1
        return out
    return _filled(shape, dtype, 1, ctx)


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """An array filled with `val`, cast to `dtype` (`full((2,), 7.9, dtype='int32')` gives 7s)."""
    if out is not None:
        out[:] = val
        return out
    ctx = _ctx(ctx)
    # MXNet's full is empty() then a fill, so zero-size shapes work as for empty.
    return _filled(_shape(shape, "full", zero_ok=True), normalize_dtype(dtype, storage=True), val,
                   ctx)


def array(source_array, ctx=None, dtype=None):
    """A new array from a list, scalar, NumPy array or NDArray (always a copy).

    The dtype is the source's for an NDArray source and float32 for
    everything else unless `dtype` is given (MXNet Q25).

    >>> mx.nd.array([1, 2, 3])
    <BLANKLINE>
    [1. 2. 3.]
    <NDArray 3 @cpu(0)>
    """
    if isinstance(source_array, NDArray):
        dt = normalize_dtype(dtype if dtype is not None else source_array.dtype, storage=True)
        src = source_array.asnumpy()
    else:
        dt = normalize_dtype(dtype, storage=True)
        try:
            src = np.array(source_array, dtype=dt) if not isinstance(source_array, np.ndarray) \
                else source_array
        except OverflowError:
            # NumPy 2 refuses out-of-range Python ints (-4 as uint8); MXNet's NumPy wrapped them.
            src = _wrapped(source_array, dt)
        except (TypeError, ValueError):
            raise TypeError("source_array must be array like object") from None
        if src.dtype.kind in "OUSV":
            if not isinstance(source_array, np.ndarray):
                raise TypeError("source_array must be array like object")
            # MXNet copies a NumPy source with np.asarray(src, dtype): object and string
            # arrays of numbers convert ('1' -> 1.0), others raise NumPy's ValueError.
            src = np.asarray(src, dtype=dt)
    # NOTE: zero-size arrays are allowed here, as in MXNet (`mx.nd.array([])` has shape (0,)),
    # while zeros/ones/full refuse zero-size shapes as MXNet's shape inference does.
    with np.errstate(invalid="ignore", over="ignore"):
        host = np.array(src, dtype=dt, order="C", copy=True)
    return _place(host, _ctx(ctx))


def _wrapped(source_array, dt):
    try:
        src = np.array(source_array)
    except (TypeError, ValueError):
        raise TypeError("source_array must be array like object") from None
    if src.dtype.kind in "OUSV":
        raise TypeError("source_array must be array like object")
    with np.errstate(invalid="ignore", over="ignore"):
        return src.astype(dt)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """Evenly spaced values, computed in the output dtype as MXNet does.

    >>> mx.nd.arange(2, 6, step=1.5, repeat=2).asnumpy()
    array([2. , 2. , 3.5, 3.5, 5. , 5. ], dtype=float32)
    """
    if infer_range is not None:
        warnings.warn("`infer_range` argument has been deprecated", DeprecationWarning)
    # MXNet parses numbers given as strings ('1', '5') in C++.
    start, stop, step, repeat = (_literal(v, n, "_arange") if isinstance(v, str) else v
                                 for v, n in ((start, "start"), (stop, "stop"), (step, "step"),
                                              (repeat, "repeat")))
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError(f"Range does not support step=0, received {step}")
    n = int(math.ceil((stop - start) / step))
    if n <= 0:
        raise MXNetError(f"Invalid range (start, stop, step) = ({_g(start)},{_g(stop)},{_g(step)})")
    if repeat < 1:
        raise MXNetError(f"arange: repeat must be at least 1, got {repeat}")
    dt = normalize_dtype(dtype)
    ct = np.float32 if dt == np.float16 else dt.type
    with np.errstate(over="ignore", invalid="ignore"):
        vals = ct(start) + np.arange(n).astype(ct) * ct(step)
    host = np.ascontiguousarray(np.repeat(vals, int(repeat)).astype(dt))
    return _place(host, _ctx(ctx))


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """An N x M (M=0: N x N) array with ones on diagonal `k`, float32 by default.

    >>> mx.nd.eye(2, 3, k=1).asnumpy()
    array([[0., 1., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    n = int(N)
    m = n if not M else int(M)
    host = np.eye(n, m, int(k), dtype=normalize_dtype(dtype))
    return _place(host, _ctx(ctx))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """`num` evenly spaced values from `start` to `stop` (included when `endpoint`).

    As MXNet, each value is `start + i * step` computed in float64, then cast to `dtype`
    (so integer dtypes truncate).

    >>> mx.nd.linspace(0, 1, 5).asnumpy()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    num = int(num)
    if num < 0:
        raise MXNetError(f"linspace: num must be non-negative, got {num}")
    start, stop = float(start), float(stop)
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    vals = start + step * np.arange(num, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        host = np.ascontiguousarray(vals.astype(normalize_dtype(dtype)))
    return _place(host, _ctx(ctx))


def concatenate(arrays, axis=0, always_copy=True):
    """Join a list of arrays along `axis` (MXNet's legacy helper; `concat` is the op).

    >>> mx.nd.concatenate([mx.nd.ones((1, 2)), mx.nd.zeros((1, 2))]).shape
    (2, 2)
    """
    from . import _api

    if not isinstance(arrays, (list, tuple)) or not arrays:
        raise AssertionError("arrays must be a non-empty list of NDArrays")
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return _api.concat(*arrays, dim=axis)


def _g(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def zeros_like(data, **kwargs):
    """Zeros with the shape, dtype and context of `data`."""
    return _filled(data.shape, data._data.dtype, 0, data._ctx)


def ones_like(data, **kwargs):
    """Ones with the shape, dtype and context of `data`."""
    return _filled(data.shape, data._data.dtype, 1, data._ctx)


def full_like(data, fill_value, **kwargs):
    return full(data.shape, fill_value, ctx=data._ctx, dtype=data._data.dtype)


def waitall():
    """Wait for all pending GPU work (CPU ops run eagerly): what MXNet code times with."""
    import sys

    launch = sys.modules.get("mxnb.kernels.cuda_launch")
    # Kernel launches are asynchronous. The module being imported does not mean a GPU exists
    # (tests import it to inspect kernels): synchronize only where num_gpus() found one.
    if launch is not None:
        from ..context import num_gpus

        if num_gpus() > 0:
            launch.synchronize()


def _transfer(src, ctx):
    """A copy of `src` on another context."""
    check_gpu(ctx)
    host = src._data if isinstance(src._data, np.ndarray) else src._data.copy_to_host()
    return _place(np.array(host, copy=True), ctx)


def _transfer_into(src, dst):
    host = src._data if isinstance(src._data, np.ndarray) else src._data.copy_to_host()
    if isinstance(dst._data, np.ndarray):
        np.copyto(dst._data, host, casting="unsafe")
    else:
        dst._data.copy_to_device(np.ascontiguousarray(host.astype(dst._data.dtype)))
