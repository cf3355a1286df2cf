"""Indexing keys as MXNet 1.9.1 reads them (`x[key]`, `x[key] = value`).

MXNet follows NumPy's rules for which axes a key selects and where the
advanced-index block goes, with these differences (all pinned in
tests/test_indexing.py):

* a Python bool is an int when it is the whole key (`x[True]` is `x[1]`) and is
  dropped inside a tuple (`x[0, True]` is `x[0]`); `np.bool_` is refused;
* index arrays (NDArrays, lists, NumPy arrays, ranges) are cast to integers,
  truncating floats (`x[[0.7, 1.9]]` is `x[[0, 1]]`; a NumPy bool mask is read
  as 0/1 indices, not as a mask); negative indices count from the end;
* an all-int key gives shape (1,), never a 0-d array;
* the errors: IndexError for out-of-bounds indices and too many indices,
  ValueError for a zero slice step or an unsupported key type.
"""
import numpy as np

from ..base import MXNetError

_INT = (int, np.integer)


def _nd():
    from ..ndarray.ndarray import NDArray

    return NDArray


def _is_array(k):
    return isinstance(k, (_nd(), np.ndarray, list, tuple, range))


def expand(key, shape):
    """(key as a tuple with the Ellipsis expanded, whether it is an advanced key)."""
    if not isinstance(key, tuple):
        key = (key,)
    items, ell = [], None
    NDArray = _nd()
    for k in key:
        if k is Ellipsis:
            if ell is not None:
                raise IndexError("Cannot use more than one ellipsis (`...`) for indexing")
            ell = len(items)
            continue
        if isinstance(k, bool):
            continue  # MXNet makes it a 0-d boolean mask, which legacy mode then drops
        if isinstance(k, NDArray) and k.ndim == 0:
            k = int(k.asnumpy()[()])  # MXNet 1.9.1 fails here (no .item()): a FIX
        if not (k is None or isinstance(k, (_INT, slice)) or _is_array(k)):
            raise ValueError(f"NDArray does not support slicing with key {k} of type {type(k)}.")
        items.append(k)
    fill = len(shape) + sum(k is None for k in items) - len(items)
    ell = len(items) if ell is None else ell
    items = items[:ell] + [slice(None)] * max(fill, 0) + items[ell:]
    real = sum(k is not None for k in items)
    if real > len(shape):
        raise IndexError(f"too many indices ({real}) for array with {len(shape)} dimensions")
    return tuple(items), any(_is_array(k) for k in items)


def _check_slice(k):
    if k.step is not None and int(k.step) == 0:
        raise ValueError("slice step cannot be zero")
    return slice(*(None if v is None else int(v) for v in (k.start, k.stop, k.step)))


def _check_int(i, axis, n):
    i = int(i)
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i


def basic_key(items, shape):
    """A NumPy key of ints, slices and None, each checked against `shape`."""
    out, ax = [], 0
    for k in items:
        if k is None:
            out.append(None)
            continue
        out.append(_check_slice(k) if isinstance(k, slice) else _check_int(k, ax, shape[ax]))
        ax += 1
    return tuple(out)


def index_array(k):
    """An index array as int64, floats truncated toward zero (MXNet casts to int32)."""
    NDArray = _nd()
    if isinstance(k, NDArray):
        a = k.asnumpy()
    elif isinstance(k, range):
        a = np.arange(k.start, k.stop, k.step)
    else:
        a = np.asarray(k)
    if a.dtype.kind not in "biuf":
        raise IndexError(f"index arrays must be numeric, got {a.dtype} ({k!r})")
    if a.size == 0:
        raise MXNetError("indexing with an empty index array is not supported (MXNet 1.x has no "
                         "zero-size arrays)")
    with np.errstate(invalid="ignore"):
        return a.astype(np.int64)


def advanced_key(items, shape):
    """A NumPy key with non-negative int64 index arrays, bounds checked (IndexError)."""
    out, ax = [], 0
    for k in items:
        if k is None:
            out.append(None)
            continue
        if isinstance(k, slice):
            out.append(_check_slice(k))
        elif isinstance(k, _INT):
            out.append(_check_int(k, ax, shape[ax]) % shape[ax])
        else:
            a, n = index_array(k), shape[ax]
            bad = a[(a < -n) | (a >= n)]
            if bad.size:
                raise IndexError(f"index {bad.reshape(-1)[0]} is out of bounds for axis {ax} "
                                 f"with size {n}")
            out.append(np.where(a < 0, a + n, a))
        ax += 1
    return tuple(out)


def single_array_axis(nkey):
    """The axis of the one index array when every other entry is a full slice, else None."""
    axis = None
    for i, k in enumerate(nkey):
        if isinstance(k, np.ndarray):
            if axis is not None or k.ndim == 0:
                return None
            axis = i
        elif not (isinstance(k, slice) and k == slice(None)):
            return None
    return axis


def flat_index(nkey, shape):
    """The flat (C-order) element positions `x[nkey]` reads, in the result's shape.

    Each axis's coordinate is read through a zero-strided view of an arange of
    that axis only, so NumPy places every result element (the advanced-index
    block rules included) without materialising an index grid of x's size.
    """
    stride = 1
    total = None
    for ax in range(len(shape) - 1, -1, -1):
        n = shape[ax]
        base = np.arange(n, dtype=np.int64) * stride
        strides = [0] * len(shape)
        strides[ax] = base.strides[0]
        try:
            coord = np.asarray(np.lib.stride_tricks.as_strided(
                base, shape=shape, strides=strides, writeable=False)[nkey])
        except IndexError as e:
            if "shape mismatch" not in str(e):
                raise
            _raise_unbroadcastable(nkey)
        total = coord if total is None else total + coord
        stride *= n
    return np.ascontiguousarray(total)


def _raise_unbroadcastable(nkey):
    # MXNet 1.9.1 raises ValueError here (NumPy: IndexError "shape mismatch").
    shapes = [np.shape(k) for k in nkey if not isinstance(k, (slice, int, np.integer))
              and k is not None and k is not Ellipsis]
    for s2 in shapes[1:]:
        try:
            np.broadcast_shapes(shapes[0], s2)
        except ValueError:
            raise ValueError(f"shape1={shapes[0]} is not broadcastable to shape2={s2}") from None
    raise ValueError(f"index arrays of shapes {shapes} are not broadcastable")


def direct_assign(items, shape):
    """Whether `x[key] = v` overwrites all of x in order (MXNet then records a plain copy)."""
    ax = 0
    for k in items:
        if k is None:
            continue
        if isinstance(k, slice):
            start, stop, step = k.indices(shape[ax])
            if step < 0 or len(range(start, stop, step)) != shape[ax]:
                return False
        elif shape[ax] != 1:
            return False
        ax += 1
    return True
