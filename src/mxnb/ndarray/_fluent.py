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


def _transpose(self, *axes, **kwargs):
    # MXNet's method forwards to the op, so `x.transpose(axes=(1, 0))` and `name=` work too.
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if "axes" in kwargs:
        if axes:
            raise TypeError("transpose() got multiple values for argument 'axes'")
        axes = kwargs.pop("axes")
    return _api.transpose(self, axes=axes, **kwargs)


NDArray.transpose = _transpose


def _install_extra():
    """Methods MXNet has for functions mxnb composes (ndarray/compat.py) or wraps (interop)."""
    from . import compat, interop

    for name, fn in (("diag", compat.diag), ("softmin", compat.softmin), ("depth_to_space", compat.depth_to_space),
                     ("space_to_depth", compat.space_to_depth), ("split_v2", compat.split_v2),
                     ("to_dlpack_for_read", interop.to_dlpack_for_read),
                     ("to_dlpack_for_write", interop.to_dlpack_for_write)):
        if not hasattr(NDArray, name):
            setattr(NDArray, name, _method(fn))


_install_extra()
