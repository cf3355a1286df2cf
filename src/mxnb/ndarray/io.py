"""`mx.nd.save`, `mx.nd.load`, `mx.nd.load_frombuffer` in MXNet's binary format.

Files written by MXNet 1.x load here, and MXNet loads ours byte for byte the same.
"""
import numpy as np

from .. import serialization as _fmt
from ..base import MXNetError
from .ndarray import NDArray


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray to `fname`.

    >>> mx.nd.save('w.params', {'arg:w': mx.nd.ones((2,))})
    """
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(k, str) or not isinstance(v, NDArray):
                raise TypeError("save only accept dict str->NDArray or list of NDArray")
        payload = {k: v.asnumpy() for k, v in data.items()}
        ctxs = {k: v.context for k, v in data.items()}
    elif isinstance(data, list):
        for v in data:
            if not isinstance(v, NDArray):
                raise TypeError("save only accept dict str->NDArray or list of NDArray")
        payload = [v.asnumpy() for v in data]
        ctxs = [v.context for v in data]
    else:
        raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs "
                         "or a list of NDarrays.")
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    _fmt.save(fname, payload, contexts=ctxs)


def _wrap(res):
    if isinstance(res, dict):
        return {k: NDArray(np.ascontiguousarray(v)) for k, v in res.items()}
    return [NDArray(np.ascontiguousarray(v)) for v in res]


def load(fname):
    """Load what `save` (or MXNet's `mx.nd.save`) wrote: a list, or a dict when it has names."""
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    try:
        return _wrap(_fmt.load(fname))
    except _fmt.FormatError as exc:
        raise MXNetError(f"load: {fname}: {exc}") from exc
    except FileNotFoundError as exc:
        raise MXNetError(f"load: No such file or directory: {fname}") from exc


def load_frombuffer(buf):
    """Like `load`, from the bytes of such a file."""
    if not isinstance(buf, (bytes, str)):
        raise TypeError("buf required to be a string or bytes")
    if isinstance(buf, str):
        buf = buf.encode("latin-1")
    try:
        return _wrap(_fmt.loads(buf))
    except _fmt.FormatError as exc:
        raise MXNetError(f"load_frombuffer: {exc}") from exc
