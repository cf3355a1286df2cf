"""`invoke`: the single path of every operator call (checks, allocation, kernel, tape)."""
import numpy as np

from .. import autograd
from .._alloc import empty as _pooled_empty
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .registry import fmt_shape

_state = autograd._state
_BOOL = np.dtype(np.bool_)
# The ops that take bool arrays (MXNet 1.9.1's legacy operators refuse bool almost everywhere).
BOOL_OPS = frozenset(("cast", "_copy", "_copyto", "_getitem_basic", "_gather_flat",
                      "_gather_along", "_scatter_basic", "_scatter_flat", "_scatter_along"))


def _alloc(shape, dtype, ctx):
    if ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        return cuda_launch.empty(shape, dtype, ctx)
    return _pooled_empty(shape, dtype)


def _forward(op, ctx, ins, outs, attrs):
    if ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        cuda_launch.forward(ctx, op, ins, outs, attrs)
    else:
        op.forward(op, ins, outs, attrs)


def invoke(op, inputs, attrs, out=None):
    """Run `op` on NDArray `inputs`, write into `out` if given, and record it if recording.

    Nothing is recorded and `out` is not touched when a check fails, so a
    failed op inside `record()` leaves the tape and the arrays as they were.
    """
    ctx = inputs[0]._ctx
    for x in inputs:
        if x._ctx is not ctx and x._ctx != ctx:
            raise MXNetError(
                f"{op.name}: all inputs must be on the same context, got {ctx} and {x._ctx}; "
                "move them with as_in_context()")
    if op.name not in BOOL_OPS:
        for x in inputs:
            if x._data.dtype == _BOOL:
                raise MXNetError(f"Operator {op.name} does not support the bool dtype "
                                 "(cast the array first: x.astype('float32'))")
    specs = op.infer(op, inputs, attrs)
    nvis = len(specs) if op.num_visible is None else op.num_visible(attrs)
    recording = getattr(_state, "recording", False)
    if out is None:
        outs = [NDArray(_alloc(s, d, ctx), ctx) for s, d in specs]
    else:
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(outs) != nvis:
            raise MXNetError(f"{op.name}: expected {nvis} output arrays, got {len(outs)}")
        for o, (s, d) in zip(outs, specs):
            if not isinstance(o, NDArray):
                raise TypeError(f"{op.name}: out must be an NDArray, got {type(o)}")
            if o.shape != tuple(s):
                raise MXNetError(
                    f"{op.name}: output shape mismatch: the result has shape {fmt_shape(s)} "
                    f"({np.dtype(d).name}) but out has shape {fmt_shape(o.shape)}")
            if o._ctx != ctx:
                raise MXNetError(f"{op.name}: out is on {o._ctx} but the inputs are on {ctx}")
            if not o.writable:
                raise ValueError(f"{op.name}: trying to write to a readonly NDArray")
            if recording and (o._var is not None or (
                    o._entry is not None and o._entry[0].parents is not None)):
                autograd._raise_inplace()
        outs += [NDArray(_alloc(s, d, ctx), ctx) for s, d in specs[nvis:]]  # hidden outputs
        if any(np.dtype(o._data.dtype) != np.dtype(d) for o, (s, d) in zip(outs, specs)):
            # MXNet writes into an out of another dtype by casting: compute, then cast in.
            tmp = [NDArray(_alloc(s, d, ctx), ctx) for s, d in specs]
            _forward(op, ctx, [x._data for x in inputs], [t._data for t in tmp], attrs)
            for o, t in zip(outs[:nvis], tmp):
                _copy_cast(t._data, o._data)
            return outs[0] if nvis == 1 else outs[:nvis]
    if ctx.device_typeid == 2:
        _forward(op, ctx, [x._data for x in inputs], [o._data for o in outs], attrs)
    else:
        op.forward(op, [x._data for x in inputs], [o._data for o in outs], attrs)
    if recording:
        for x in inputs:
            if x._entry is not None or x._var is not None:
                autograd._record(op, inputs, outs, attrs)
                break
    return outs[0] if nvis == 1 else outs[:nvis]


def _copy_cast(src, dst):
    if isinstance(dst, np.ndarray):
        np.copyto(dst, src, casting="unsafe")
    else:
        dst.copy_to_device(src.copy_to_host().astype(dst.dtype))
