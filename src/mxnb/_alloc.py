"""Output allocation with reuse of large host buffers.

A fresh 40 MB output page-faults on first touch, which costs more than the
kernel itself (0.5 to 1.6 ns per element, numba-facts "More measured facts").
Large buffers (1 MiB and up) are kept in a small pool and handed out again
once nothing references them any more. `sys.getrefcount` tells: every NDArray,
view (through `.base`) or NumPy alias holding the buffer adds a reference, so
a buffer is only reused when the pool's own references are the only ones.
"""
import sys
import threading

import numpy as np

MIN_BYTES = 1 << 20
MAX_POOLED = 8          # buffers kept per byte size
MAX_TOTAL = 512 << 20   # bytes kept in all

_pool = {}              # nbytes -> [np.ndarray (1-D uint8 buffers)]
_total = [0]
_lock = threading.Lock()
# getrefcount(buf) when only the pool list and the call's argument hold it.
_FREE_REFS = 3


def empty(shape, dtype):
    """np.empty(shape, dtype), reusing a pooled buffer for large sizes."""
    dtype = np.dtype(dtype)
    n = dtype.itemsize
    for s in shape:
        n *= s
    if n < MIN_BYTES:
        return np.empty(shape, dtype)
    with _lock:
        bufs = _pool.get(n)
        if bufs is not None:
            for buf in bufs:
                if sys.getrefcount(buf) <= _FREE_REFS:
                    return buf.view(dtype).reshape(shape)
        buf = np.empty(n, np.uint8)
        if bufs is None:
            bufs = _pool[n] = []
        if len(bufs) < MAX_POOLED and _total[0] + n <= MAX_TOTAL:
            bufs.append(buf)
            _total[0] += n
        return buf.view(dtype).reshape(shape)


def clear():
    """Drop every pooled buffer (they are freed once nothing else holds them)."""
    with _lock:
        _pool.clear()
        _total[0] = 0
