"""Zero-copy exchange of GPU arrays: `__cuda_array_interface__` both ways.

CuPy, PyTorch and Numba all read and write the CUDA Array Interface (v3), so
an mxnb GPU array goes to them, and theirs come to mxnb, without a copy.
Under Numba's simulator a "device" buffer is host memory: the same
descriptors are built from and read into NumPy arrays, so the tests exercise
the same paths.
"""
import numpy as np

from .cuda_build import SIMULATOR, cuda


def interface(d):
    """The CUDA Array Interface dict (v3) of device array `d`."""
    if SIMULATOR:
        a = d._ary  # the simulator's array wraps a NumPy array: describe its memory
        return {"shape": tuple(a.shape), "typestr": a.dtype.str, "data": (a.ctypes.data, False),
                "strides": None if a.flags.c_contiguous else tuple(a.strides), "version": 3,
                "stream": None}
    return d.__cuda_array_interface__


class _Holder:
    """Keeps the producer alive for as long as a NumPy view of its memory lives (simulator)."""

    def __init__(self, desc, owner):
        self.owner = owner
        self.__array_interface__ = {"shape": tuple(desc["shape"]), "typestr": desc["typestr"],
                                    "data": (desc["data"][0], bool(desc["data"][1])),
                                    "strides": desc.get("strides"), "version": 3}


def from_interface(obj, desc=None):
    """A C-contiguous device array over `obj`'s memory (a copy only if it is strided)."""
    desc = obj.__cuda_array_interface__ if desc is None else desc
    if SIMULATOR:
        from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray

        host = np.asarray(_Holder(desc, obj))
        if not host.flags.c_contiguous:
            host = np.ascontiguousarray(host)
        return FakeCUDAArray(host)
    d = cuda.from_cuda_array_interface(desc, owner=obj)
    if d.is_c_contiguous():
        return d
    from .cuda_launch import empty, strided_copy

    shape = tuple(d.shape)
    it = np.dtype(d.dtype).itemsize
    if len(shape) > 4:
        return cuda.to_device(np.ascontiguousarray(d.copy_to_host()))
    out = empty(shape, d.dtype)
    _gather_from(obj, d, out, tuple(s // it for s in d.strides), shape, strided_copy)
    return out


def _gather_from(owner, d, out, strides, shape, strided_copy):
    # A strided view is read through a flat array spanning its whole extent.
    lo = sum(min(0, (n - 1) * s) for n, s in zip(shape, strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(shape, strides))
    it = np.dtype(d.dtype).itemsize
    desc = dict(d.__cuda_array_interface__)
    ptr = desc["data"][0] + lo * it
    flat = cuda.from_cuda_array_interface(
        dict(desc, data=(ptr, desc["data"][1]), shape=(hi - lo + 1,), strides=None), owner=owner)
    strided_copy(flat, out, -lo, shape, strides)

