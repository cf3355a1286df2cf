"""Errors, dtype table and settings shared by every module.

Settings come from the environment once, at import; the names reuse MXNet's
where MXNet has one (`MXNET_TEST_SEED`, `MXNET_ENFORCE_DETERMINISM`).
"""
import os

import numpy as np

__all__ = ["MXNetError", "mx_real_t", "numeric_types", "integer_types", "string_types"]


class MXNetError(RuntimeError):
    """Error raised where MXNet's C++ engine raises (shape/dtype checks, autograd checks).

    A subclass of RuntimeError, as in MXNet, so `except RuntimeError` catches it too.
    """


mx_real_t = np.float32


def py_str(x):
    """bytes -> str (UTF-8), as MXNet's helper."""
    return x.decode("utf-8")


numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
string_types = (str,)

# Dtypes mxnb computes with; MXNet 1.x legacy mode has exactly these (plus bool in numpy mode).
SUPPORTED_DTYPES = tuple(
    np.dtype(t) for t in (np.float32, np.float64, np.float16, np.uint8, np.int8, np.int32, np.int64)
)
_SUPPORTED = frozenset(SUPPORTED_DTYPES)
# bool arrays can be created, cast, copied, indexed, printed, saved and loaded, as in MXNet
# 1.9.1's legacy mode, where almost every operator refuses them (ops/invoke.py checks).
BOOL = np.dtype(np.bool_)

# MXNet's numeric type flags (mshadow TypeFlag), used by Symbol attrs and the file format.
DTYPE_TO_FLAG = {
    np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.float16): 2,
    np.dtype(np.uint8): 3, np.dtype(np.int32): 4, np.dtype(np.int8): 5, np.dtype(np.int64): 6,
    BOOL: 7,
}
FLAG_TO_DTYPE = {v: k for k, v in DTYPE_TO_FLAG.items()}


def normalize_dtype(dtype, default=mx_real_t, storage=False):
    """Return a supported `np.dtype` for a name, type or dtype; None gives `default`.

    `storage=True` (creation routines, cast) also accepts bool.

    >>> normalize_dtype('float16')
    dtype('float16')
    """
    if dtype is None:
        return np.dtype(default)
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"unsupported dtype {dtype!r}") from exc
    if dt not in _SUPPORTED and not (storage and dt == BOOL):
        raise MXNetError(
            f"dtype {dt.name} is not supported by mxnb (supported: "
            + ", ".join(d.name for d in SUPPORTED_DTYPES) + ")"
        )
    return dt


def _env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from None


class _Settings:
    """Tunables read from the environment; tests and benchmarks may change them at run time."""

    def __init__(self):
        # Elements times op cost from which the parallel kernel pays (numba-facts Q2).
        self.par_min = _env_int("MXNB_PAR_MIN", 32768)
        # 0 means "numba's default"; 1 forces serial kernels.
        self.num_threads = _env_int("MXNB_NUM_THREADS", 0)
        self.deterministic = _env_int("MXNET_ENFORCE_DETERMINISM", 0) == 1


settings = _Settings()
