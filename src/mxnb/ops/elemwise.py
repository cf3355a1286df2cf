"""Elementwise op families: declaration helpers and kernel launches.

`unary(...)`, `binary(...)` and `scalar(...)` turn a scalar forward function,
a scalar fused backward and a VJP into an `Op`. The forward launches one
compiled kernel per (op, direction, variant, dtype); the fused backward is a
single pass over dy, x and y; broadcasting goes through a 4-d compaction plan
and the engine sums gradients back to the input shapes.
"""
import numpy as np

from .._alloc import empty as _pooled_empty
from .._dmlc_float import double_attr, single_attr
from ..base import MXNetError, settings
from ..kernels import bcast
from .registry import Op, fmt_shape, register, same_dtype

NDArray = None  # set by ndarray._api once the class exists (ops must not import ndarray)
wrap = None  # ndarray.wrap, likewise
_record = None
_record1 = None

_B = []  # [builder, templates], imported on the first launch (the builder imports numba)
_FLOAT16 = np.dtype(np.float16)
_kernels = {}  # (op, direction, template, parallel?, dtype char) -> compiled kernel


def _load():
    if not _B:
        from ..kernels import builder, templates

        _B[:] = [builder, templates]
    return _B


def launch(op, direction, tname, n, dtype, *args):
    """Run one elementwise kernel over `n` elements, serial or parallel by size and cost."""
    par = n * op.cost >= settings.par_min and _load()[0].use_parallel(n, op.cost)
    key = (op.kernel_name, direction, tname, par, dtype.char)
    k = _kernels.get(key)
    if k is None:
        b, t = _load()
        k = b.elementwise_kernel(op, direction, getattr(t, tname), "par" if par else "ser", dtype)
        _kernels[key] = k
        if not par and dtype.kind == "f" and dtype.itemsize >= 4:
            if tname in _FLAT:
                _pending.append((fast_table(op), dtype, k))
            elif tname in _FLAT_BWD:
                _pending.append((fast_table(op, True), dtype, k))
    if par:
        b = _B[0]
        b.run_parallel(k, b.elementwise_kernel(op, direction, getattr(_B[1], tname), "ser", dtype),
                       *args)
    else:
        k(*args)




_FLAT = ("unary0", "unary1", "unary2", "binary")
_FLAT_BWD = ("unary0_bwd", "unary1_bwd", "unary2_bwd", "binary_bwd")
_fast = {}      # kernel_name -> {dtype: serial flat forward kernel}, for the short paths
_fast_bwd = {}  # kernel_name -> {dtype: serial flat backward kernel}
_pending = []   # (table, dtype, dispatcher) built by `launch`, not yet compiled
# Short paths allocate with np.empty: below 1 MiB, where the buffer pool (_alloc) does not reuse.
SHORT_MAX = 1 << 17
_state = None  # set by ndarray._api, as NDArray and the two record functions above


def fast_table(op, bwd=False):
    """`op`'s short-path kernels by dtype (float32/float64, serial, flat C buffers).

    The short paths (`mx.nd.<op>`, the `+`/`*` operators, the engine's small
    backward calls) skip `invoke` for small CPU arrays, where its checks cost
    more than the kernel. A table fills as the regular path builds kernels;
    each entry is the compiled function's entry point, which skips Numba's
    argument-type dispatch (a third of a small call). That is safe only
    because the callers pass exactly the compiled types: 1-D C-contiguous
    arrays of the table's dtype (NDArray storage is always C-contiguous) and
    Python or NumPy floats.
    """
    return (_fast_bwd if bwd else _fast).setdefault(op.kernel_name, {})


def fast_miss(table, dtype):
    """The short-path kernel for `dtype` once it has compiled, else None (rare: misses only)."""
    if _pending:
        keep = []
        for tab, dt, k in _pending:
            ov = getattr(k, "overloads", None)
            if ov is None:
                tab[dt] = k
            elif len(ov) == 1:
                tab[dt] = next(iter(ov.values())).entry_point
            elif ov:
                tab[dt] = k  # several signatures: let Numba dispatch
            else:
                keep.append((tab, dt, k))
        _pending[:] = keep
    return table.get(dtype)


def fast_binary(op):
    """`f(a, b)`: op(a, b) by the short path for equal shapes, dtypes and contexts, or None."""
    fast = fast_table(op)
    cost = op.cost
    empty = np.empty
    ndarray = np.ndarray
    attrs = {}

    def f(a, b):
        d, e = a._data, b._data
        if (d.__class__ is ndarray and e.__class__ is ndarray and d.shape == e.shape
                and d.dtype is e.dtype and d.size < SHORT_MAX and d.size * cost < settings.par_min
                and (a._ctx is b._ctx or a._ctx == b._ctx)):
            dt = d.dtype
            k = fast.get(dt) or fast_miss(fast, dt)
            if k is not None:
                res = empty(d.shape, dt)
                if d.ndim == 1:
                    k(d, e, res)
                else:
                    k(d.reshape(-1), e.reshape(-1), res.reshape(-1))
                r = wrap(res, a._ctx)
                if _state.recording and (a._var is not None or a._entry is not None
                                         or b._var is not None or b._entry is not None):
                    _record(op, [a, b], [r], attrs)
                return r
        return None

    return f


def fast_scalar(op):
    """`f(x, s)`: op(x, scalar=s) by the short path for a small float CPU array, or None."""
    fast = fast_table(op)
    cost = op.cost
    empty = np.empty
    ndarray = np.ndarray

    def f(x, s):
        d = x._data
        if d.__class__ is ndarray and d.size < SHORT_MAX and d.size * cost < settings.par_min:
            dt = d.dtype
            k = fast.get(dt) or fast_miss(fast, dt)
            if k is not None:
                res = empty(d.shape, dt)
                # MXNet parses str(s) as a double, then casts it to the array's dtype: the
                # kernel's T(p0) does the cast (see _as_param).
                p = double_attr(s) if s.__class__ is float else _as_param(s, dt, double_attr)
                if d.ndim == 1:
                    k(d, res, p, 0.0)
                else:
                    k(d.reshape(-1), res.reshape(-1), p, 0.0)
                r = wrap(res, x._ctx)
                if _state.recording and (x._var is not None or x._entry is not None):
                    _record1(op, x, r, {"scalar": s})
                return r
        return None

    return f


def _view(a):
    # float16 reaches kernels as its uint16 bits; kernels see flat C buffers (a strided
    # gradient is copied: one compiled signature per kernel).
    r = a.reshape(-1)
    if r.strides[0] != r.itemsize and r.size > 1:
        r = r.copy()
    if a.dtype == _FLOAT16:
        return r.view(np.uint16)
    return r


def _is_host(a):
    return isinstance(a, np.ndarray)


# ---------------------------------------------------------------- unary

_UNARY = ("unary0", "unary1", "unary2")
_UNARY_BWD = ("unary0_bwd", "unary1_bwd", "unary2_bwd")


_NO_PARAMS = (0.0, 0.0)


def _params(op, attrs, dtype):
    """Scalar attrs as float64 kernel arguments, cast to the array dtype first as MXNet does."""
    if not op.nparams:
        return _NO_PARAMS
    parse = op.parse
    vals = [parse(v) if v.__class__ is float else v  # as MXNet parses str(v)
            for v in (attrs[name] for name, _ in op.attrs[:op.nparams])]
    if dtype.kind in "iu" and op.name == "clip":
        # MXNet's clip compares the integer data with the float bounds, so a bound outside the
        # dtype's range clips nothing (uint8 with a_min=-5); saturate instead of wrapping.
        info = np.iinfo(dtype)
        vals = [min(max(float(v), info.min), info.max) for v in vals]
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
    if x.dtype == _FLOAT16:
        xv, ov = _view(x), _view(out)
    else:
        xv, ov = x.reshape(-1), out.reshape(-1)
    launch(op, "fwd", _UNARY[op.nparams], xv.shape[0], x.dtype, xv, ov, p0, p1)


def _unary_backward(op, dys, ins, outs, attrs):
    x, y, dy = ins[0], outs[0], dys[0]
    if (x.__class__ is np.ndarray and x.size < SHORT_MAX
            and x.size * op.cost < settings.par_min):
        # Short path for the engine's many small float32/float64 calls (see fast_table).
        tab = _fast_bwd.get(op.kernel_name)
        dt = x.dtype
        # dy may be any gradient buffer (a broadcast view, say): the entry point needs C order.
        if tab is not None and dy.dtype is dt and dy.flags.c_contiguous:
            k = tab.get(dt) or fast_miss(tab, dt)
            if k is not None:
                dx = np.empty(x.shape, dt)
                n = op.nparams
                if n:  # as _params for float dtypes, without its lists
                    names = op.attrs
                    p0 = _as_param(attrs[names[0][0]], dt, op.parse)
                    p1 = _as_param(attrs[names[1][0]], dt, op.parse) if n == 2 else 0.0
                else:
                    p0 = p1 = 0.0
                if x.ndim == 1:
                    k(dy, x, y, dx, p0, p1)
                else:
                    k(dy.reshape(-1), x.reshape(-1), y.reshape(-1), dx.reshape(-1), p0, p1)
                return [dx]
    if not _is_host(x):
        from ..kernels import cuda_launch

        return [cuda_launch.unary_bwd(op, dy, x, y, _params(op, attrs, np.dtype(x.dtype)))]
    dx = _pooled_empty(x.shape, x.dtype)
    p0, p1 = _params(op, attrs, x.dtype)
    xv = _view(x)
    launch(op, "bwd", _UNARY_BWD[op.nparams], xv.shape[0], x.dtype,
           _view(dy), xv, _view(y), _view(dx), p0, p1)
    return [dx]


def _as_param(v, dt, parse):
    """A scalar attribute as a kernel argument: T(p0) in the kernel must round it as MXNet does.

    A Python float goes in as MXNet parses `str(v)` (`parse`: `double_attr` for the `double`
    `scalar` of the scalar ops, `single_attr` for `float` attributes such as clip's bounds).
    Ints up to 2**53 go in as floats (exact); others as dt.type(v). A NumPy scalar made here
    would cost a third of a small call.
    """
    if v.__class__ is float:
        return parse(v)
    if v.__class__ is int and -9007199254740992 <= v <= 9007199254740992:
        return float(v)
    return dt.type(v)


def backward_chain(node, dy, nodes, i, pending):
    """The engine's short path for small unary nodes: `(last, dx)` or None (take the usual path).

    Starting at `node` (at `nodes[i]`, its output gradient `dy`), runs the
    serial backward kernels of a run of unary table ops, each writing into one
    buffer in place, and stops before a node that is not the sole consumer of
    the previous one's input. `last` is the last node run and `dx` the
    gradient of its input. Each kernel is the one `_unary_backward` would
    call, on the same values in the same order, so the numbers are identical;
    what goes is the per-node allocation, list building and checks (a chain
    of 20 small ops backpropagated in about a third of the time).

    A node `P` joins the run only if it comes right after the previous one in
    `nodes` (reverse recording order, so every other consumer of P's output
    has been processed already) and has no pending gradient (so there is no
    other consumer and P is no head): then the running buffer is P's whole
    output gradient.
    """
    x = node.ins[0]
    if (x.__class__ is not np.ndarray or dy is None or dy.dtype is not x.dtype
            or not dy.flags.c_contiguous):
        return None
    n = x.size
    if n >= SHORT_MAX:
        return None
    dt = x.dtype
    par_min = settings.par_min
    flat = x.ndim != 1
    src = dy.reshape(-1) if flat else dy
    g = None
    last = None
    cur = node
    end = len(nodes)
    while True:
        op = cur.op
        xin = cur.ins[0]
        if g is None or not op.passes_grad:  # else dx = dy: the buffer holds it already
            if n * op.cost >= par_min:
                break
            tab = _fast_bwd.get(op.kernel_name)
            if tab is None:
                break
            k = tab.get(dt) or fast_miss(tab, dt)
            if k is None:  # not compiled yet: the usual path builds it
                break
            np_ = op.nparams
            if np_:
                # A Python float goes in as is: the kernel's T(p0) rounds it exactly as
                # dt.type would (and skips a NumPy scalar, a third of a small node's cost).
                names = op.attrs
                attrs = cur.attrs
                p0 = _as_param(attrs[names[0][0]], dt, op.parse)
                p1 = _as_param(attrs[names[1][0]], dt, op.parse) if np_ == 2 else 0.0
            else:
                p0 = p1 = 0.0
            if g is None:
                g = np.empty(n, dt)
            if flat:
                k(src, xin.reshape(-1), cur.outs[0].reshape(-1), g, p0, p1)
            else:
                k(src, xin, cur.outs[0], g, p0, p1)
            src = g
        last = cur
        p = cur.parents[0]
        if p.__class__ is not tuple:
            break
        nxt = p[0]
        i += 1
        if (i == end or nodes[i] is not nxt or not nxt.op.chain or nxt in pending
                or nxt.outs[0] is not xin):
            break
        x2 = nxt.ins[0]
        if x2.__class__ is not np.ndarray or x2.dtype is not dt:
            break
        cur = nxt
    if last is None:
        return None
    return last, (g.reshape(x.shape) if flat else g)


def _unary_vjp(fn):
    """Adapt a table VJP `fn(g, x, y, *params) -> dx` to the engine's calling convention."""
    def vjp(op, dys, ins, outs, attrs):
        params = [attrs[n] for n, _ in op.attrs[:op.nparams]]
        if op.parse is single_attr:
            # a `float` attribute: the VJP's ops must see the float32 value the kernels use
            params = [single_attr(v) if v.__class__ is float else v for v in params]
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
          domain=(-2.0, 2.0), cost=1, exact=False, smooth=True, doc="", dtypes=None, test=None,
          contract=False, gpu_fma=True):
    """Declare an elementwise op y = fwd(x, *params) with fused backward bwd(dy, x, y, *params).

    `contract=True` lets its CPU kernels fuse multiply-adds (MXNet's do not: the default keeps
    its bits; see builder.compile_cpu); `gpu_fma=False` keeps them apart in its CUDA kernels."""
    nparams = len(attrs)
    op = register(Op(
        name, ("data",), aliases=aliases, attrs=attrs, infer=_unary_infer,
        forward=_unary_forward, backward=None if zero_grad else _unary_backward,
        vjp=None if vjp is None else _unary_vjp(vjp), zero_grad=zero_grad, domain=domain,
        cost=cost, exact=exact, smooth=smooth,
        doc=doc, kind="unary", fwd=fwd, bwd=bwd, nparams=nparams, dtypes=dtypes, test=test))
    op.chain = bwd is not None and not zero_grad
    op.contract = contract
    op.gpu_fma = gpu_fma
    # MXNet declares these attributes `float` (clip's bounds, LeakyReLU's slope, ...): a Python
    # float reaches the op as dmlc's float32 parse of str(v) (see _dmlc_float).
    op.parse = single_attr
    return op


def scalar(name, fwd, bwd=None, vjp=None, **kw):
    """Declare `x op scalar` (MXNet's _plus_scalar etc.): a unary op with one `scalar` attr."""
    kw.setdefault("attrs", (("scalar", None),))
    op = unary(name, fwd, bwd, vjp, **kw)
    op.kind = "scalar"
    op.parse = double_attr  # the scalar ops' `scalar` is a `double` in MXNet
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
    if (a.shape == b.shape and a.__class__ is np.ndarray and y.size < SHORT_MAX
            and y.size * op.cost < settings.par_min):
        tab = _fast_bwd.get(op.kernel_name)
        dt = y.dtype
        if (tab is not None and dy.dtype is dt and a.dtype is dt and b.dtype is dt
                and dy.flags.c_contiguous):
            k = tab.get(dt) or fast_miss(tab, dt)
            if k is not None:
                da = np.empty(y.shape, dt)
                db = np.empty(y.shape, dt)
                if y.ndim == 1:
                    k(dy, a, b, y, da, db)
                else:
                    k(dy.reshape(-1), a.reshape(-1), b.reshape(-1), y.reshape(-1),
                      da.reshape(-1), db.reshape(-1))
                return [da, db]
    da = _pooled_empty(y.shape, y.dtype)
    db = _pooled_empty(y.shape, y.dtype)
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
    for o in ops[1:]:
        o.kernel_name = ops[0].name
    return ops
