"""DLPack capsules for GPU arrays, built with ctypes (Numba's device arrays have no `__dlpack__`).

`to_capsule(d, device_id)` gives a "dltensor" PyCapsule describing device
array `d` as kDLCUDA memory, which keeps `d` alive until the consumer calls
the deleter (or the capsule dies unconsumed). `from_capsule(cap)` reads a
CUDA capsule back into a device array over the same memory, renaming it
"used_dltensor" as the protocol asks, and calls the producer's deleter when
that array is freed.

>>> cap = x.__dlpack__()         # x on mx.gpu(0)
>>> torch.from_dlpack(x)         # zero-copy, on cuda:0
"""
import ctypes
import itertools

import numpy as np

from .cuda_build import SIMULATOR

KDL_CUDA = 2
_CODES = {"i": 0, "u": 1, "f": 2}
_KINDS = {0: "i", 1: "u", 2: "f"}


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


class DLManagedTensor(ctypes.Structure):
    pass


_Deleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLManagedTensor))
DLManagedTensor._fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p),
                            ("deleter", _Deleter)]

_live = {}  # manager_ctx -> (struct, shape array, device array): alive until the deleter runs
_ids = itertools.count(1)
_api = ctypes.pythonapi
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_SetName.restype = ctypes.c_int
_api.PyCapsule_SetName.argtypes = [ctypes.py_object, ctypes.c_char_p]


@_Deleter
def _delete(mt):
    _live.pop(mt.contents.manager_ctx, None)


_CapsuleDestructor = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


# The destructor gets a dying object: read it through raw-pointer prototypes, never as a
# py_object (a new reference to an object being freed would free it twice).
_is_valid_raw = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api))
_get_pointer_raw = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api))


@_CapsuleDestructor
def _capsule_destructor(cap_ptr):
    # Unconsumed capsule: free what it holds. A consumer renamed it and owns the deleter call.
    if _is_valid_raw(cap_ptr, b"dltensor"):
        ptr = _get_pointer_raw(cap_ptr, b"dltensor")
        _delete(ctypes.cast(ptr, ctypes.POINTER(DLManagedTensor)))


def _data_pointer(d):
    from .cuda_interop import interface

    return interface(d)["data"][0]


def to_capsule(d, device_id=0):
    """A DLPack capsule (kDLCUDA, C-contiguous) over device array `d`'s memory."""
    dt = np.dtype(d.dtype)
    if dt.kind not in _CODES:
        raise TypeError(f"DLPack: dtype {dt.name} cannot be exported")
    shape = (ctypes.c_int64 * max(1, len(d.shape)))(*d.shape)
    mt = DLManagedTensor()
    key = next(_ids)
    mt.dl_tensor.data = _data_pointer(d)
    mt.dl_tensor.device = DLDevice(KDL_CUDA, int(device_id))
    mt.dl_tensor.ndim = len(d.shape)
    mt.dl_tensor.dtype = DLDataType(_CODES[dt.kind], dt.itemsize * 8, 1)
    mt.dl_tensor.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
    mt.dl_tensor.strides = None  # C-contiguous
    mt.dl_tensor.byte_offset = 0
    mt.manager_ctx = key
    mt.deleter = _delete
    _live[key] = (mt, shape, d)
    return _api.PyCapsule_New(ctypes.addressof(mt), b"dltensor",
                              ctypes.cast(_capsule_destructor, ctypes.c_void_p).value)


class _Owner:
    """Owns a consumed capsule: calls the producer's deleter when the last view goes away."""

    def __init__(self, mt_ptr, desc):
        self._mt = mt_ptr
        self.__cuda_array_interface__ = desc

    def __del__(self):
        mt = self._mt
        if mt and mt.contents.deleter:
            mt.contents.deleter(mt)


def from_capsule(cap):
    """A device array over the memory of a kDLCUDA DLPack capsule (zero-copy when contiguous)."""
    if not _api.PyCapsule_IsValid(cap, b"dltensor"):
        raise ValueError("from_dlpack: expected an unconsumed 'dltensor' capsule")
    mt = ctypes.cast(_api.PyCapsule_GetPointer(cap, b"dltensor"),
                     ctypes.POINTER(DLManagedTensor))
    t = mt.contents.dl_tensor
    if t.device.device_type != KDL_CUDA:
        raise ValueError(f"from_dlpack: the capsule holds device type {t.device.device_type}, "
                         "not CUDA (2)")
    if t.dtype.lanes != 1 or t.dtype.code not in _KINDS:
        raise TypeError(f"from_dlpack: unsupported DLPack dtype code {t.dtype.code}")
    dt = np.dtype(f"{_KINDS[t.dtype.code]}{t.dtype.bits // 8}")
    shape = tuple(t.shape[i] for i in range(t.ndim))
    strides = None
    if t.strides:
        strides = tuple(t.strides[i] * dt.itemsize for i in range(t.ndim))
    desc = {"shape": shape, "typestr": dt.str, "data": ((t.data or 0) + t.byte_offset, False),
            "strides": strides, "version": 3, "stream": None}
    _api.PyCapsule_SetName(cap, b"used_dltensor")
    from .cuda_interop import from_interface

    owner = _Owner(mt, desc)
    return from_interface(owner, desc)


__all__ = ["to_capsule", "from_capsule", "SIMULATOR"]
