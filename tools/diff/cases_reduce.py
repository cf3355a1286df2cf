"""Reductions, norms, dot/batch_dot, linalg."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.array([[[1., -2, 3, 0.5], [4, 5, -6, 2], [0, 1, 2, 3]], [[7, 8, -9, 1], [1, 1, 1, 1], [2, -3, 4, 5]]])\n"
RED = ["sum", "mean", "prod", "max", "min", "nansum", "nanprod", "norm", "sum_axis", "argmax", "argmin"]
AXES = ["", "axis=0", "axis=1", "axis=-1", "axis=(0, 2)", "axis=()", "axis=1, keepdims=True",
        "axis=(0, 1), exclude=True", "keepdims=True", "axis=[1, 2]", "axis=3", "axis=(1, 1)", "exclude=True"]
for op in RED:
    for j, ax in enumerate(AXES):
        if op in ("argmax", "argmin") and ("(" in ax or "[" in ax or "exclude" in ax):
            continue
        case(f"red_{op}_{j}", X + f"y = mx.nd.{op}(x{', ' if ax else ''}{ax}); print(y.shape, y.dtype); print(y)")
for op in ["sum", "mean", "prod", "max", "min", "norm"]:
    for dt in ["int32", "float64", "float16", "uint8", "int8", "int64"]:
        case(f"red_{op}_{dt}", X + f"y = mx.nd.{op}(x.astype('{dt}'), axis=1); print(y, y.dtype); y = x.astype('{dt}').{op}(); print(y, y.dtype)")
case("red_fluent", X + "print(x.sum(axis=1), x.mean(), x.max(axis=(0, 2)), x.min(keepdims=True).shape, x.prod(axis=0, exclude=True))")
case("red_big_sum", "x = mx.nd.ones((1000, 1000)) * 0.1; print(x.sum(), x.mean(axis=0)[:3])")
case("red_mean_int", "x = mx.nd.array([1, 2, 4], dtype='int32'); print(x.mean(), x.mean().dtype)")
case("red_nan", "x = mx.nd.array([1., np.nan, 3.]); print(x.sum(), mx.nd.nansum(x), x.max(), x.min(), mx.nd.nanprod(x))")
case("red_0d", "print(mx.nd.sum(mx.nd.array(3.0)))")
case("norm_ord", X + "print(mx.nd.norm(x, ord=1), mx.nd.norm(x, ord=2, axis=1), mx.nd.norm(x, ord=1, axis=(1, 2)), x.norm(axis=-1, keepdims=True))")
case("norm_ord3", X + "print(mx.nd.norm(x, ord=3))")
case("norm_axis3", X + "print(mx.nd.norm(x, axis=(0, 1, 2)))")
case("norm_int", "print(mx.nd.norm(mx.nd.array([3, 4], dtype='int32')))")
case("L2Normalization", X + "print(mx.nd.L2Normalization(x)); print(mx.nd.L2Normalization(x, mode='channel')); print(mx.nd.L2Normalization(x, mode='spatial', eps=1e-3))")
case("moments", X + "m, v = mx.nd.moments(x, axes=(0, 2)); print(m, v); print(mx.nd.moments(x, axes=(1,), keepdims=True)[1].shape)")

A = "a = mx.nd.arange(6).reshape((2, 3)); b = mx.nd.arange(12).reshape((3, 4))\n"
case("dot_basic", A + "print(mx.nd.dot(a, b))")
case("dot_ta", A + "print(mx.nd.dot(a, a, transpose_a=True))")
case("dot_tb", A + "print(mx.nd.dot(a, a, transpose_b=True))")
case("dot_tab", A + "print(mx.nd.dot(b, a, transpose_a=True, transpose_b=True))")
case("dot_1d", "v = mx.nd.array([1., 2, 3]); print(mx.nd.dot(v, v), mx.nd.dot(v, v).shape)")
case("dot_mat_vec", A + "print(mx.nd.dot(a, mx.nd.array([1., 2, 3])), mx.nd.dot(mx.nd.array([1., 2]), a))")
case("dot_3d", "a = mx.nd.arange(24).reshape((2, 3, 4)); b = mx.nd.arange(20).reshape((4, 5)); print(mx.nd.dot(a, b).shape, mx.nd.dot(b, a.reshape((2, 4, 3)), transpose_a=True).shape)")
case("dot_3d_3d", "a = mx.nd.arange(24).reshape((2, 3, 4)); b = mx.nd.arange(24).reshape((4, 3, 2)); print(mx.nd.dot(a, b).shape)")
case("dot_err", A + "mx.nd.dot(a, a)")
case("dot_int", "a = mx.nd.array([[1, 2], [3, 4]], dtype='int32'); r = mx.nd.dot(a, a); print(r, r.dtype)")
case("dot_f64", "a = mx.nd.array([[1, 2], [3, 4]], dtype='float64'); r = mx.nd.dot(a, a); print(r, r.dtype)")
case("dot_f16", "a = mx.nd.array([[1, 2], [3, 4]], dtype='float16'); r = mx.nd.dot(a, a); print(r, r.dtype)")
case("dot_dtype_mix", "mx.nd.dot(mx.nd.ones((2, 2)), mx.nd.ones((2, 2), dtype='float64'))")
case("dot_0d", "print(mx.nd.dot(mx.nd.array(2.), mx.nd.array(3.)))")
case("dot_fluent", A + "print(a.dot(b))")
B = "a = mx.nd.arange(12).reshape((2, 2, 3)); b = mx.nd.arange(12).reshape((2, 3, 2))\n"
case("batch_dot", B + "print(mx.nd.batch_dot(a, b))")
case("batch_dot_ta", B + "print(mx.nd.batch_dot(a, a, transpose_a=True))")
case("batch_dot_tb", B + "print(mx.nd.batch_dot(a, a, transpose_b=True))")
case("batch_dot_tab", B + "print(mx.nd.batch_dot(b, a, transpose_a=True, transpose_b=True))")
case("batch_dot_err", B + "mx.nd.batch_dot(a, a)")
case("batch_dot_err_batch", "mx.nd.batch_dot(mx.nd.ones((2, 2, 3)), mx.nd.ones((3, 3, 2)))")
case("batch_dot_2d", "mx.nd.batch_dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 2)))")
case("batch_dot_4d", "print(mx.nd.batch_dot(mx.nd.ones((2, 2, 2, 3)), mx.nd.ones((2, 2, 3, 2))).shape)")
case("linalg_gemm2", "a = mx.nd.array([[1., 2], [3, 4]]); print(mx.nd.linalg.gemm2(a, a, transpose_b=True, alpha=2.0)); print(mx.nd.linalg_gemm2(a, a))")
case("linalg_gemm", "a = mx.nd.array([[1., 2], [3, 4]]); print(mx.nd.linalg.gemm(a, a, a, alpha=1.0, beta=2.0))")
case("linalg_potrf", "a = mx.nd.array([[4., 2], [2, 3]]); print(mx.nd.linalg.potrf(a)); print(mx.nd.linalg.potri(mx.nd.linalg.potrf(a)))")
case("linalg_inverse", "a = mx.nd.array([[4., 2], [2, 3]]); print(mx.nd.linalg.inverse(a), mx.nd.linalg.det(a), mx.nd.linalg.slogdet(a))")
case("linalg_trsm", "a = mx.nd.array([[2., 0], [1, 3]]); b = mx.nd.array([[1., 2], [3, 4]]); print(mx.nd.linalg.trsm(a, b)); print(mx.nd.linalg.trmm(a, b))")
case("linalg_syrk", "a = mx.nd.array([[1., 2], [3, 4]]); print(mx.nd.linalg.syrk(a), mx.nd.linalg.sumlogdiag(mx.nd.array([[2., 0], [1, 3]])))")
case("linalg_extract", "a = mx.nd.arange(9).reshape((3, 3)); print(mx.nd.linalg.extractdiag(a), mx.nd.linalg.makediag(mx.nd.array([1., 2])), mx.nd.linalg.extracttrian(a), mx.nd.linalg.maketrian(mx.nd.array([1., 2, 3])))")
case("linalg_gelqf", "a = mx.nd.array([[1., 2, 3], [4, 5, 6]]); q, l = mx.nd.linalg.gelqf(a); print(q, l)")
case("linalg_syevd", "a = mx.nd.array([[2., 1], [1, 2]]); u, l = mx.nd.linalg.syevd(a); print(u, l)")
case("khatri_rao", "print(mx.nd.khatri_rao(mx.nd.array([[1., 2], [3, 4]]), mx.nd.array([[1., 2], [3, 4], [5, 6]])))")
case("linalg_gemm2_batch", "b = mx.nd.arange(24).reshape((2, 3, 4)) * 0.1; print(mx.nd.linalg.gemm2(b, b, transpose_b=True), mx.nd.linalg.gemm2(b, b, transpose_a=True, alpha=0.5))")
case("linalg_gemm_batch", "b = mx.nd.arange(18).reshape((2, 3, 3)) * 0.1; print(mx.nd.linalg.gemm(b, b, b, transpose_a=True, alpha=2., beta=-1.), mx.nd.linalg_gemm(b, b, b))")
case("linalg_syrk_more", "a = mx.nd.array([[4., 2, 1], [2, 3, 0]]); print(mx.nd.linalg.syrk(a), mx.nd.linalg.syrk(a, transpose=True, alpha=2.))")
case("linalg_diag_more", "b = mx.nd.arange(18).reshape((2, 3, 3)); print(mx.nd.linalg.extractdiag(b), mx.nd.linalg.extractdiag(b, offset=-2), mx.nd.linalg.makediag(mx.nd.array([1., 2, 3])), mx.nd.linalg.makediag(mx.nd.array([[1., 2], [3, 4]]), offset=1))")
case("linalg_sumlogdiag_more", "b = mx.nd.array([[[4., 2], [2, 3]], [[1, 0], [5, 2]]]); print(mx.nd.linalg.sumlogdiag(b), mx.nd.linalg.sumlogdiag(b[0]))")
case("linalg_inv_det", "b = mx.nd.array([[[4., 2], [2, 3]], [[1, 0], [5, 2]]]); print(mx.nd.linalg.inverse(b), mx.nd.linalg.det(b), mx.nd.linalg.slogdet(b), mx.nd.linalg_inverse(b[1]), mx.nd.linalg_det(b[1]))")
case("linalg_det_neg", "b = mx.nd.array([[1., 2], [3, 4]]); print(mx.nd.linalg.det(b), mx.nd.linalg.slogdet(b))")
case("linalg_grads", "b = mx.nd.array([[[4., 2], [2, 3]], [[1, 0.5], [5, 2]]]); b.attach_grad()\nfor f in [lambda t: mx.nd.linalg.inverse(t) * mx.nd.arange(8).reshape((2, 2, 2)), lambda t: mx.nd.linalg.det(t), lambda t: mx.nd.linalg.slogdet(t)[1], lambda t: mx.nd.linalg.sumlogdiag(t), lambda t: mx.nd.linalg.gemm2(t, t, transpose_b=True) * mx.nd.arange(8).reshape((2, 2, 2)), lambda t: mx.nd.linalg.extractdiag(t) * mx.nd.array([1., 3])]:\n    with mx.autograd.record():\n        y = f(b)\n    y.backward(); print(b.grad)")
case("linalg_inverse_int", "print(mx.nd.linalg.inverse(mx.nd.array([[1, 2], [3, 4]], dtype='int32')))")
case("linalg_inverse_nonsquare", "print(mx.nd.linalg.inverse(mx.nd.ones((2, 3))))")
# MXNet's serial recurrences (kernels/mx_reduce.py): exact bits, non-finite values along axes
case("exact_red_sum_mean_random", "import numpy as np\nx = mx.nd.array(np.random.RandomState(4).standard_normal((6, 7, 5)) * 100)\nfor ax in [None, 0, 1, 2, (0, 2), (1, 2)]:\n    kw = {} if ax is None else {'axis': ax}\n    print(mx.nd.sum(x, **kw).asnumpy().tobytes().hex(), mx.nd.mean(x, **kw).asnumpy().tobytes().hex(), mx.nd.norm(x, **kw).asnumpy().tobytes().hex())")
case("red_nonfinite_axes", "import numpy as np\ninf, nan = np.inf, np.nan\nx = mx.nd.array([[inf, 1, nan], [1, 2, 3], [-inf, 4, 5]])\nfor ax in [0, 1]:\n    print(mx.nd.sum(x, axis=ax), mx.nd.mean(x, axis=ax), mx.nd.norm(x[1:], axis=ax))")
