"""Elementwise op families: declaration helpers and kernel launches.

`unary(...)`, `binary(...)` and `scalar(...)` turn a scalar forward function,
a scalar fused backward and a VJP into an `Op`. The forward launches one
compiled kernel per (op, direction, variant, dtype); the fused backward is a
single pass over dy, x and y; broadcasting goes through a 4-d compaction plan
and the engine sums gradients back to the input shapes.
"""
import numpy as np

from ..base import MXNetError
from ..kernels import bcast
from .registry import Op, fmt_shape, register, same_dtype

_B = []  # kernels.builder, imported on the first launch (it imports numba)
_FLOAT16 = np.dtype(np.float16)


def _builder():
    if not _B:
        from ..kernels import builder

        _B.append(builder)
    return _B[0]


def _tmpl(name):
    from ..kernels import templates

    return getattr(templates, name)


def launch(op, direction, tname, n, dtype, *args):
    """Run one elementwise kernel over `n` elements, serial or parallel by size and cost."""
    b = _B[0] if _B else _builder()
    t = _tmpl(tname)
    if b.use_parallel(n, op.cost):
        b.run_parallel(b.elementwise_kernel(op, direction, t, "par", dtype),
                       b.elementwise_kernel(op, direction, t, "ser", dtype), *args)
    else:
        b.elementwise_kernel(op, direction, t, "ser", dtype)(*args)


def _view(a):
    # float16 reaches kernels as its uint16 bits; kernels see flat C buffers.
    if a.dtype == _FLOAT16:
        return a.reshape(-1).view(np.uint16)
    return a.reshape(-1)


def _is_host(a):
    return isinstance(a, np.ndarray)


# ---------------------------------------------------------------- unary

_UNARY = ("unary0", "unary1", "unary2")
_UNARY_BWD = ("unary0_bwd", "unary1_bwd", "unary2_bwd")


def _params(op, attrs, dtype):
    """Scalar attrs as float64 kernel arguments, cast to the array dtype first as MXNet does."""
    vals = [attrs[name] for name, _ in op.attrs[:op.nparams]]
    if dtype.kind != "f" or dtype == _FLOAT16:
        vals = [float(np.asarray(v, dtype=np.float64).astype(dtype)) for v in vals]
    else:
        vals = [float(dtype.type(v)) for v in vals]
    vals += [0.0] * (2 - len(vals))
    return vals


def _unary_infer(op, inputs, attrs):
    x = inputs[0]
    return [(x.shape, np.dtype(x.dtype))]


def _unary_forward(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    if not _is_host(x):
        from ..kernels import cuda_launch

        return cuda_launch.unary(op, x, out, _params(op, attrs, np.dtype(x.dtype)))
    p0, p1 = _params(op, attrs, x.dtype)
    xv = _view(x)
    launch(op, "fwd", _UNARY[op.nparams], xv.shape[0], x.dtype, xv, _view(out), p0, p1)


def _unary_backward(op, dys, ins, outs, attrs):
    x, y, dy = ins[0], outs[0], dys[0]
    if not _is_host(x):
        from ..kernels import cuda_launch

        return [cuda_launch.unary_bwd(op, dy, x, y, _params(op, attrs, np.dtype(x.dtype)))]
    dx = np.empty_like(x)
    p0, p1 = _params(op, attrs, x.dtype)
    xv = _view(x)
    launch(op, "bwd", _UNARY_BWD[op.nparams], xv.shape[0], x.dtype,
           _view(dy), xv, _view(y), _view(dx), p0, p1)
    return [dx]


def _unary_vjp(fn):
    """Adapt a table VJP `fn(g, x, y, *params) -> dx` to the engine's calling convention."""
    def vjp(op, dys, ins, outs, attrs):
        params = [attrs[n] for n, _ in op.attrs[:op.nparams]]
        return [fn(dys[0], ins[0], outs[0], *params)]

    vjp.table_fn = fn
    return vjp


def _binary_vjp(fn):
    """Adapt a table VJP `fn(g, a, b, y) -> (da, db)`; the engine un-broadcasts the results."""
    def vjp(op, dys, ins, outs, attrs):
        return list(fn(dys[0], ins[0], ins[1], outs[0]))

    vjp.table_fn = fn
    return vjp


def unary(name, fwd, bwd=None, vjp=None, *, aliases=(), attrs=(), zero_grad=False,
          domain=(-2.0, 2.0), cost=1, exact=False, smooth=True, doc="", dtypes=None, test=None):
    """Declare an elementwise op y = fwd(x, *params) with fused backward bwd(dy, x, y, *params)."""
    nparams = len(attrs)
    return register(Op(
        name, ("data",), aliases=aliases, attrs=attrs, infer=_unary_infer,
        forward=_unary_forward, backward=None if zero_grad else _unary_backward,
        vjp=None if vjp is None else _unary_vjp(vjp), zero_grad=zero_grad, domain=domain, cost=cost, exact=exact, smooth=smooth,
        doc=doc, kind="unary", fwd=fwd, bwd=bwd, nparams=nparams, dtypes=dtypes, test=test))


def scalar(name, fwd, bwd=None, vjp=None, **kw):
    """Declare `x op scalar` (MXNet's _plus_scalar etc.): a unary op with one `scalar` attr."""
    kw.setdefault("attrs", (("scalar", None),))
    op = unary(name, fwd, bwd, vjp, **kw)
    op.kind = "scalar"
    return op


# ---------------------------------------------------------------- binary


def _binary_infer(op, inputs, attrs):
    a, b = inputs
    dt = same_dtype(op, inputs)
    if op.kind == "elemwise":
        if a.shape != b.shape:
            raise MXNetError(
                f"{op.name}: Incompatible attr in node {op.name} at 1-th input: expected "
                f"{fmt_shape(a.shape)}, got {fmt_shape(b.shape)} (dtype {dt.name})")
        return [(a.shape, dt)]
    return [(bcast.broadcast_shape(a.shape, b.shape, op.name), dt)]


def _binary_forward(op, ins, outs, attrs):
    a, b = ins
    out = outs[0]
    if not _is_host(a):
        from ..kernels import cuda_launch

        return cuda_launch.binary(op, a, b, out)
    if a.shape == b.shape:
        av = _view(a)
        launch(op, "fwd", "binary", av.shape[0], a.dtype, av, _view(b), _view(out))
        return
    _, dims, sa, sb = bcast.plan(a.shape, b.shape, op.name)
    if dims is None:  # more than 4 compacted dims: materialise, then the flat kernel
        a = np.ascontiguousarray(np.broadcast_to(a, out.shape))
        b = np.ascontiguousarray(np.broadcast_to(b, out.shape))
        launch(op, "fwd", "binary", out.size, a.dtype, _view(a), _view(b), _view(out))
        return
    launch(op, "fwd", "binary_bcast", out.size, a.dtype, _view(a), _view(b), _view(out),
           dims, sa, sb)


def _binary_backward(op, dys, ins, outs, attrs):
    """Fused gradients at the output's shape; the engine sums them back to the inputs."""
    a, b = ins
    y, dy = outs[0], dys[0]
    if not _is_host(a):
        from ..kernels import cuda_launch

        return list(cuda_launch.binary_bwd(op, dy, a, b, y))
    da = np.empty(y.shape, y.dtype)
    db = np.empty(y.shape, y.dtype)
    if a.shape == b.shape:
        launch(op, "bwd", "binary_bwd", y.size, y.dtype, _view(dy), _view(a), _view(b),
               _view(y), _view(da), _view(db))
        return [da, db]
    _, dims, sa, sb = bcast.plan(a.shape, b.shape, op.name)
    if dims is None:
        a = np.ascontiguousarray(np.broadcast_to(a, y.shape))
        b = np.ascontiguousarray(np.broadcast_to(b, y.shape))
        launch(op, "bwd", "binary_bwd", y.size, y.dtype, _view(dy), _view(a), _view(b),
               _view(y), _view(da), _view(db))
        return [da, db]
    launch(op, "bwd", "binary_bcast_bwd", y.size, y.dtype, _view(dy), _view(a), _view(b),
           _view(y), _view(da), _view(db), dims, sa, sb)
    return [da, db]


def binary(name, fwd, bwd=None, vjp=None, *, elemwise_name=None, aliases=(), zero_grad=False,
           domain=(-2.0, 2.0), cost=1, exact=False, smooth=True, doc="", test=None):
    """Declare `broadcast_<name>` (and `elemwise_<name>` with strict shapes when asked).

    `bwd` is a pair (GA, GB) of scalar functions of (dy, a, b, y).
    """
    ops = []
    for kind, opname, al in (("broadcast", name, aliases), ("elemwise", elemwise_name, ())):
        if opname is None:
            continue
        ops.append(register(Op(
            opname, ("lhs", "rhs"), aliases=al, infer=_binary_infer, forward=_binary_forward,
            backward=None if zero_grad else _binary_backward,
            vjp=None if vjp is None else _binary_vjp(vjp), zero_grad=zero_grad,
            domain=domain, cost=cost, exact=exact, smooth=smooth, doc=doc, kind=kind, fwd=fwd,
            bwd=bwd, test=test)))
    return ops
