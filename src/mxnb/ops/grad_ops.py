"""What the autograd engine needs from ops: adding and un-broadcasting gradients,
raw or as recorded NDArrays (when the backward pass is itself recorded)."""
import numpy as np

from ..ndarray.ndarray import NDArray
from . import _nd as nd
from .basic import sum_to


def add(a, b):
    """Sum of two gradients; NDArrays go through the op so the sum is recorded."""
    return nd.elemwise_add(a, b) if a.shape == b.shape else nd.broadcast_add(a, b)


def unbroadcast(g, shape):
    """Sum gradient `g` down to `shape`, undoing NumPy broadcasting."""
    if isinstance(g, NDArray):
        return nd._sum_to(g, shape=tuple(shape))
    if not isinstance(g, np.ndarray):
        from ..kernels import cuda_launch

        return cuda_launch.sum_to(g, tuple(shape))
    return sum_to(g, tuple(shape))


def as_nd(g, like):
    return g if isinstance(g, NDArray) else NDArray(g, like._ctx)


def zeros_like(a):
    if a._ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        return NDArray(cuda_launch.zeros(a.shape, a._data.dtype, a._ctx), a._ctx)
    return NDArray(np.zeros(a.shape, a._data.dtype), a._ctx)
