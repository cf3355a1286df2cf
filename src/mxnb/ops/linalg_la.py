"""MXNet's LAPACK-style linalg ops: potrf, potri, trmm, trsm, gelqf, syevd, extracttrian,
maketrian (`mx.nd.linalg_<name>`, wrapped as `mx.nd.linalg.<name>`).

The last two axes are the matrix, leading axes the batch; float32 and float64 only, as MXNet.
Forwards run NumPy's LAPACK on the host (`_host`); VJPs are written in mxnb ops (these ops
included), so gradients of any order work. Each op reads only the triangle MXNet's LAPACK
call reads (potrf and syevd the lower one of a symmetric input; potri, trmm and trsm the
`lower` triangle of the triangular operand) and its gradient follows MXNet's la_op-inl.h:

* potrf and syevd return the gradient with respect to a *symmetric* input (a symmetric
  matrix; half the finite-difference gradient of the lower triangle off the diagonal).
* potri, trmm and trsm return a gradient masked to the triangle that is read.

>>> a = mx.nd.array([[4., 1], [1, 4.25]])
>>> mx.nd.linalg_potrf(a).asnumpy()
array([[2. , 0. ],
       [0.5, 2. ]], dtype=float32)
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .compat import _mm, _mT
from .registry import Op, fmt_shape, register, same_dtype


def _flag(v):
    """A boolean attribute (MXNet also accepts the strings '0', '1', 'False', 'True')."""
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true")
    return bool(v)


def _floats(op, arrays):
    dt = same_dtype(op, arrays)
    if dt not in (np.float32, np.float64):
        raise MXNetError(f"{op.name}: This operation only supports 32-bit and 64-bit floating "
                         f"point (got {dt.name})")
    return dt


def _square(op, a, what="Input operand must be a tensor of square matrices"):
    if a.ndim < 2:
        raise MXNetError(f"{op.name}: Input operand must be a tensor of matrices (ndim >= 2), "
                         f"got shape {fmt_shape(a.shape)}")
    if a.shape[-1] != a.shape[-2]:
        raise MXNetError(f"{op.name}: {what}, got shape {fmt_shape(a.shape)}")


def _tri_mask(n, lower, strict=False):
    k = -1 if strict else 0
    return np.tril(np.ones((n, n)), k) if lower else np.triu(np.ones((n, n)), -k)


def _const(host, like):
    """A constant (mask, identity) of `like`'s dtype and context, shaped to broadcast."""
    from ..ndarray.creation import _place

    host = np.ascontiguousarray(host, dtype=like.dtype)
    host = host.reshape((1,) * (like.ndim - host.ndim) + host.shape)
    return _place(host, like.context)


def _masked(x, lower, strict=False):
    # + 0.0 turns the -0.0 of negative entries times the mask into the 0.0 MXNet prints
    return nd.broadcast_mul(x, _const(_tri_mask(x.shape[-1], lower, strict), x)) + 0.0


def _copy_ltu(m):
    """The symmetric matrix with m's lower triangle (MXNet's copyLTU)."""
    return _masked(m, True) + _mT(_masked(m, True, strict=True))


def _t(x):
    return np.swapaxes(x, -1, -2)


def _copy_ltu_np(m):
    return np.tril(m) + _t(np.tril(m, -1))


def _lapack_error(routine, dt, info, hint):
    p = "s" if np.dtype(dt) == np.float32 else "d"
    raise MXNetError(f"Check failed: ret == 0 ({info} vs. 0) : {p}{routine} failed in lapack "
                     f"on cpu. {hint}")


# ---------------------------------------------------------------- potrf


def _chol_infer(op, inputs, attrs):
    a = inputs[0]
    dt = _floats(op, inputs)
    _square(op, a, "No square matrix as input to " + op.name[7:])
    return [(a.shape, dt)]


def _potrf_info(a):
    """LAPACK's info: the order of the first leading minor that is not positive definite."""
    for m in a.reshape((-1,) + a.shape[-2:]):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return k
    return 0


def _potrf_fwd(op, ins, outs, attrs):
    lower = _flag(attrs.get("lower", True))
    a = ins[0] if lower else np.swapaxes(ins[0], -1, -2)
    try:
        r = np.linalg.cholesky(a)  # reads the lower triangle only, as LAPACK's potrf('L')
    except np.linalg.LinAlgError:
        _lapack_error("potrf", a.dtype, _potrf_info(a), "This may happen when the input matrix "
                      "is either not symmetric or not positive definite.")
    outs[0][...] = r if lower else np.swapaxes(r, -1, -2)


def _potrf_vjp(op, dys, ins, outs, attrs):
    # dA = 0.5 * L^-T copyLTU(L^T dL) L^-1 (MXNet; A = L L^T, or U^T U with L = U^T)
    lower = _flag(attrs.get("lower", True))
    L, g = (outs[0], dys[0]) if lower else (_mT(outs[0]), _mT(dys[0]))
    p = _copy_ltu(_mm(_mT(L), g))
    y = nd.linalg_trsm(L, p, transpose=True)
    return [nd.linalg_trsm(L, y, rightside=True) * 0.5]


def _potrf_bwd(op, dys, ins, outs, attrs):
    lower = _flag(attrs.get("lower", True))
    low, g = (outs[0], dys[0]) if lower else (_t(outs[0]), _t(dys[0]))
    y = np.linalg.solve(_t(low), _copy_ltu_np(_t(low) @ g))
    return [(_t(np.linalg.solve(_t(low), _t(y))) * 0.5).astype(low.dtype, copy=False)]


def _spd_inputs(rng):
    a = rng.uniform(-1, 1, (2, 3, 3))
    return [a @ np.swapaxes(a, -1, -2) + 2 * np.eye(3)]


_SYM_SKIP = ("MXNet's gradient is the one with respect to a symmetric input, which finite "
             "differences of single entries do not give; tests/test_linalg_la.py checks it on "
             "f(X) = op((X + X^T) / 2) to order 2")

register(Op("linalg_potrf", ("A",), attrs=(("lower", True),), infer=_chol_infer,
            forward=_host(_potrf_fwd), backward=_potrf_bwd, vjp=_potrf_vjp,
            test={"skip": _SYM_SKIP},
            doc="Cholesky factor of each symmetric positive definite matrix: L with A = L L^T "
                "(upper triangle zero), or U with A = U^T U for lower=False."))

# ---------------------------------------------------------------- potri


def _potri_fwd(op, ins, outs, attrs):
    lower = _flag(attrs.get("lower", True))
    t = np.tril(ins[0]) if lower else np.triu(ins[0])
    diag = np.diagonal(t, axis1=-2, axis2=-1).reshape(-1, t.shape[-1])
    bad = np.nonzero(diag == 0)
    if bad[0].size:
        _lapack_error("potri", t.dtype, int(bad[1][0]) + 1, "This may happen when the input "
                      "matrix is not a Cholesky factorization obtained by a prior call of the "
                      "potrf-operator.")
    eye = np.broadcast_to(np.eye(t.shape[-1], dtype=t.dtype), t.shape)
    inv = np.linalg.solve(t, eye)
    r = np.swapaxes(inv, -1, -2) @ inv if lower else inv @ np.swapaxes(inv, -1, -2)
    # MXNet computes one triangle and mirrors it: the result is exactly symmetric
    low = np.tril(r)
    outs[0][...] = low + np.swapaxes(np.tril(r, -1), -1, -2)


def _potri_vjp(op, dys, ins, outs, attrs):
    # lower: dL = -tril(A (dA + dA^T) L^-T); upper: dU = -triu(U^-T (dA + dA^T) A)
    lower = _flag(attrs.get("lower", True))
    a, t, g = outs[0], ins[0], dys[0]
    s = g + _mT(g)
    if lower:
        d = nd.linalg_trsm(t, _mm(a, s), rightside=True, transpose=True, alpha=-1.0)
    else:
        d = nd.linalg_trsm(t, _mm(s, a), transpose=True, lower=False, alpha=-1.0)
    return [_masked(d, lower)]


def _potri_bwd(op, dys, ins, outs, attrs):
    lower = _flag(attrs.get("lower", True))
    a, g = outs[0], dys[0]
    t = np.tril(ins[0]) if lower else np.triu(ins[0])
    s = g + _t(g)
    if lower:
        d = -np.tril(_t(np.linalg.solve(t, _t(a @ s))))
    else:
        d = -np.triu(np.linalg.solve(_t(t), s @ a))
    return [d + 0.0]


def _chol_factor_inputs(rng):
    a = _spd_inputs(rng)[0]
    junk = np.triu(rng.uniform(-1, 1, a.shape), 1)  # never read: the gradient there is 0
    return [np.linalg.cholesky(a) + junk]


register(Op("linalg_potri", ("A",), attrs=(("lower", True),), infer=_chol_infer,
            forward=_host(_potri_fwd), backward=_potri_bwd, vjp=_potri_vjp,
            test={"cases": [{"inputs": _chol_factor_inputs},
                            {"inputs": lambda rng: [np.swapaxes(_chol_factor_inputs(rng)[0],
                                                                -1, -2)],
                             "attrs": {"lower": False}}]},
            doc="Inverse of A = L L^T from its Cholesky factor L (U^T U from U for "
                "lower=False): mx.nd.linalg_potri(mx.nd.linalg_potrf(A)) is inv(A)."))

# ---------------------------------------------------------------- trmm, trsm


def _tri_attrs(attrs):
    return (_flag(attrs.get("transpose", False)), _flag(attrs.get("rightside", False)),
            _flag(attrs.get("lower", True)), float(attrs.get("alpha", 1.0)))


def _tri_infer(op, inputs, attrs):
    a, b = inputs
    dt = _floats(op, inputs)
    if a.ndim < 2 or b.ndim != a.ndim:
        raise MXNetError(f"{op.name}: both operands must be tensors of matrices of the same "
                         f"ndim, got shapes {fmt_shape(a.shape)} and {fmt_shape(b.shape)}")
    if a.shape[:-2] != b.shape[:-2]:
        raise MXNetError(f"{op.name}: Shapes of inputs 0, 1 must be the same, except on last "
                         f"two dimensions (got {fmt_shape(a.shape)} and {fmt_shape(b.shape)})")
    _square(op, a, "First operand must be a tensor of square matrices")
    _, right, _, _ = _tri_attrs(attrs)
    if (b.shape[-1] if right else b.shape[-2]) != a.shape[-1]:
        raise MXNetError(f"{op.name}: Incompatible matrix dimensions for multiplication "
                         f"({fmt_shape(a.shape)} and {fmt_shape(b.shape)}, "
                         f"rightside={right})")
    return [(b.shape, dt)]


def _tri_op(a, lower, trans):
    t = np.tril(a) if lower else np.triu(a)
    return np.swapaxes(t, -1, -2) if trans else t


def _trmm_fwd(op, ins, outs, attrs):
    trans, right, lower, alpha = _tri_attrs(attrs)
    t = _tri_op(ins[0], lower, trans)
    r = ins[1] @ t if right else t @ ins[1]
    np.multiply(r, r.dtype.type(alpha), out=outs[0])


def _substitute(t, b, lower):
    """Solve t x = b by substitution (zero pivots give inf/nan, as BLAS trsm)."""
    n = t.shape[-1]
    x = np.zeros(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:], b.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in (range(n) if lower else range(n - 1, -1, -1)):
            s = slice(0, i) if lower else slice(i + 1, n)
            r = b[..., i, :] - (t[..., i:i + 1, s] @ x[..., s, :])[..., 0, :]
            x[..., i, :] = r / t[..., i, i:i + 1]
    return x


def _trsm_np(a, b, trans, right, lower, alpha):
    t = _tri_op(a, lower, trans)
    if right:  # x t = b  <=>  t^T x^T = b^T
        t, b = np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)
    if np.all(np.diagonal(t, axis1=-2, axis2=-1)):
        x = np.linalg.solve(t, b)
    else:
        x = _substitute(t, b, lower != (trans != right))
    x = np.swapaxes(x, -1, -2) if right else x
    return x * x.dtype.type(alpha)


def _trsm_fwd(op, ins, outs, attrs):
    outs[0][...] = _trsm_np(ins[0], ins[1], *_tri_attrs(attrs))


def _mask_np(d, trans, lower):
    d = _t(d) if trans else d
    return (np.tril(d) if lower else np.triu(d)) + 0.0


def _trmm_bwd(op, dys, ins, outs, attrs):
    trans, right, lower, alpha = _tri_attrs(attrs)
    a, b = ins
    g = dys[0]
    opt = _tri_op(a, lower, trans)
    d_opt, db = (_t(b) @ g, g @ _t(opt)) if right else (g @ _t(b), _t(opt) @ g)
    return [_mask_np(d_opt, trans, lower) * alpha, db * alpha]


def _trsm_bwd(op, dys, ins, outs, attrs):
    trans, right, lower, alpha = _tri_attrs(attrs)
    c, g = outs[0], dys[0]
    w = _trsm_np(ins[0], g, not trans, right, lower, 1.0)
    d_opt = _t(c) @ w if right else w @ _t(c)
    return [_mask_np(-d_opt, trans, lower), w * alpha]


def _op_grad(d_opt, a, trans, lower):
    """From the gradient of op(T) to the gradient of A (masked to the triangle read)."""
    return _masked(_mT(d_opt) if trans else d_opt, lower)


def _trmm_vjp(op, dys, ins, outs, attrs):
    trans, right, lower, alpha = _tri_attrs(attrs)
    a, b = ins
    g = dys[0]
    opt = _masked(a, lower)
    opt = _mT(opt) if trans else opt
    if right:  # C = alpha B op(T)
        d_opt, db = _mm(_mT(b), g), _mm(g, _mT(opt))
    else:      # C = alpha op(T) B
        d_opt, db = _mm(g, _mT(b)), _mm(_mT(opt), g)
    return [_op_grad(d_opt, a, trans, lower) * alpha, db * alpha]


def _trsm_vjp(op, dys, ins, outs, attrs):
    trans, right, lower, alpha = _tri_attrs(attrs)
    a = ins[0]
    c, g = outs[0], dys[0]
    # w = op(T)^-T g (left) or g op(T)^-T (right): the B gradient over alpha
    w = nd.linalg_trsm(a, g, transpose=not trans, rightside=right, lower=lower)
    d_opt = _mm(_mT(c), w) if right else _mm(w, _mT(c))
    return [_op_grad(d_opt, a, trans, lower) * -1.0, w * alpha]


def _tri_inputs(shape_b):
    def inputs(rng):
        a = rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)  # the other triangle is never read
        return [a, rng.uniform(-1, 1, (2,) + shape_b)]
    return inputs


_TRI_CASES = [{"inputs": _tri_inputs((3, 2))},
              {"inputs": _tri_inputs((3, 2)), "attrs": {"transpose": True, "alpha": 1.5}},
              {"inputs": _tri_inputs((2, 3)), "attrs": {"rightside": True, "lower": False}},
              {"inputs": _tri_inputs((2, 3)),
               "attrs": {"rightside": True, "transpose": True, "alpha": -0.5}},
              {"inputs": _tri_inputs((3, 2)), "attrs": {"lower": False, "transpose": True}}]
_TRI_ATTRS = (("transpose", False), ("rightside", False), ("lower", True), ("alpha", 1.0))

register(Op("linalg_trmm", ("A", "B"), attrs=_TRI_ATTRS, infer=_tri_infer,
            forward=_host(_trmm_fwd), backward=_trmm_bwd, vjp=_trmm_vjp, test={"cases": _TRI_CASES},
            doc="alpha * op(T) B (or alpha * B op(T) with rightside=True), T the lower (upper "
                "for lower=False) triangle of A, op(T) = T^T with transpose=True."))
register(Op("linalg_trsm", ("A", "B"), attrs=_TRI_ATTRS, infer=_tri_infer,
            forward=_host(_trsm_fwd), backward=_trsm_bwd, vjp=_trsm_vjp, test={"cases": _TRI_CASES},
            doc="X with op(T) X = alpha * B (or X op(T) = alpha * B with rightside=True), T "
                "the lower (upper for lower=False) triangle of A."))

# ---------------------------------------------------------------- gelqf


def _gelqf_infer(op, inputs, attrs):
    a = inputs[0]
    dt = _floats(op, inputs)
    if a.ndim < 2:
        raise MXNetError(f"{op.name}: Input A must be a tensor of matrices, got shape "
                         f"{fmt_shape(a.shape)}")
    m, n = a.shape[-2:]
    if m > n:
        raise MXNetError(f"{op.name}: Input A shape wrong: Last dimension must be >= than "
                         f"second to last ({m} vs. {n})")
    return [(a.shape, dt), (a.shape[:-1] + (m,), dt)]


def _gelqf_fwd(op, ins, outs, attrs):
    # LAPACK's gelqf on row-major A is Householder QR of A^T: A^T = Q' R, so Q = Q'^T, L = R^T
    # (NumPy's qr runs the same geqrf, hence the same signs).
    q, r = np.linalg.qr(np.swapaxes(ins[0], -1, -2))
    outs[0][...] = np.swapaxes(q, -1, -2)
    outs[1][...] = np.swapaxes(r, -1, -2)


def _gelqf_vjp(op, dys, ins, outs, attrs):
    # dA = L^-T (dQ + copyLTU(M) Q), M = L^T dL - dQ Q^T (MXNet)
    q, low = outs
    dq, dl = dys
    m = _mm(_mT(low), dl) - _mm(dq, _mT(q))
    return [nd.linalg_trsm(low, dq + _mm(_copy_ltu(m), q), transpose=True)]


def _gelqf_bwd(op, dys, ins, outs, attrs):
    q, low = outs
    dq, dl = dys
    m = _t(low) @ dl - dq @ _t(q)
    return [np.linalg.solve(_t(low), dq + _copy_ltu_np(m) @ q)]


register(Op("linalg_gelqf", ("A",), infer=_gelqf_infer, forward=_host(_gelqf_fwd),
            backward=_gelqf_bwd, vjp=_gelqf_vjp, num_outputs=2,
            test={"cases": [{"inputs": lambda rng: [rng.uniform(-1, 1, (2, 2, 3))]},
                            {"inputs": lambda rng: [rng.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)]}]},
            doc="LQ factorization [Q, L] of each (m, n) matrix, m <= n: A = L Q, Q Q^T = I, "
                "L lower triangular (LAPACK's signs)."))

# ---------------------------------------------------------------- syevd


def _syevd_infer(op, inputs, attrs):
    a = inputs[0]
    dt = _floats(op, inputs)
    _square(op, a, "Input A shape wrong: Last two dimensions must be equal")
    return [(a.shape, dt), (a.shape[:-1], dt)]


def _syevd_fwd(op, ins, outs, attrs):
    w, v = np.linalg.eigh(ins[0], UPLO="L")
    u = np.swapaxes(v, -1, -2)
    # MXNet's sign rule: in each row of U the entry largest in magnitude (the first one on a
    # tie) is positive.
    k = np.argmax(np.abs(u), axis=-1)[..., None]
    flip = np.take_along_axis(u, k, axis=-1) < 0
    outs[0][...] = np.where(flip, -u, u)
    outs[1][...] = w


def _syevd_vjp(op, dys, ins, outs, attrs):
    # dA = U^T Y U, X = dU U^T, Y_ij = (X_ij - X_ji) / (2 max(l_i - l_j, eps)) off the diagonal
    # (i > j, mirrored), Y_ii = dl_i (MXNet; eps 1e-30 in float32, 1e-100 in float64).
    u, lam = outs
    du, dl = dys
    n = lam.shape[-1]
    eps = 1e-30 if np.dtype(lam.dtype) == np.float32 else 1e-100
    x = _mm(du, _mT(u))
    diff = nd.broadcast_sub(nd.expand_dims(lam, axis=-1), nd.expand_dims(lam, axis=-2))
    below = _const(_tri_mask(n, True, strict=True), diff)
    denom = nd._maximum_scalar(nd.broadcast_add(nd.broadcast_mul(diff, below),
                                                _const(1 - _tri_mask(n, True, True), diff)),
                               scalar=eps)
    y = nd.broadcast_mul(nd.broadcast_div(x - _mT(x), denom * 2.0), below)
    dg = nd.broadcast_mul(nd.expand_dims(dl, axis=-1), _const(np.eye(n), x))
    y = y + _mT(y) + dg
    return [_mm(_mm(_mT(u), y), u)]


def _syevd_bwd(op, dys, ins, outs, attrs):
    u, lam = outs
    du, dl = dys
    n = lam.shape[-1]
    eps = 1e-30 if lam.dtype == np.float32 else 1e-100
    x = du @ _t(u)
    below = np.tril(np.ones((n, n), bool), -1)
    denom = np.maximum(np.where(below, lam[..., :, None] - lam[..., None, :], 1), eps)
    y = np.where(below, (x - _t(x)) / (2 * denom), 0)
    y = y + _t(y) + dl[..., :, None] * np.eye(n)
    return [(_t(u) @ y @ u).astype(u.dtype, copy=False)]


register(Op("linalg_syevd", ("A",), infer=_syevd_infer, forward=_host(_syevd_fwd),
            backward=_syevd_bwd, vjp=_syevd_vjp, num_outputs=2, test={"skip": _SYM_SKIP},
            doc="Eigendecomposition [U, lam] of each symmetric matrix (lower triangle read): "
                "A = U^T diag(lam) U, lam ascending, each row of U with its largest entry "
                "positive."))

# ---------------------------------------------------------------- extracttrian, maketrian


def _trian_map(n, offset, lower):
    """Flat indices into an (n, n) matrix of the triangle's entries, in MXNet's order."""
    k = abs(offset)
    rows, cols = np.indices((n, n))
    r, c = (cols, rows) if offset > 0 or (offset == 0 and not lower) else (rows, cols)
    r = r - k
    sel = r >= c
    pos = r[sel] * (r[sel] + 1) // 2 + c[sel]
    src = np.empty(pos.size, np.int64)
    src[pos] = (rows * n + cols)[sel]
    return src


def _trian_attrs(attrs):
    return int(attrs.get("offset", 0)), _flag(attrs.get("lower", True))


def _extract_infer(op, inputs, attrs):
    a = inputs[0]
    dt = _floats(op, inputs)
    _square(op, a)
    offset, _ = _trian_attrs(attrs)
    m = a.shape[-1] - abs(offset)
    if m <= 0:
        raise MXNetError(f"{op.name}: Illegal offset {offset} for diag/trian extraction of "
                         f"matrix with dimension {a.shape[-1]}")
    return [(a.shape[:-2] + (m * (m + 1) // 2,), dt)]


def _tri_side(count):
    return int((np.sqrt(8 * count + 1) - 1) // 2)


def _make_infer(op, inputs, attrs):
    a = inputs[0]
    dt = _floats(op, inputs)
    if a.ndim < 1:
        raise MXNetError(f"{op.name}: Input operand must be a tensor of vectors")
    offset, _ = _trian_attrs(attrs)
    m = _tri_side(a.shape[-1])
    if m * (m + 1) // 2 != a.shape[-1] or m == 0:
        raise MXNetError(f"{op.name}: Input tensor of maketrian has an invalid dimension for "
                         f"the last axis ({a.shape[-1]} is not a triangular number)")
    n = m + abs(offset)
    return [(a.shape[:-1] + (n, n), dt)]


def _extract_fwd(op, ins, outs, attrs):
    a = ins[0]
    n = a.shape[-1]
    src = _trian_map(n, *_trian_attrs(attrs))
    outs[0][...] = a.reshape(a.shape[:-2] + (n * n,))[..., src]


def _make_fwd(op, ins, outs, attrs):
    out = outs[0]
    n = out.shape[-1]
    src = _trian_map(n, *_trian_attrs(attrs))
    flat = out.reshape(out.shape[:-2] + (n * n,))
    flat[...] = 0
    flat[..., src] = ins[0]


def _trian_kw(attrs):
    offset, lower = _trian_attrs(attrs)
    return {"offset": offset, "lower": lower}


register(Op("linalg_extracttrian", ("A",), attrs=(("offset", 0), ("lower", True)),
            infer=_extract_infer, forward=_host(_extract_fwd),
            backward=lambda op, dys, ins, outs, attrs: [_make_np(dys[0], ins[0].shape, attrs)],
            vjp=lambda op, dys, ins, outs, attrs: [nd.linalg_maketrian(dys[0],
                                                                       **_trian_kw(attrs))],
            test={"shapes": [(2, 4, 4)],
                  "cases": [{}, {"attrs": {"lower": False}}, {"attrs": {"offset": 1}},
                            {"attrs": {"offset": -2}}]},
            doc="The triangle of each square matrix as a vector (row by row; the upper one, "
                "taken column by column, for lower=False or offset > 0)."))
register(Op("linalg_maketrian", ("A",), attrs=(("offset", 0), ("lower", True)),
            infer=_make_infer, forward=_host(_make_fwd),
            backward=lambda op, dys, ins, outs, attrs: [_extract_np(dys[0], attrs)],
            vjp=lambda op, dys, ins, outs, attrs: [nd.linalg_extracttrian(dys[0],
                                                                          **_trian_kw(attrs))],
            test={"shapes": [(2, 6)],
                  "cases": [{}, {"attrs": {"lower": False}}, {"attrs": {"offset": 1}},
                            {"attrs": {"offset": -1}}]},
            doc="Square matrices with the vectors as their triangle (inverse of extracttrian), "
                "zeros elsewhere."))


def _make_np(v, shape, attrs):
    out = np.empty(shape, v.dtype)
    _make_fwd(None, [v], [out], attrs)
    return out


def _extract_np(g, attrs):
    n = g.shape[-1]
    return np.ascontiguousarray(g.reshape(g.shape[:-2] + (n * n,))[
        ..., _trian_map(n, *_trian_attrs(attrs))])
