"""Elementwise operators: unary, binary, scalar, dtypes, comparisons, in-place."""
CASES = []


def case(name, code):
    CASES.append((name, code))


UNARY = ["abs", "sign", "round", "rint", "ceil", "floor", "trunc", "fix", "square", "sqrt", "rsqrt",
         "cbrt", "rcbrt", "exp", "expm1", "log", "log10", "log2", "log1p", "sin", "cos", "tan",
         "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
         "degrees", "radians", "sigmoid", "relu", "reciprocal", "negative", "gamma", "gammaln",
         "erf", "erfinv", "softsign", "logical_not", "hard_sigmoid", "identity", "ones_like",
         "zeros_like", "BlockGrad", "stop_gradient", "make_loss", "_copy", "log_sigmoid", "mish"]
X = "[-2.5, -1.5, -0.5, 0.0, 0.3, 0.5, 1.5, 2.5, 4.0]"
for op in UNARY:
    case(f"unary_{op}_f32", f"print(mx.nd.{op}(mx.nd.array({X})))")
    case(f"unary_{op}_i32", f"x = mx.nd.array([-3, -1, 0, 1, 2, 5], dtype='int32'); y = mx.nd.{op}(x); print(y, y.dtype)")
    case(f"unary_{op}_f64", f"y = mx.nd.{op}(mx.nd.array({X}, dtype='float64')); print(y, y.dtype)")
    case(f"unary_{op}_f16", f"y = mx.nd.{op}(mx.nd.array({X}, dtype='float16')); print(y, y.dtype)")
    case(f"fluent_{op}", f"x = mx.nd.array({X}); print(x.{op}())")
case("unary_round_halves", "print(mx.nd.round(mx.nd.array([0.5, 1.5, 2.5, -0.5, -1.5])), mx.nd.rint(mx.nd.array([0.5, 1.5, 2.5, -0.5, -1.5])))")
case("unary_uint8_neg", "x = mx.nd.array([1, 200], dtype='uint8'); print(-x, mx.nd.negative(x), mx.nd.abs(x))")
case("unary_int8_abs", "x = mx.nd.array([-128, 5], dtype='int8'); print(mx.nd.abs(x), -x)")
case("unary_name_kw", "print(mx.nd.exp(mx.nd.ones((1,)), name='foo'))")
case("unary_out", "o = mx.nd.zeros((2,)); r = mx.nd.exp(mx.nd.ones((2,)), out=o); print(o, r is o)")
case("unary_out_dtype", "o = mx.nd.zeros((2,), dtype='float64'); r = mx.nd.exp(mx.nd.ones((2,)), out=o); print(o, o.dtype)")
case("unary_numpy_input", "mx.nd.exp(np.ones(2))")
case("unary_list_input", "mx.nd.exp([1, 2])")
case("unary_0d", "print(mx.nd.exp(mx.nd.array(1.0)))")

BIN = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_mod",
       "broadcast_power", "broadcast_maximum", "broadcast_minimum", "broadcast_hypot",
       "broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal",
       "broadcast_lesser", "broadcast_lesser_equal", "broadcast_logical_and", "broadcast_logical_or",
       "broadcast_logical_xor", "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div",
       "add", "subtract", "multiply", "divide", "modulo", "power", "maximum", "minimum", "hypot",
       "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
       "logical_and", "logical_or", "logical_xor", "broadcast_plus", "broadcast_minus", "arctan2"]
A = "[[-3.5, -2, 0, 1.5], [2, 3, 7, -7]]"
B = "[[2, -3, 1, 2.5], [-2, 3, 2, 2]]"
for op in BIN:
    case(f"bin_{op}_f32", f"print(mx.nd.{op}(mx.nd.array({A}), mx.nd.array({B})))")
    case(f"bin_{op}_i32", f"a = mx.nd.array({A}, dtype='int32'); b = mx.nd.array({B}, dtype='int32'); b = mx.nd.where(b == 0, b + 1, b) if False else b\ny = mx.nd.{op}(a, b); print(y, y.dtype)")
    case(f"bin_{op}_bcast", f"y = mx.nd.{op}(mx.nd.array({A}), mx.nd.array([[1.5], [-2]])); print(y)")
    case(f"bin_{op}_f64", f"y = mx.nd.{op}(mx.nd.array({A}, dtype='float64'), mx.nd.array({B}, dtype='float64')); print(y, y.dtype)")
    case(f"bin_{op}_mixed", f"y = mx.nd.{op}(mx.nd.array({A}, dtype='float64'), mx.nd.array({B})); print(y, y.dtype)")

PYOPS = ["+", "-", "*", "/", "%", "**", "==", "!=", ">", ">=", "<", "<="]
for i, o in enumerate(PYOPS):
    case(f"pyop{i}_arr_arr", f"a = mx.nd.array({A}); b = mx.nd.array({B}); print(a {o} b)")
    case(f"pyop{i}_arr_bcast", f"a = mx.nd.array({A}); b = mx.nd.array([1.5, 2, -1, 3]); print(a {o} b)")
    case(f"pyop{i}_arr_scalar", f"a = mx.nd.array({A}); print(a {o} 2, a {o} 2.5, a {o} -1.5)")
    case(f"pyop{i}_scalar_arr", f"a = mx.nd.array({A}); print(2 {o} a, 2.5 {o} a)")
    case(f"pyop{i}_int_scalar", f"a = mx.nd.array({A}, dtype='int32'); r = a {o} 2.5; print(r, r.dtype); r = a {o} 3; print(r, r.dtype)")
    case(f"pyop{i}_int_rscalar", f"a = mx.nd.array([[1, 2, 3], [4, -5, 7]], dtype='int32'); r = 7 {o} a; print(r, r.dtype); r = 2.5 {o} a; print(r, r.dtype)")
    case(f"pyop{i}_int_arr", f"a = mx.nd.array({A}, dtype='int32'); b = mx.nd.array({B}, dtype='int32'); r = a {o} b; print(r, r.dtype)")
    case(f"pyop{i}_u8", f"a = mx.nd.array([[1, 200, 3]], dtype='uint8'); b = mx.nd.array([[2, 100, 255]], dtype='uint8'); r = a {o} b; print(r, r.dtype); r = a {o} 3; print(r, r.dtype)")
    case(f"pyop{i}_i64", f"a = mx.nd.array([[10, -20, 3]], dtype='int64'); b = mx.nd.array([[3, 7, -2]], dtype='int64'); r = a {o} b; print(r, r.dtype); r = a {o} 3; print(r, r.dtype)")
    case(f"pyop{i}_f16", f"a = mx.nd.array({A}, dtype='float16'); b = mx.nd.array({B}, dtype='float16'); r = a {o} b; print(r, r.dtype); r = a {o} 3; print(r, r.dtype)")
    case(f"pyop{i}_dtype_mismatch", f"a = mx.nd.array({A}, dtype='int32'); b = mx.nd.array({B}); print(a {o} b)")
    case(f"pyop{i}_shape_mismatch", f"a = mx.nd.ones((2,3)); b = mx.nd.ones((3,2)); print(a {o} b)")
    case(f"pyop{i}_numpy", f"a = mx.nd.ones((2,)); print(a {o} np.ones(2))")
    case(f"pyop{i}_npscalar", f"a = mx.nd.array([1., 2.]); print(a {o} np.float32(2), a {o} np.int64(3), np.float64(2) {o} a)")
    case(f"pyop{i}_bool_scalar", f"a = mx.nd.array([1., 2.]); print(a {o} True)")
    case(f"pyop{i}_str", f"a = mx.nd.array([1., 2.]); print(a {o} 'x')")
    case(f"pyop{i}_0d", f"a = mx.nd.array(2.0); print(a {o} 3)")
IOPS = ["+=", "-=", "*=", "/=", "%=", "**="]
for i, o in enumerate(IOPS):
    case(f"iop{i}_scalar", f"a = mx.nd.array([1., 2., -3.]); b = a; a {o} 2; print(a, b is a)")
    case(f"iop{i}_arr", f"a = mx.nd.array([1., 2., -3.]); b = a; a {o} mx.nd.array([2., 3., 4.]); print(a, b is a)")
    case(f"iop{i}_int", f"a = mx.nd.array([7, 2, -3], dtype='int32'); a {o} 2; print(a, a.dtype)")
    case(f"iop{i}_bcast", f"a = mx.nd.ones((2,3)); a {o} mx.nd.array([1., 2., 4.]); print(a)")
    case(f"iop{i}_bcast_bad", f"a = mx.nd.ones((3,)); a {o} mx.nd.ones((2,3)); print(a)")
    case(f"iop{i}_view", f"a = mx.nd.ones((2,3)); v = a[1]; v {o} 2; print(a)")
case("neg_op", "a = mx.nd.array([1., -2.]); print(-a, +a if hasattr(a, '__pos__') else 'nopos')")
case("abs_op", "a = mx.nd.array([1., -2.]); print(abs(a))")
case("div_int_trunc", "a = mx.nd.array([7, -7, 7, -7], dtype='int32'); b = mx.nd.array([2, 2, -2, -2], dtype='int32'); print(a / b, a % b, a // b if hasattr(a, '__floordiv__') else 'nofloordiv')")
case("div_by_zero_f", "print(mx.nd.array([1., -1., 0.]) / 0, mx.nd.array([1., -1., 0.]) % 0)")
case("div_by_zero_int", "a = mx.nd.array([1, -1, 0], dtype='int32'); print(a / 0, a % mx.nd.zeros((3,), dtype='int32'))")
case("mod_float_sign", "print(mx.nd.array([5.5, -5.5, 5.5, -5.5]) % mx.nd.array([2., 2., -2., -2.]))")
case("mod_scalar_sign", "print(mx.nd.array([5.5, -5.5]) % 2, mx.nd.array([5.5, -5.5]) % -2, 7 % mx.nd.array([2., -2.]))")
case("pow_neg_frac", "print(mx.nd.array([-8., 4.]) ** 0.5, mx.nd.array([2, 3], dtype='int32') ** 2, 2 ** mx.nd.array([2, 3], dtype='int32'))")
case("pow_int_neg", "print(mx.nd.array([2, 3], dtype='int32') ** -1)")
case("floordiv", "print(mx.nd.array([7., -7.]) // 2)")
case("matmul_op", "print(mx.nd.ones((2,3)) @ mx.nd.ones((3,2)))")
case("cmp_dtype", "a = mx.nd.array([1, 2], dtype='int32'); print((a == 1).dtype, (a > a).dtype, (mx.nd.ones((1,), dtype='float64') < 2).dtype)")
case("eq_none", "a = mx.nd.ones((2,)); print(a == None, a != None)")
case("eq_obj", "a = mx.nd.ones((2,)); print(a == 'x')")
case("in_list", "a = mx.nd.ones((2,)); print(a in [a])")
case("scalar_bool_op", "print(mx.nd.array([1., 0.]) * True)")
case("radd_list", "print([1, 2] + mx.nd.ones((2,)))")
case("np_plus_nd", "print(np.ones(2) + mx.nd.ones((2,)))")
case("elemwise_shape", "mx.nd.elemwise_add(mx.nd.ones((2,3)), mx.nd.ones((1,3)))")
case("elemwise_dtype", "mx.nd.elemwise_add(mx.nd.ones((2,3)), mx.nd.ones((2,3), dtype='int32'))")
case("bcast_err", "mx.nd.broadcast_add(mx.nd.ones((2,3)), mx.nd.ones((3,2)))")
case("bcast_ndim_diff", "print(mx.nd.broadcast_add(mx.nd.ones((2,3)), mx.nd.ones((3,))))")
case("add_n", "print(mx.nd.add_n(mx.nd.ones((2,)), mx.nd.ones((2,)) * 2, mx.nd.ones((2,)) * 3), mx.nd.ElementWiseSum(mx.nd.ones((2,)), mx.nd.ones((2,))))")
case("scalar_ops_named", "x = mx.nd.array([1., 2.])\nfor n in ['_plus_scalar','_minus_scalar','_rminus_scalar','_mul_scalar','_div_scalar','_rdiv_scalar','_mod_scalar','_rmod_scalar','_power_scalar','_rpower_scalar','_maximum_scalar','_minimum_scalar','_equal_scalar','_greater_scalar','_hypot_scalar']:\n    f = getattr(mx.nd, n, None)\n    print(n, f(x, scalar=3) if f else None)")
case("clip_basic", "print(mx.nd.clip(mx.nd.array([-2., 0.5, 3.]), -1, 1), mx.nd.array([-2., 0.5, 3.]).clip(0, 2))")
case("clip_int", "y = mx.nd.clip(mx.nd.array([-2, 0, 3], dtype='int32'), -1.5, 1.5); print(y, y.dtype)")
case("clip_bad", "print(mx.nd.clip(mx.nd.array([-2., 0.5, 3.]), 1, -1))")
case("clip_kw", "print(mx.nd.clip(mx.nd.array([-2., 0.5, 3.]), a_min=-1, a_max=1))")
case("clip_missing", "print(mx.nd.clip(mx.nd.array([-2., 0.5, 3.]), 1))")
case("where_basic", "c = mx.nd.array([1, 0, 1]); print(mx.nd.where(c, mx.nd.array([1., 2, 3]), mx.nd.array([4., 5, 6])))")
case("where_rows", "c = mx.nd.array([1, 0]); print(mx.nd.where(c, mx.nd.ones((2,3)), mx.nd.zeros((2,3))))")
case("where_bad", "c = mx.nd.array([1, 0, 1]); print(mx.nd.where(c, mx.nd.ones((2,3)), mx.nd.zeros((2,3))))")
case("where_int", "c = mx.nd.array([1, 0], dtype='int32'); print(mx.nd.where(c, mx.nd.array([1, 2], dtype='int32'), mx.nd.array([3, 4], dtype='int32')))")
case("where_dtype_mix", "c = mx.nd.array([1, 0], dtype='int32'); print(mx.nd.where(c, mx.nd.array([1., 2]), mx.nd.array([3., 4])))")
case("cast", "print(mx.nd.cast(mx.nd.array([1.7, -1.7]), dtype='int32'), mx.nd.Cast(mx.nd.array([1.7]), dtype='float16'))")
case("cast_nodtype", "print(mx.nd.cast(mx.nd.array([1.7, -1.7])))")
case("amp_cast", "print(mx.nd.amp_cast(mx.nd.array([1.7]), dtype='float16').dtype)")
case("smooth_l1", "print(mx.nd.smooth_l1(mx.nd.array([-2., -0.5, 0.2, 3.]), scalar=1.0))")
case("reshape_like_op", "print(mx.nd.reshape_like(mx.nd.arange(6), mx.nd.ones((2,3))))")
case("fluent_scalar_method", "x = mx.nd.array([1., 2.]); print(x.__add__(1), x.__rsub__(1), x.__rtruediv__(1), x.__rdiv__(1) if hasattr(x, '__rdiv__') else 'none')")
case("mod_zero_signs", "a = mx.nd.array([-2., 2, -2, 2, 0, -0.0, 3, -3]); b = mx.nd.array([2., -2, -2, 2, -2, 2, 1.5, -1.5])\nprint(a % b, a % 2, a % -2, 4 % b, -4 % b)")
case("mod_int_signs", "a = mx.nd.array([-7, 7, -7, 7, -6], dtype='int32'); b = mx.nd.array([2, -2, -2, 2, 3], dtype='int32'); print(a % b, a % 3, -7 % b)")
case("clip_nan", "print(mx.nd.clip(mx.nd.array([-2., 0.5, 3., np.nan]), 1, -1), mx.nd.clip(mx.nd.array([np.nan, 1]), 0, 0.5))")
case("round_ints", "for t in ['int8', 'int32', 'int64', 'uint8']:\n    x = mx.nd.array([-3, 2, 0, 5], dtype=t) if t != 'uint8' else mx.nd.array([3, 2, 0, 5], dtype=t)\n    print(mx.nd.round(x), mx.nd.rint(x), mx.nd.fix(x), mx.nd.floor(x), mx.nd.ceil(x))")
case("make_loss_grad", "x = mx.nd.array([1., 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.make_loss(x * 2)\ny.backward(mx.nd.array([5., 7])); print(y, x.grad)")
case("MakeLoss_grad", "x = mx.nd.array([[1., -2], [3, 0.5]]); x.attach_grad()\nfor kw in [dict(grad_scale=3), dict(normalization='batch'), dict(normalization='valid', valid_thresh=0.8)]:\n    with mx.autograd.record():\n        y = mx.nd.MakeLoss(x * 2, **kw)\n    y.backward(); print(x.grad)")
case("blockgrad_grad", "x = mx.nd.array([1., 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.BlockGrad(x * 2) * x + mx.nd.stop_gradient(x)\ny.backward(); print(y, x.grad)")
case("add_n_grad", "x = mx.nd.array([1., 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.add_n(x, x * 2, x * x)\ny.backward(); print(y, x.grad)")
case("add_n_bad", "mx.nd.add_n(mx.nd.ones((2,)), mx.nd.ones((3,)))")
case("hard_sigmoid_grad", "x = mx.nd.array([-3., 0, 1, 3]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.hard_sigmoid(x, alpha=0.3, beta=0.4)\ny.backward(); print(y, x.grad)")
