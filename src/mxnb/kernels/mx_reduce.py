"""MXNet's own serial reductions, reproduced bit for bit: the compensated sum and the L2 norm.

MXNet 1.9.1's CPU reductions walk each reduced slice in order (the reduced axes
in row-major order), in the data's precision:

* `sum` (and `mean`, the sum divided by the count in the data's type) is Kahan's
  compensated sum: y = x - r; t = s + y; r = (t - s) - y (r = 0 once t is
  infinite); s = t. A float64 or pairwise sum rounds differently for about half
  of all float32 sums of 100 values, and the printed digits show it. Checked bit
  for bit against MXNet on 1190 float32/float64 sums and means.
* `norm` (ord=2, mshadow_op::nrm2) keeps a running `scale` (the largest |x| so
  far) and a sum of squares of x / scale, and ends with `scale * sqrt(ssq)`:
  `norm([[1, -2, 3, .5], ...])` prints 19.032867 in MXNet, 19.032866 from the
  exact root. Checked bit for bit on 2112 float32/float64 norms. One deliberate
  difference [FIX]: MXNet's recurrence makes two infinities inf / inf = NaN; here
  any infinity gives inf unless the slice holds a NaN.

The plain in-order sums, sums of squares and products other ops reduce with (`seq_sum`,
`seq_sumsq`, `seq_prod`: InstanceNorm, L2Normalization, BatchNorm's statistics, `prod`) are
here too, with `kahan_sum(..., acc=float64)` for the "safe accumulation" moments uses.

Both recurrences are serial along a slice. The sums here run across the slices
at once (the reduced axes moved first, the kept ones last and contiguous), which
vectorises; `ops/reduce.py` uses them up to a size limit and keeps its parallel
pairwise float64 sums beyond it.

>>> import numpy as np
>>> rows(np.array([[3, 4], [0, 0]], np.float32))
array([5., 0.], dtype=float32)
>>> kahan_sum(np.array([[1, 2], [3, 4]], np.float32), (0,)).tolist()
[4.0, 6.0]
"""
import math

import numpy as np

from .._jit import njit


@njit(error_model="numpy")
def _rows(x, out, one):
    """out[i] = MXNet's nrm2 of x[i, :] (x C-contiguous 2-D; `one` is 1 in x's dtype)."""
    zero = one - one
    for i in range(x.shape[0]):
        ssq = zero
        scale = zero
        inf = False
        for k in range(x.shape[1]):
            s = x[i, k]
            if s != zero:
                a = abs(s)
                if a == np.inf:
                    inf = True
                elif scale < a:
                    r = scale / a
                    ssq = one + ssq * r * r
                    scale = a
                else:
                    r = a / scale
                    ssq = ssq + r * r
        if inf and ssq == ssq:
            out[i] = np.inf
        else:
            out[i] = scale * np.sqrt(ssq)


def rows(x2d):
    """The nrm2 of each row of float32/float64 `x2d`, in its dtype."""
    x2d = np.ascontiguousarray(x2d)
    out = np.empty(x2d.shape[0], x2d.dtype)
    _rows(x2d, out, x2d.dtype.type(1))
    return out


def norm(x, axes, out):
    """MXNet's L2 norm of float32/float64 `x` over `axes` (a tuple) into `out` (any shape with
    the kept elements): the reduced axes, in their order, vary fastest, as MXNet walks them."""
    keep = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, keep + list(axes))
    m = math.prod(x.shape[a] for a in axes)
    n = math.prod(x.shape[a] for a in keep)
    np.copyto(out, rows(moved.reshape(n, m)).reshape(out.shape))


@njit(error_model="numpy")
def _kahan_flat(x, zero):
    """MXNet's compensated sum of 1-D `x` (`zero` is 0 in x's dtype): one slice, in registers."""
    s = zero
    r = zero
    for k in range(x.shape[0]):
        y = x[k] - r
        t = s + y
        r = zero if np.isinf(t) else (t - s) - y
        s = t
    return s


@njit(error_model="numpy")
def _kahan_cols(x, s, r, zero):
    """s[j] = MXNet's compensated sum of x[:, j], r the residuals (both zeroed by the caller;
    `zero` is 0 in x's dtype); the inner loop runs across slices, so it vectorises."""
    for k in range(x.shape[0]):
        for j in range(x.shape[1]):
            y = x[k, j] - r[j]
            t = s[j] + y
            # MXNet resets the residual once t is infinite ((t - s) - y would be NaN)
            r[j] = zero if np.isinf(t) else (t - s[j]) - y
            s[j] = t


@njit(error_model="numpy")
def _sumsq_cols(x, s):
    """s[j] += x[k, j] * x[k, j] for each k in order, each product and sum rounded in s's type
    (numba does not contract them into fused multiply-adds)."""
    for k in range(x.shape[0]):
        for j in range(x.shape[1]):
            s[j] += x[k, j] * x[k, j]


@njit(error_model="numpy")
def _sum_cols(x, s):
    """s[j] += x[k, j] for each k in order, in s's type."""
    for k in range(x.shape[0]):
        for j in range(x.shape[1]):
            s[j] += x[k, j]


def seq_sum(x, axes):
    """The plain sum of float32/float64 `x` over `axes` (sorted), element after element in
    order in x's dtype (mshadow's sumall_except_dim, as InstanceNorm uses); a flat array of
    the kept elements in row-major order."""
    cols = _columns(x, axes)
    s = np.zeros(cols.shape[1], x.dtype)
    _sum_cols(cols, s)
    return s


def _columns(x, axes):
    """`x` as a C-contiguous (reduced, kept) matrix: the reduced axes (sorted) in row-major
    order down the rows, the kept elements in row-major order across."""
    keep = [a for a in range(x.ndim) if a not in axes]
    m = math.prod(x.shape[a] for a in axes)
    n = math.prod(x.shape[a] for a in keep)
    return np.ascontiguousarray(np.transpose(x, list(axes) + keep)).reshape(m, n)


@njit(error_model="numpy")
def _prod_cols(x, s):
    """s[j] *= x[k, j] for each k in order, in s's type."""
    for k in range(x.shape[0]):
        for j in range(x.shape[1]):
            s[j] *= x[k, j]


def seq_prod(x, axes):
    """The product of float32/float64 `x` over `axes` (sorted), factor after factor in order
    in x's dtype (MXNet's `prod` reducer); a flat array of the kept elements in row-major
    order."""
    cols = _columns(x, axes)
    s = np.ones(cols.shape[1], x.dtype)
    _prod_cols(cols, s)
    return s


def seq_sumsq(x, axes, init):
    """`init` plus the squares of `x` over `axes` (a sorted tuple), added one at a time in
    order in x's dtype, as MXNet's L2Normalization does; a flat array of the kept elements
    in row-major order. float16 goes through NumPy, which rounds each step to half as
    mshadow's half_t does."""
    cols = _columns(x, axes)
    s = np.full(cols.shape[1], init, x.dtype)
    if x.dtype == np.float16:
        for k in range(cols.shape[0]):
            s += cols[k] * cols[k]
    else:
        _sumsq_cols(cols, s)
    return s


def flat_sum(x):
    """MXNet's compensated sum of all of float32/float64 `x`, as a Python float (exact: the
    value is x's dtype's)."""
    return _kahan_flat(np.ascontiguousarray(x).reshape(-1), x.dtype.type(0))


def kahan_sum(x, axes, acc=None):
    """MXNet's compensated sum of float32/float64 `x` over `axes` (a sorted tuple), as a flat
    array of the kept elements in row-major order, in x's dtype, or accumulated in the dtype
    `acc` and returned in it (MXNet's `safe_acc` reductions, as moments uses: float64 sums of
    float32 data)."""
    acc = x.dtype if acc is None else np.dtype(acc)
    if len(axes) == x.ndim:
        v = _kahan_flat(np.ascontiguousarray(x).reshape(-1), acc.type(0))
        return np.array([v], acc)
    cols = _columns(x, axes)
    s = np.zeros(cols.shape[1], acc)
    _kahan_cols(cols, s, np.zeros(cols.shape[1], acc), acc.type(0))
    return s
