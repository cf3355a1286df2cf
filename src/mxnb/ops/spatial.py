"""Spatial-transformer ops: GridGenerator, BilinearSampler, SpatialTransformer.

MXNet 1.9.1's CPU numbers, checked against it bit for bit:

* GridGenerator 'affine' maps target pixel (i, j) to theta @ (x_j, y_i, 1), with
  x_j = -1 + j * float32(2 / (W - 1)) computed in float32, and the sum done as
  MXNet's BLAS does it in float32: fma(t1, y, t0 x) + t2 (a fused multiply-add,
  emulated exactly). 'warp' gives ((flow_x + j) / ((W - 1) / 2) - 1, same for y).
  MXNet's GridGenerator accepts float32 only; mxnb also takes float64 [FIX].
* SpatialTransformer builds its own grid: the same sum, but x_j rounded once from
  double (-1 + j * (2.0 / (W - 1))), so its grid differs from GridGenerator's in
  the last bit of some points.
* The sampler maps grid value g to (g + 1) * (W - 1) / 2 and mixes the four
  neighbours; a neighbour outside the image reads 0 (for both ops). Its float32
  arithmetic is MXNet's, doubles included (see kernels/spatial_kernels.py).
  BilinearSampler also takes float16, computed in float32 and rounded once (MXNet
  rounds every step in half precision: results differ by a few float16 ulps).

Gradients: the fused backward (MXNet's kernel, its numbers) serves first-order
gradients. The VJP, used under create_graph, is written in mxnb ops: GridGenerator
is linear (its gradient ops are each other's adjoints) and the sampler is a sum of
four gathered neighbours times polynomial weights of the fractional position, so
every op here is differentiable to any order (piecewise: the sampler is not
differentiable where a grid point crosses a pixel edge).
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_TRANSFORMS = ("affine", "warp")


def _kernels():
    from ..kernels import spatial_kernels

    return spatial_kernels


def _choice(op, arg, value, choices):
    if value not in choices:
        raise MXNetError(f"{op.name}: Invalid Input: '{value}', valid values are: "
                         "{" + ", ".join(f"'{c}'" for c in choices) + "}" + f" (argument {arg})")
    return value


def _target(op, attrs):
    t = attrs["target_shape"]
    t = (int(t),) * 2 if isinstance(t, (int, np.integer)) else tuple(int(v) for v in t)
    if len(t) != 2 or t[0] <= 0 or t[1] <= 0:
        raise MXNetError(f"{op.name}: incorrect target_shape: {t} (needs two positive sizes)")
    return t


def _float(op, x, allowed=(_F32, _F64)):
    dt = np.dtype(x.dtype)
    if dt not in allowed:
        raise MXNetError(f"{op.name}: This operation only support floating point types "
                         f"{'/'.join(d.name for d in allowed)}, not {dt.name} (shape "
                         f"{fmt_shape(x.shape)})")
    return dt


def _same_dtype(op, a, b, what):
    if np.dtype(a.dtype) != np.dtype(b.dtype):
        raise MXNetError(f"{op.name}: Non-uniform data type in {op.name}: {what} is "
                         f"{np.dtype(b.dtype).name}, data is {np.dtype(a.dtype).name}")


# ---------------------------------------------------------------- affine grids


def _dst(H, W, dtype, st):
    """The target pixel coordinates (x, y), each (H * W,), as MXNet computes them.

    A size-1 side divides by zero, as in MXNet: its coordinates are NaN.
    """
    T = dtype.type
    with np.errstate(divide="ignore", invalid="ignore"):
        sx, sy = np.float64(2.0) / (W - 1), np.float64(2.0) / (H - 1)
        if st:      # SpatialTransformer: double arithmetic, one rounding
            x = (-1.0 + np.arange(W) * sx).astype(dtype)
            y = (-1.0 + np.arange(H) * sy).astype(dtype)
        else:       # GridGenerator: float32 arithmetic on a float32 step
            x = T(-1) + np.arange(W, dtype=dtype) * T(sx)
            y = T(-1) + np.arange(H, dtype=dtype) * T(sy)
    return np.tile(x, H), np.repeat(y, W)


def _fma32(a, b, c):
    """a * b + c rounded once to float32 (float32 arrays), as a fused multiply-add.

    The product is exact in double; the sum is rounded to odd (a TwoSum error
    term nudges an inexact even result by one ulp), which makes the final
    rounding to float32 correct.
    """
    p = a.astype(np.float64) * b
    q = np.asarray(c, np.float64)
    s = p + q
    bb = s - p
    e = (p - (s - bb)) + (q - bb)
    even = (s.view(np.int64) & 1) == 0
    fix = (e != 0) & even & np.isfinite(s)
    if fix.any():
        s = np.where(fix, np.nextafter(s, s + e), s)
    return s.astype(np.float32)


def affine_grid(theta, H, W, st=False):
    """(N, 2, H, W) grid of the (N, 6) affine matrices, in theta's dtype.

    MXNet multiplies with BLAS, whose float32 kernel computes fma(t1, y, t0 * x) + t2;
    float64 is summed unfused here (MXNet's dgemm may differ in the last bit).
    """
    t = theta.reshape(-1, 2, 3, 1)
    x, y = _dst(H, W, theta.dtype, st)
    if theta.dtype == _F32:
        acc = _fma32(np.broadcast_to(t[:, :, 1], t.shape[:2] + (H * W,)), y, t[:, :, 0] * x)
    else:
        acc = t[:, :, 0] * x + t[:, :, 1] * y
    return (acc + t[:, :, 2]).reshape(-1, 2, H, W)


def affine_grid_grad(g, st=False):
    """(N, 6) gradient of affine_grid from the grid's gradient g (N, 2, H, W)."""
    N, _, H, W = g.shape
    x, y = _dst(H, W, g.dtype, st)
    dst = np.stack([x, y, np.ones_like(x)], 1)            # (H*W, 3)
    return np.matmul(g.reshape(N * 2, H * W), dst).reshape(N, 6)


def _ag_infer(op, inputs, attrs):
    x = inputs[0]
    H, W = _target(op, attrs)
    if x.ndim != 2 or x.shape[1] != 6:
        raise MXNetError(f"{op.name}: data must be (batch, 6), got {fmt_shape(x.shape)}")
    return [((x.shape[0], 2, H, W), _float(op, x))]


def _ag_forward(op, ins, outs, attrs):
    H, W = _target(op, attrs)
    outs[0][...] = affine_grid(ins[0], H, W, attrs["st"])


def _agb_infer(op, inputs, attrs):
    g = inputs[0]
    H, W = _target(op, attrs)
    if g.ndim != 4 or g.shape[1:] != (2, H, W):
        raise MXNetError(f"{op.name}: grad must be (batch, 2, {H}, {W}), got "
                         f"{fmt_shape(g.shape)}")
    return [((g.shape[0], 6), _float(op, g))]


def _agb_forward(op, ins, outs, attrs):
    outs[0][...] = affine_grid_grad(ins[0], attrs["st"])


_AG_ATTRS = (("target_shape", None), ("st", False))
register(Op("_affine_grid", ("data",), attrs=_AG_ATTRS, infer=_ag_infer,
            forward=_host(_ag_forward),
            backward=lambda op, dys, ins, outs, attrs: [affine_grid_grad(dys[0], attrs["st"])],
            vjp=lambda op, dys, ins, outs, attrs: [nd._affine_grid_backward(dys[0], **attrs)],
            test={"shapes": [(2, 6)], "attrs": {"target_shape": (3, 4)}},
            doc="The affine sampling grid of (batch, 6) matrices (GridGenerator 'affine')."))
register(Op("_affine_grid_backward", ("grad",), attrs=_AG_ATTRS, infer=_agb_infer,
            forward=_host(_agb_forward),
            backward=lambda op, dys, ins, outs, attrs: [
                affine_grid(dys[0], *_target(op, attrs), attrs["st"])],
            vjp=lambda op, dys, ins, outs, attrs: [nd._affine_grid(dys[0], **attrs)],
            test={"shapes": [(2, 2, 3, 4)], "attrs": {"target_shape": (3, 4)}},
            doc="The (batch, 6) gradient of `_affine_grid` (its adjoint)."))

# ---------------------------------------------------------------- GridGenerator


def _scales(H, W, dtype):
    T = np.dtype(dtype).type
    return T((W - 1) / 2.0), T((H - 1) / 2.0)     # 0 for a size-1 side: inf, as in MXNet


def _gg_infer(op, inputs, attrs):
    x = inputs[0]
    kind = _choice(op, "transform_type", attrs["transform_type"], _TRANSFORMS)
    if kind == "affine":
        if x.ndim != 2:
            raise MXNetError(f"{op.name}: if transform_type is affine, data is affine matrix; "
                             f"affine matrix should be 2D in batch-num_hidden, got "
                             f"{fmt_shape(x.shape)}")
        if x.shape[1] != 6:
            raise MXNetError(f"{op.name}: incorrect data shape[1], should be 6 (data "
                             f"{fmt_shape(x.shape)})")
        H, W = _target(op, attrs)
        shape = (x.shape[0], 2, H, W)
    else:
        if x.ndim != 4:
            raise MXNetError(f"{op.name}: if transform_type is warp, data is optical flow; "
                             f"optical flow should be 4D in batch-num_hidden-y-x, got "
                             f"{fmt_shape(x.shape)}")
        if x.shape[1] != 2:
            raise MXNetError(f"{op.name}: incorrect data shape[1], should be 2 (data "
                             f"{fmt_shape(x.shape)})")
        shape = tuple(x.shape)
    return [(shape, _float(op, x))]


def _gg_forward(op, ins, outs, attrs):
    x, y = ins[0], outs[0]
    H, W = y.shape[2:]
    if attrs["transform_type"] == "affine":
        y[...] = affine_grid(x, H, W)
        return
    T = x.dtype.type
    sx, sy = _scales(H, W, x.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        y[:, 0] = (x[:, 0] + np.arange(W, dtype=x.dtype)) / sx - T(1)
        y[:, 1] = (x[:, 1] + np.arange(H, dtype=x.dtype)[:, None]) / sy - T(1)


def _gg_backward(op, dys, ins, outs, attrs):
    g = dys[0]
    if attrs["transform_type"] == "affine":
        return [affine_grid_grad(g)]
    return [_warp_scale(g)]


def _warp_scale(g):
    """g with channel 0 divided by (W - 1) / 2 and channel 1 by (H - 1) / 2."""
    sx, sy = _scales(g.shape[2], g.shape[3], g.dtype)
    r = np.empty_like(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        r[:, 0] = g[:, 0] / sx
        r[:, 1] = g[:, 1] / sy
    return r


def _gg_vjp(op, dys, ins, outs, attrs):
    g = dys[0]
    if attrs["transform_type"] == "affine":
        return [nd._affine_grid_backward(g, target_shape=g.shape[2:])]
    return [nd._grid_warp_scale(g)]


register(Op("GridGenerator", ("data",),
            attrs=(("transform_type", None), ("target_shape", (0, 0))),
            infer=_gg_infer, forward=_host(_gg_forward), backward=_gg_backward, vjp=_gg_vjp,
            test={"cases": [
                {"shapes": [(2, 6)], "attrs": {"transform_type": "affine",
                                               "target_shape": (3, 4)}},
                {"shapes": [(2, 2, 3, 4)], "attrs": {"transform_type": "warp"}}]},
            doc="""A sampling grid (batch, 2, H, W) for BilinearSampler, in [-1, 1] coordinates.

'affine': data (batch, 6) holds 2x3 matrices applied to the target pixel grid.
'warp': data (batch, 2, H, W) is an optical flow added to the pixel grid.

>>> mx.nd.GridGenerator(mx.nd.array([[1, 0, 0, 0, 1, 0]]), transform_type='affine',
...                     target_shape=(2, 2))
[[[[-1.  1.]
   [-1.  1.]]
  [[-1. -1.]
   [ 1.  1.]]]]"""))


def _ws_infer(op, inputs, attrs):
    g = inputs[0]
    if g.ndim != 4 or g.shape[1] != 2:
        raise MXNetError(f"{op.name}: grad must be (batch, 2, H, W), got {fmt_shape(g.shape)}")
    return [(g.shape, _float(op, g))]


register(Op("_grid_warp_scale", ("grad",), infer=_ws_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(outs[0], _warp_scale(ins[0]))),
            backward=lambda op, dys, ins, outs, attrs: [_warp_scale(dys[0])],
            vjp=lambda op, dys, ins, outs, attrs: [nd._grid_warp_scale(dys[0])],
            test={"shapes": [(2, 2, 3, 4)]},
            doc="GridGenerator 'warp' gradient: a per-channel scale (its own adjoint)."))

# ---------------------------------------------------------------- BilinearSampler


def _sampler_check(op, x, grid, what="grid"):
    if x.ndim != 4:
        raise MXNetError(f"{op.name}: input data should be 4D in batch-num_filter-y-x, got "
                         f"{fmt_shape(x.shape)}")
    if grid.ndim != 4 or grid.shape[1] != 2:
        raise MXNetError(f"{op.name}: incorrect {what} shape {fmt_shape(grid.shape)}, should be "
                         "(batch, 2, H, W)")
    if grid.shape[0] != x.shape[0]:
        raise MXNetError(f"{op.name}: data batch {x.shape[0]} does not match {what} batch "
                         f"{grid.shape[0]} (data {fmt_shape(x.shape)}, {what} "
                         f"{fmt_shape(grid.shape)})")
    _same_dtype(op, x, grid, what)
    return _float(op, x, (np.dtype(np.float16), _F32, _F64))


def _bs_infer(op, inputs, attrs):
    x, grid = inputs
    dt = _sampler_check(op, x, grid)
    return [((x.shape[0], x.shape[1]) + tuple(grid.shape[2:]), dt)]


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def sample(x, grid):
    """Bilinear sampling of x (N, C, H, W) at grid (N, 2, OH, OW), in x's dtype."""
    N, C, H, W = x.shape
    OH, OW = grid.shape[2:]
    cdt = _cdt(x.dtype)
    xf = np.ascontiguousarray(x, cdt).reshape(-1)
    gf = np.ascontiguousarray(grid, cdt).reshape(-1)
    y = np.empty(N * C * OH * OW, cdt)
    if y.size:
        k = _kernels()
        k.run(k.bilinear_fwd, y.size * 4, 4, cdt, xf, gf, y, N, C, H, W, OH, OW)
    return y.reshape(N, C, OH, OW).astype(x.dtype, copy=False)


def sample_grad(dy, x, grid):
    """(d data, d grid) of `sample` from the output gradient dy."""
    N, C, H, W = x.shape
    OH, OW = grid.shape[2:]
    cdt = _cdt(x.dtype)
    xf = np.ascontiguousarray(x, cdt).reshape(-1)
    gf = np.ascontiguousarray(grid, cdt).reshape(-1)
    df = np.ascontiguousarray(dy, cdt).reshape(-1)
    gx = np.zeros(xf.size, cdt)
    gg = np.empty(gf.size, cdt)
    if df.size:
        k = _kernels()
        k.run(k.bilinear_bwd, df.size * 8, 4, cdt, df, xf, gf, gx, gg, N, C, H, W, OH, OW)
    else:
        gg[...] = 0
    return (gx.reshape(x.shape).astype(x.dtype, copy=False),
            gg.reshape(grid.shape).astype(x.dtype, copy=False))


def _bs_forward(op, ins, outs, attrs):
    outs[0][...] = sample(ins[0], ins[1])


_SKIP_SAMPLER = ("piecewise bilinear in the grid: finite differences across a pixel edge are "
                 "wrong; tests/test_spatial.py checks the gradient away from the edges")


def _cell_grid(rng, shape, H, W):
    """Grid points inside pixel cells, away from their edges (finite differences stay on
    one bilinear patch), some of them outside the image."""
    cells = rng.randint(-1, max(H, W), size=shape) + rng.uniform(0.2, 0.8, size=shape)
    return cells * 2 / np.array([W - 1, H - 1]).reshape(1, 2, 1, 1) - 1


def _sampler_inputs(rng):
    return [rng.uniform(-1, 1, (2, 2, 3, 4)), _cell_grid(rng, (2, 2, 2, 3), 3, 4)]


register(Op("BilinearSampler", ("data", "grid"), attrs=(("cudnn_off", False),),
            infer=_bs_infer, forward=_host(_bs_forward),
            backward=lambda op, dys, ins, outs, attrs: list(sample_grad(dys[0], *ins)),
            vjp=lambda op, dys, ins, outs, attrs: list(sample_vjp(dys[0], ins[0], ins[1])),
            smooth=False, test={"inputs": _sampler_inputs, "order": 2},
            doc="""Sample data (batch, C, H, W) at grid (batch, 2, OH, OW) bilinearly.

The grid holds (x, y) in [-1, 1] (-1 the first pixel, 1 the last); points
outside read 0. Differentiable in data and grid (piecewise bilinear in the grid).

>>> x = mx.nd.array([[[[1., 2.], [3., 4.]]]])
>>> mx.nd.BilinearSampler(x, mx.nd.array([[[[0.]], [[0.]]]]))
[[[[2.5]]]]"""))


# The VJP, written in mxnb ops so that it is differentiable again: the four neighbours are
# gathered by a linear private op (whose adjoint scatters them back), the weights are
# polynomials of the fractional grid positions, and floor has a zero gradient.


def _corners(grid, H, W):
    """(N, 4, OH, OW) flat indices y * W + x of the neighbours tl, tr, bl, br; -1 outside."""
    grid = grid.astype(_cdt(grid.dtype), copy=False)    # float16 as the forward: in float32
    T = grid.dtype.type
    with np.errstate(invalid="ignore"):
        xr = (grid[:, 0] + T(1)) * T(W - 1) / T(2)
        yr = (grid[:, 1] + T(1)) * T(H - 1) / T(2)
        x0, y0 = np.floor(xr), np.floor(yr)
    out = np.empty((grid.shape[0], 4) + grid.shape[2:], grid.dtype)
    for k, (dy, dx) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        yy, xx = y0 + dy, x0 + dx
        inside = (yy >= 0) & (yy <= H - 1) & (xx >= 0) & (xx <= W - 1)
        out[:, k] = np.where(inside, yy * W + xx, -1)
    return out


def _gather(x, idx):
    """(N, 4, C, OH, OW): x (N, C, H, W) at the flat indices idx (N, 4, OH, OW); 0 at -1."""
    N, C = x.shape[:2]
    flat = x.reshape(N, 1, C, -1)
    i = idx.reshape(N, 4, 1, -1).astype(np.int64)
    v = np.take_along_axis(flat, np.broadcast_to(np.maximum(i, 0), (N, 4, C, i.shape[-1])), 3)
    v = np.where(i >= 0, v, 0)
    return v.reshape((N, 4, C) + idx.shape[2:]).astype(x.dtype, copy=False)


def _scatter(v, idx, H, W):
    """The adjoint of _gather: v (N, 4, C, OH, OW) summed into (N, C, H, W) at idx."""
    N, _, C = v.shape[:3]
    i = idx.reshape(N, 4, 1, -1).astype(np.int64)
    keep = np.broadcast_to(i >= 0, (N, 4, C, i.shape[-1]))
    n, k, c, p = np.nonzero(keep)
    out = np.zeros((N, C, H * W), v.dtype)
    np.add.at(out, (n, c, i[n, k, 0, p]), v.reshape(N, 4, C, -1)[n, k, c, p])
    return out.reshape(N, C, H, W)


def sample_vjp(dy, x, grid):
    """(d data, d grid) of BilinearSampler in mxnb ops (recorded under create_graph)."""
    H, W = x.shape[2:]
    sx, sy = (W - 1) / 2.0, (H - 1) / 2.0
    idx = nd._bilinear_corners(grid, height=H, width=W)
    # rounded as the kernel and _corners round them, so floor picks the same cell
    xr = (nd.slice_axis(grid, axis=1, begin=0, end=1) + 1) * (W - 1) / 2
    yr = (nd.slice_axis(grid, axis=1, begin=1, end=2) + 1) * (H - 1) / 2
    fx, fy = xr - nd.floor(xr), yr - nd.floor(yr)           # (N, 1, OH, OW)
    gx, gy = 1 - fx, 1 - fy
    w = nd.stack(gy * gx, gy * fx, fy * gx, fy * fx, axis=1)  # (N, 4, 1, OH, OW)
    dx = nd._bilinear_scatter(nd.expand_dims(dy, axis=1) * w, idx, height=H, width=W)
    v = nd._bilinear_gather(x, idx)                          # (N, 4, C, OH, OW)
    tl, tr, bl, br = (nd.reshape(nd.slice_axis(v, axis=1, begin=k, end=k + 1), shape=dy.shape)
                      for k in range(4))
    dfx = nd.sum(dy * (gy * (tr - tl) + fy * (br - bl)), axis=1, keepdims=True)
    dfy = nd.sum(dy * (gx * (bl - tl) + fx * (br - tr)), axis=1, keepdims=True)
    return dx, nd.concat(dfx * sx, dfy * sy, dim=1)


def _idx_check(op, idx, N, OH, OW):
    if tuple(idx.shape) != (N, 4, OH, OW):
        raise MXNetError(f"{op.name}: index shape {fmt_shape(idx.shape)} should be "
                         f"{fmt_shape((N, 4, OH, OW))}")


def _corners_infer(op, inputs, attrs):
    g = inputs[0]
    if g.ndim != 4 or g.shape[1] != 2:
        raise MXNetError(f"{op.name}: grid must be (batch, 2, H, W), got {fmt_shape(g.shape)}")
    _float(op, g, (np.dtype(np.float16), _F32, _F64))
    return [((g.shape[0], 4) + tuple(g.shape[2:]), _cdt(g.dtype))]


def _gather_infer(op, inputs, attrs):
    x, idx = inputs
    _idx_check(op, idx, x.shape[0], *idx.shape[2:])
    return [((x.shape[0], 4, x.shape[1]) + tuple(idx.shape[2:]), np.dtype(x.dtype))]


def _scatter_infer(op, inputs, attrs):
    v, idx = inputs
    if v.ndim != 5 or v.shape[1] != 4:
        raise MXNetError(f"{op.name}: values must be (N, 4, C, OH, OW), got "
                         f"{fmt_shape(v.shape)}")
    _idx_check(op, idx, v.shape[0], *v.shape[3:])
    return [((v.shape[0], v.shape[2], int(attrs["height"]), int(attrs["width"])),
             np.dtype(v.dtype))]


def _index_inputs(rng, N=1, C=2, H=3, W=4, OH=2, OW=3):
    idx = rng.randint(-1, H * W, size=(N, 4, OH, OW)).astype(np.float64)
    return idx


_HW = (("height", None), ("width", None))
register(Op("_bilinear_corners", ("grid",), attrs=_HW, infer=_corners_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], _corners(ins[0], int(attrs["height"]), int(attrs["width"])))),
            zero_grad=True, test={"shapes": [(1, 2, 2, 3)], "attrs": {"height": 3, "width": 4}},
            doc="Flat indices of each grid point's four neighbours (-1 outside the image)."))
register(Op("_bilinear_gather", ("data", "index"), infer=_gather_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(outs[0], _gather(*ins))),
            backward=lambda op, dys, ins, outs, attrs: [
                _scatter(dys[0], ins[1], *ins[0].shape[2:]), None],
            vjp=lambda op, dys, ins, outs, attrs: [nd._bilinear_scatter(
                dys[0], ins[1], height=ins[0].shape[2], width=ins[0].shape[3]), None],
            nondiff_inputs=(1,),
            test={"inputs": lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4)), _index_inputs(rng)]},
            doc="data at flat indices (4 per point; 0 at -1): BilinearSampler's neighbours."))
register(Op("_bilinear_scatter", ("data", "index"), attrs=_HW, infer=_scatter_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(outs[0], _scatter(
                *ins, int(attrs["height"]), int(attrs["width"])))),
            backward=lambda op, dys, ins, outs, attrs: [_gather(dys[0], ins[1]), None],
            vjp=lambda op, dys, ins, outs, attrs: [nd._bilinear_gather(dys[0], ins[1]), None],
            nondiff_inputs=(1,),
            test={"inputs": lambda rng: [rng.uniform(-1, 1, (1, 4, 2, 2, 3)),
                                         _index_inputs(rng)], "attrs": {"height": 3, "width": 4}},
            doc="The adjoint of _bilinear_gather: values summed into the image at the indices."))

# ---------------------------------------------------------------- SpatialTransformer


def _st_infer(op, inputs, attrs):
    x, loc = inputs
    _choice(op, "transform_type", attrs["transform_type"], ("affine",))
    _choice(op, "sampler_type", attrs["sampler_type"], ("bilinear",))
    if x.ndim != 4:
        raise MXNetError(f"{op.name}: input data should be 4D in batch-num_filter-y-x, got "
                         f"{fmt_shape(x.shape)}")
    H, W = _target(op, attrs)
    if loc.ndim != 2 or loc.shape[1] != 6:
        raise MXNetError(f"{op.name}: incorrect locolisation network shape "
                         f"{fmt_shape(loc.shape)}, should be (batch, 6)")
    if loc.shape[0] != x.shape[0]:
        raise MXNetError(f"{op.name}: loc batch {loc.shape[0]} does not match data "
                         f"{fmt_shape(x.shape)}")
    _same_dtype(op, x, loc, "loc")
    dt = _float(op, x)
    return [((x.shape[0], x.shape[1], H, W), dt), ((x.shape[0], 2, H, W), dt)]


def _st_forward(op, ins, outs, attrs):
    H, W = _target(op, attrs)
    outs[1][...] = affine_grid(ins[1], H, W, st=True)
    outs[0][...] = sample(ins[0], outs[1])


def _st_backward(op, dys, ins, outs, attrs):
    gx, gg = sample_grad(dys[0], ins[0], outs[1])
    if len(dys) > 1 and dys[1] is not None:     # the hidden grid output's own gradient
        gg = gg + dys[1]
    return [gx, affine_grid_grad(gg, st=True)]


def _st_vjp(op, dys, ins, outs, attrs):
    gx, gg = sample_vjp(dys[0], ins[0], outs[1])
    if len(dys) > 1 and dys[1] is not None:
        gg = gg + dys[1]
    return [gx, nd._affine_grid_backward(gg, target_shape=_target(op, attrs), st=True)]


register(Op("SpatialTransformer", ("data", "loc"),
            attrs=(("target_shape", (0, 0)), ("transform_type", None), ("sampler_type", None),
                   ("cudnn_off", False)),
            infer=_st_infer, forward=_host(_st_forward), backward=_st_backward, vjp=_st_vjp,
            num_visible=lambda attrs: 1, smooth=False, test={"skip": _SKIP_SAMPLER},
            doc="""Warp data (batch, C, H, W) by the affine matrices loc (batch, 6).

The output is (batch, C, *target_shape); transform_type must be 'affine' and
sampler_type 'bilinear'. Differentiable in data and loc.

>>> x = mx.nd.array([[[[1., 2.], [3., 4.]]]])
>>> mx.nd.SpatialTransformer(x, mx.nd.array([[1, 0, 0, 0, 1, 0]]), target_shape=(2, 2),
...                          transform_type='affine', sampler_type='bilinear')
[[[[1. 2.]
   [3. 4.]]]]"""))
