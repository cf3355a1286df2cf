"""Basic array ops the foundation needs: cast, copy, transpose, broadcast_to, where, and the
sum-to-shape the engine un-broadcasts with. (Reshape and basic indexing make views; they are
in `views.py`.)
"""
import numpy as np

from ..base import MXNetError, normalize_dtype
from . import _nd as nd
from .registry import Op, fmt_shape, register


def _same(op, inputs, attrs):
    x = inputs[0]
    return [(x.shape, np.dtype(x.dtype))]


def _host(fn):
    """Wrap a NumPy forward so GPU arrays get a clear error until issue 6 gives them kernels."""
    def forward(op, ins, outs, attrs):
        if not all(isinstance(a, np.ndarray) for a in ins):
            from ..kernels import cuda_launch

            return cuda_launch.host_fallback(fn, op, ins, outs, attrs)
        return fn(op, ins, outs, attrs)

    return forward


# ---------------------------------------------------------------- cast / copy


def _cast_infer(op, inputs, attrs):
    return [(inputs[0].shape, normalize_dtype(attrs["dtype"], storage=True))]


def _cast_fwd(op, ins, outs, attrs):
    with np.errstate(invalid="ignore", over="ignore"):
        np.copyto(outs[0], ins[0], casting="unsafe")


def _cast_bwd(op, dys, ins, outs, attrs):
    with np.errstate(invalid="ignore", over="ignore"):
        return [dys[0].astype(ins[0].dtype)]


register(Op("cast", ("data",), aliases=("Cast",), attrs=(("dtype", None),), infer=_cast_infer,
            forward=_host(_cast_fwd), backward=_cast_bwd,
            vjp=lambda op, dys, ins, outs, attrs: [nd.cast(dys[0], dtype=ins[0].dtype)],
            doc="Cast to `dtype`.", test={"shapes": [(2, 3)], "attrs": {"dtype": "float64"}}))


def _copy_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0])


register(Op("_copy", ("data",), aliases=("identity", "_copyto"), infer=_same,
            forward=_host(_copy_fwd), backward=lambda op, dys, ins, outs, attrs: [dys[0]],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0]], doc="A copy of the data.",
            test={"shapes": [(2, 3)]}))

# ---------------------------------------------------------------- transpose


def _axes(attrs, ndim):
    axes = attrs.get("axes")
    if axes is None or len(axes) == 0:
        return tuple(range(ndim - 1, -1, -1))
    axes = tuple(int(a) for a in axes)
    if any(a < 0 for a in axes):
        # MXNet 1.9.1: "index = -1 must be in range [0, 3)".
        raise MXNetError(f"transpose: axes {axes} has a negative axis; each must be in range "
                         f"[0, {ndim})")
    if sorted(axes) != list(range(ndim)):
        raise MXNetError(f"transpose: axes {tuple(attrs.get('axes'))} is not a permutation of "
                         f"the {ndim} axes of the input")
    return axes


def _transpose_infer(op, inputs, attrs):
    x = inputs[0]
    axes = _axes(attrs, x.ndim)
    return [(tuple(x.shape[a] for a in axes), np.dtype(x.dtype))]


def _transpose_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], np.transpose(ins[0], _axes(attrs, ins[0].ndim)))


def _inverse(attrs, ndim):
    return tuple(int(i) for i in np.argsort(_axes(attrs, ndim)))


register(Op("transpose", ("data",), attrs=(("axes", ()),), infer=_transpose_infer,
            forward=_host(_transpose_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                np.ascontiguousarray(np.transpose(dys[0], _inverse(attrs, ins[0].ndim)))],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.transpose(dys[0], axes=_inverse(attrs, ins[0].ndim))],
            doc="Permute the axes (reverse them by default); returns a copy.",
            test={"shapes": [(2, 3, 4)], "cases": [{}, {"attrs": {"axes": (1, 2, 0)}}]}))

# ---------------------------------------------------------------- broadcasting


def _target(x_shape, shape, op="broadcast_to"):
    """MXNet's broadcast_to rule: same ndim, 0 keeps a dim, else each dim equal or 1."""
    shape = tuple(int(s) for s in shape)
    if len(shape) != len(x_shape):
        # The NDArray.broadcast_to method prepends axes first; the op does not (MXNet 1.9.1).
        raise MXNetError(f"{op}: Operand of shape {fmt_shape(x_shape)} cannot be broadcasted "
                         f"to {fmt_shape(shape)}")
    out = tuple(d if t == 0 else t for d, t in zip(x_shape, shape))
    if any(d != t and d != 1 for d, t in zip(x_shape, out)):
        raise MXNetError(f"{op}: Array cannot be broadcasted from {fmt_shape(x_shape)} to "
                         f"{fmt_shape(out)}")
    return out


def _bto_infer(op, inputs, attrs):
    x = inputs[0]
    return [(_target(x.shape, attrs["shape"]), np.dtype(x.dtype))]


def _bto_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], np.broadcast_to(ins[0], outs[0].shape))


# The gradient is dy at the output's shape: the engine sums it back (un-broadcasts) once.
register(Op("broadcast_to", ("data",), attrs=(("shape", None),), infer=_bto_infer,
            forward=_host(_bto_fwd), backward=lambda op, dys, ins, outs, attrs: [dys[0]],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0]],
            doc="Broadcast to `shape` of the same ndim (0 keeps that dim).",
            test={"shapes": [(2, 1, 1)], "attrs": {"shape": (2, 3, 4)}}))


def _like_infer(op, inputs, attrs):
    x, y = inputs
    la, ra = attrs["lhs_axes"], attrs["rhs_axes"]
    if la in (None, "None") or ra in (None, "None"):
        return [(_target(x.shape, y.shape, op.name), np.dtype(x.dtype))]
    la = (la,) if isinstance(la, (int, np.integer)) else tuple(la)
    ra = (ra,) if isinstance(ra, (int, np.integer)) else tuple(ra)
    if len(la) != len(ra):
        raise MXNetError(f"{op.name}: lhs_axes and rhs_axes must have the same length, got "
                         f"{la} and {ra}")
    out = list(x.shape)
    for a, b in zip(la, ra):
        for v, n, name in ((a, x.ndim, "lhs_axes"), (b, y.ndim, "rhs_axes")):
            if not -n <= int(v) < n:
                raise MXNetError(f"{op.name}: {name} value {v} is out of range for shapes "
                                 f"{fmt_shape(x.shape)} and {fmt_shape(y.shape)}")
        a, b = int(a) % x.ndim, int(b) % y.ndim
        if x.shape[a] != 1 and x.shape[a] != y.shape[b]:
            raise MXNetError(f"{op.name}: Input axis {a} at dimension {a} cannot be broadcasted "
                             f"to {y.shape[b]} (lhs {fmt_shape(x.shape)}, rhs "
                             f"{fmt_shape(y.shape)})")
        out[a] = y.shape[b]
    return [(tuple(out), np.dtype(x.dtype))]


register(Op("broadcast_like", ("lhs", "rhs"), attrs=(("lhs_axes", "None"), ("rhs_axes", "None")),
            infer=_like_infer, forward=_host(_bto_fwd),
            backward=lambda op, dys, ins, outs, attrs: [dys[0], None],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0], None], nondiff_inputs=(1,),
            doc="Broadcast lhs to the shape of rhs (or only lhs_axes to rhs's rhs_axes).",
            test={"shapes": [(1, 3), (2, 3)],
                  "cases": [{}, {"shapes": [(1, 3, 1), (4, 3, 2)],
                                 "attrs": {"lhs_axes": (0, -1), "rhs_axes": (-1, 0)}}]}))


def sum_to(g, shape):
    """Sum a raw gradient over the axes that broadcasting added or stretched."""
    from ..kernels.bcast import reduce_axes

    axes = reduce_axes(tuple(shape), g.shape)
    if isinstance(g, np.ndarray) and g.dtype.kind in "fiu" and g.size:
        # The reduction kernel: thread-count independent, float64 accumulation, fast on any axis.
        from ..kernels.reduce_kernels import reduce

        out = np.empty(tuple(shape), g.dtype)
        reduce("sum", np.ascontiguousarray(g), axes, out)
        return out
    r = np.add.reduce(g, axis=axes, dtype=np.float32 if g.dtype == np.float16 else None)
    return np.ascontiguousarray(r.reshape(shape).astype(g.dtype, copy=False))


def _sum_to_infer(op, inputs, attrs):
    return [(tuple(attrs["shape"]), np.dtype(inputs[0].dtype))]


register(Op("_sum_to", ("data",), attrs=(("shape", None),), infer=_sum_to_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], sum_to(ins[0], outs[0].shape))),
            backward=lambda op, dys, ins, outs, attrs: [
                np.ascontiguousarray(np.broadcast_to(dys[0], ins[0].shape))],
            vjp=lambda op, dys, ins, outs, attrs: [nd.broadcast_to(
                nd.reshape(dys[0], shape=(1,) * (ins[0].ndim - dys[0].ndim) + dys[0].shape),
                shape=ins[0].shape)],
            doc="Sum to `shape` over broadcast axes (the engine's un-broadcast).",
            test={"shapes": [(2, 3, 4)], "attrs": {"shape": (3, 1)}}))

# ---------------------------------------------------------------- where


def _where_infer(op, inputs, attrs):
    c, x, y = inputs
    if x.shape != y.shape:
        raise MXNetError(f"where: x and y must have the same shape, got {fmt_shape(x.shape)} "
                         f"and {fmt_shape(y.shape)}")
    if c.shape != x.shape and not (c.ndim == 1 and x.ndim >= 1 and c.shape[0] == x.shape[0]):
        raise MXNetError(f"where: condition shape {fmt_shape(c.shape)} must equal x's shape "
                         f"{fmt_shape(x.shape)} or be ({x.shape[0] if x.ndim else 0},)")
    if x.dtype != y.dtype:
        raise MXNetError(f"where: x and y must have the same dtype, got {np.dtype(x.dtype).name} "
                         f"and {np.dtype(y.dtype).name}")
    return [(x.shape, np.dtype(x.dtype))]


def _mask(c):
    """The condition as a uint8 0/1 mask, so one kernel per data dtype serves any condition."""
    return np.not_equal(c, 0).reshape(-1).view(np.uint8)


def _launch_where(tname, n, dtype, *args):
    from ..kernels import builder, templates

    t = getattr(templates, tname)
    ser = builder.plain_kernel(t, "ser", dtype)
    if builder.use_parallel(n, 1):
        builder.run_parallel(builder.plain_kernel(t, "par", dtype), ser, *args)
    else:
        ser(*args)


def _flat(a):
    return a.reshape(-1).view(np.uint16) if a.dtype == np.float16 else a.reshape(-1)


def _where_fwd(op, ins, outs, attrs):
    c, x, y = ins
    inner = 1 if c.shape == x.shape else x.size // max(c.shape[0], 1)
    _launch_where("where_rows", x.size, x.dtype, _mask(c), _flat(x), _flat(y), _flat(outs[0]),
                  inner)


def _where_bwd(op, dys, ins, outs, attrs):
    c, x, _ = ins
    dy = dys[0]
    dx, dyy = np.empty_like(dy), np.empty_like(dy)
    inner = 1 if c.shape == x.shape else x.size // max(c.shape[0], 1)
    _launch_where("where_bwd", x.size, x.dtype, _flat(dy), _mask(c), _flat(dx), _flat(dyy),
                  inner)
    return [None, dx, dyy]


def _where_vjp(op, dys, ins, outs, attrs):
    c, x, _ = ins
    g = dys[0]
    from .grad_ops import zeros_like

    z = zeros_like(g)
    return [None, nd.where(c, g, z), nd.where(c, z, g)]


def _where_inputs(rng):
    """Test inputs: a 0/1 condition and two value arrays."""
    return [(rng.uniform(size=(2, 3)) > 0.5) * 1.0, rng.uniform(-2, 2, (2, 3)),
            rng.uniform(-2, 2, (2, 3))]


def _where_row_inputs(rng):
    """Test inputs with a condition per row (MXNet's 1-d condition form)."""
    return [np.array([1.0, 0.0]), rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (2, 3))]


register(Op("where", ("condition", "x", "y"), infer=_where_infer, forward=_host(_where_fwd),
            backward=_where_bwd, vjp=_where_vjp, nondiff_inputs=(0,),
            doc="Elements of x where condition is non-zero, else of y.",
            test={"inputs": _where_inputs, "cases": [{}, {"inputs": _where_row_inputs}]}))
