"""Broadcast plans: MXNet-style shape compaction to at most 4 dims (pure Python, memoised).

Dims where the output is 1 are dropped, and adjacent dims merge when each
operand is broadcast on both or on neither. Each operand then gets element
strides over the compacted dims, 0 where it is broadcast. One kernel per
(op, dtype) then covers every ndim (numba-facts Q3).
"""
from ..base import MXNetError

_plans = {}


def _fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def broadcast_shape(sa, sb, op="broadcast"):
    """NumPy's broadcast of two shapes, or MXNet's error naming both."""
    nd = max(len(sa), len(sb))
    pa = (1,) * (nd - len(sa)) + tuple(sa)
    pb = (1,) * (nd - len(sb)) + tuple(sb)
    out = []
    for x, y in zip(pa, pb):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise MXNetError(
                f"{op}: operands could not be broadcast together with shapes {_fmt(sa)} {_fmt(sb)}")
    return tuple(out)


def plan(sa, sb, op="broadcast"):
    """(out_shape, dims, strides_a, strides_b), or dims None when over 4 groups remain."""
    key = (sa, sb)
    p = _plans.get(key)
    if p is None:
        p = _plan(sa, sb, op)
        if len(_plans) > 4096:
            _plans.clear()
        _plans[key] = p
    return p


def _plan(sa, sb, op):
    out = broadcast_shape(sa, sb, op)
    nd = len(out)
    pa = (1,) * (nd - len(sa)) + tuple(sa)
    pb = (1,) * (nd - len(sb)) + tuple(sb)
    groups = []  # [size, a_broadcast, b_broadcast]
    for o, x, y in zip(out, pa, pb):
        if o == 1:
            continue
        state = (x == 1, y == 1)
        if groups and (groups[-1][1], groups[-1][2]) == state:
            groups[-1][0] *= o
        else:
            groups.append([o, state[0], state[1]])
    if len(groups) > 4:
        return out, None, None, None
    while len(groups) < 4:
        groups.insert(0, [1, False, False])
    dims = tuple(g[0] for g in groups)
    return out, dims, _strides(groups, 1), _strides(groups, 2)


def _strides(groups, which):
    strides = [0, 0, 0, 0]
    acc = 1
    for i in range(3, -1, -1):
        size, bcast = groups[i][0], groups[i][which]
        if bcast:
            strides[i] = 0
        else:
            strides[i] = acc if size > 1 else 0
            acc *= size
    return tuple(strides)


def reduce_axes(in_shape, out_shape):
    """Axes of `out_shape` to sum so a gradient of that shape fits `in_shape` (un-broadcast)."""
    lead = len(out_shape) - len(in_shape)
    axes = list(range(lead))
    for i, d in enumerate(in_shape):
        if d == 1 and out_shape[lead + i] != 1:
            axes.append(lead + i)
    return tuple(axes)
