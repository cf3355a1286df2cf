"""Ops whose result may share memory with the input: reshape and basic indexing.

MXNet returns views where the result is contiguous (reshape; `a[1]`, `a[1:3]`,
`a[1, 1:3]`) and copies otherwise (`a[:, 1:3]`, step slices): exactly the
cases where NumPy's view is C-contiguous. Both are recorded for autograd like
any op; their VJPs reshape or scatter the gradient back.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register


def infer_reshape(dshape, target, reverse=False):
    """MXNet's reshape codes: 0 copy a dim, -1 infer, -2 copy the rest, -3 merge two, -4 split."""
    dshape = list(dshape)
    target = [int(t) for t in target]
    if reverse:
        dshape, target = dshape[::-1], target[::-1]
    out, src, infer_at, i = [], 0, -1, 0
    while i < len(target):
        p = target[i]
        if p == 0:
            _need(src, dshape, target)
            out.append(dshape[src])
            src += 1
        elif p == -1:
            if infer_at >= 0:
                raise MXNetError(f"Reshape: one and only one dim can be inferred, got {target}")
            infer_at = len(out)
            out.append(1)
            src += 1
        elif p == -2:
            out.extend(dshape[src:])
            src = len(dshape)
        elif p == -3:
            _need(src + 1, dshape, target)
            out.append(dshape[src] * dshape[src + 1])
            src += 2
        elif p == -4:
            if i + 2 >= len(target):
                raise MXNetError(f"Reshape: -4 must be followed by two dims, got {target}")
            _need(src, dshape, target)
            d0, d1, whole = target[i + 1], target[i + 2], dshape[src]
            i += 2
            if d0 == -1:
                d0 = whole // d1 if d1 else 0
            if d1 == -1:
                d1 = whole // d0 if d0 else 0
            if d0 * d1 != whole:
                raise MXNetError(f"Reshape: split dims {d0} x {d1} do not match {whole}")
            out.extend([d0, d1])
            src += 1
        elif p > 0:
            out.append(p)
            src += 1
        else:
            raise MXNetError(f"Reshape: invalid shape code {p} in {tuple(target)}")
        i += 1
    if infer_at >= 0:
        known = int(np.prod([d for j, d in enumerate(out) if j != infer_at]))
        size = int(np.prod(dshape))
        if known == 0:
            raise MXNetError(f"Reshape: cannot infer -1 in {tuple(target)} for input shape "
                             f"{fmt_shape(dshape)}")
        # MXNet rounds down; the size checks then report the mismatch.
        out[infer_at] = size // known
    return tuple(out[::-1] if reverse else out)


def _need(i, dshape, target):
    if i >= len(dshape):
        raise MXNetError(f"Reshape: shape code in {tuple(target)} refers to input dim {i}, but "
                         f"the input has {len(dshape)} dims")


def check_size(shape, new, given=None):
    """NDArray.reshape's size checks: smaller is a ValueError naming the shape as given."""
    size, n = int(np.prod(shape)), int(np.prod(new))
    if n < size:
        given = tuple(new) if given is None else given
        raise ValueError(f"Cannot reshape array of size {size} into shape {given}")
    if n > size:
        raise MXNetError(f"NDArray.Reshape: target shape size is larger than the current shape "
                         f"({size} vs. {n}): {fmt_shape(shape)} -> {fmt_shape(new)}")


def _target(x, attrs):
    """mx.nd.reshape's output shape: `shape` with MXNet's codes, or the deprecated target_shape."""
    shape, legacy = attrs["shape"], tuple(attrs.get("target_shape") or ())
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    if not shape and legacy:
        legacy = list(legacy)
        if attrs.get("keep_highest"):
            legacy[0] = x.shape[0]
        # One 0 in target_shape is inferred (MXNet's old convention).
        return infer_reshape(x.shape, [-1 if d == 0 else d for d in legacy])
    return infer_reshape(x.shape, shape, attrs["reverse"])


def _reshape_infer(op, inputs, attrs):
    x = inputs[0]
    new = _target(x, attrs)
    if int(np.prod(new)) != x.size:
        # MXNet 1.9.1 copies past the end here (a FIX): refuse, naming both shapes.
        raise MXNetError(f"Reshape: cannot reshape array of shape {fmt_shape(x.shape)} (size "
                         f"{x.size}) into shape {fmt_shape(new)} (size {int(np.prod(new))})")
    return [(new, np.dtype(x.dtype))]


def _reshape_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0].reshape(outs[0].shape))


register(Op("reshape", ("data",), aliases=("Reshape",), attrs=(
            ("shape", ()), ("reverse", False), ("target_shape", ()), ("keep_highest", False)),
            infer=_reshape_infer, forward=_host(_reshape_fwd),
            backward=lambda op, dys, ins, outs, attrs: [dys[0].reshape(ins[0].shape)],
            vjp=lambda op, dys, ins, outs, attrs: [nd.reshape(dys[0], shape=ins[0].shape)],
            doc="A copy with a new shape (MXNet's codes 0, -1, -2, -3, -4; NDArray.reshape is a "
                "view).",
            test={"shapes": [(2, 3)], "attrs": {"shape": (3, 1, 2)}}))

# ---------------------------------------------------------------- basic indexing


def normalize_key(key, shape):
    """Check a basic index (ints, slices, None, Ellipsis) against `shape`; IndexError if out of range."""
    if not isinstance(key, tuple):
        key = (key,)
    axis = 0
    for k in key:
        if k is None:
            continue
        if k is Ellipsis:
            axis = len(shape) - sum(1 for kk in key if kk is not None and kk is not Ellipsis)
            continue
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            if axis >= len(shape):
                raise IndexError(f"too many indices for an array of {len(shape)} dims")
            if not -shape[axis] <= k < shape[axis]:
                raise IndexError(f"index {k} is out of bounds for axis {axis} with size "
                                 f"{shape[axis]}")
        elif not isinstance(k, slice):
            return None  # not a basic index
        axis += 1
    if axis > len(shape):
        raise IndexError(f"too many indices for an array of {len(shape)} dims")
    return key


def one_element_key(key):
    """An all-int basic key with its ints as one-element slices (so NumPy gives a view)."""
    return tuple(k if k is None or k is Ellipsis or isinstance(k, slice)
                 else slice(k, k + 1 if k != -1 else None) for k in key)


def getitem_shape(result_shape, key):
    """MXNet never returns 0-d from indexing: all-int keys give shape (1,)."""
    return result_shape if len(result_shape) else (1,)


def _gi_bwd(op, dys, ins, outs, attrs):
    g = np.zeros_like(ins[0])
    np.add.at(g, attrs["key"], dys[0].reshape(np.shape(g[attrs["key"]])))
    return [g]


def _gi_vjp(op, dys, ins, outs, attrs):
    return [nd._scatter_basic(dys[0], shape=ins[0].shape, key=attrs["key"])]


register(Op("_getitem_basic", ("data",), attrs=(("key", None),), infer=None, forward=None,
            backward=_gi_bwd, vjp=_gi_vjp, doc="x[key] for a basic key.",
            test={"shapes": [(3, 4)], "cases": [{"attrs": {"key": 1}},
                                                {"attrs": {"key": (slice(None), slice(1, 3))}},
                                                {"attrs": {"key": (2, 0)}}]}))


def _scatter_infer(op, inputs, attrs):
    return [(tuple(attrs["shape"]), np.dtype(inputs[0].dtype))]


def _scatter_fwd(op, ins, outs, attrs):
    out = outs[0]
    out[...] = 0
    key = attrs["key"]
    out[key] += ins[0].reshape(np.shape(out[key]))


register(Op("_scatter_basic", ("data",), attrs=(("shape", None), ("key", None)),
            infer=_scatter_infer, forward=_scatter_fwd,
            backward=lambda op, dys, ins, outs, attrs: [
                np.ascontiguousarray(dys[0][attrs["key"]]).reshape(ins[0].shape)],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.reshape(nd._getitem_basic(dys[0], key=attrs["key"]), shape=ins[0].shape)],
            doc="Zeros of `shape` with data placed at [key] (the gradient of basic indexing).",
            test={"shapes": [(3, 2)], "attrs": {"shape": (3, 4), "key": (slice(None),
                                                                          slice(1, 3))}}))
