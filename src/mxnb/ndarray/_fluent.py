"""Fluent methods (`x.exp()`, `x.clip(0, 1)`, `x.sum()`): one per op whose first input is data."""
from ..ops import OPS
from . import _api
from .ndarray import NDArray

_SKIP = {"reshape", "Reshape", "broadcast_to", "transpose"}
# MXNet has methods for these although their first input is not called `data`.
_OTHER_FIRST = {"take", "one_hot"}


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


for _name, _op in OPS.items():
    if _name.startswith("_") or _name in _SKIP or getattr(_op, "variadic", False) or (
            _op.inputs[:1] != ("data",) and _name not in _OTHER_FIRST):
        continue
    if hasattr(NDArray, _name) or not hasattr(_api, _name):
        continue
    setattr(NDArray, _name, _method(getattr(_api, _name)))


def _transpose(self, *axes):
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    return _api.transpose(self, axes=axes)


NDArray.transpose = _transpose
