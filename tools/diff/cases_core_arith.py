"""Arithmetic type rules per dtype: scalars of every kind, overflow, division, signs, comparisons."""
CASES = []


def case(name, code):
    CASES.append((name, code))


SHOW = "def S(*rs):\n    for r in rs:\n        print(r.dtype, r.asnumpy().tolist())\n"
VALS = {"int8": "[-128, -7, -1, 0, 3, 127]", "uint8": "[0, 1, 7, 128, 200, 255]",
        "int32": "[-2147483648, -7, -1, 0, 3, 2147483647]", "int64": "[-9007199254740993, -7, -1, 0, 3, 9007199254740993]",
        "float16": "[-65504, -7.5, -1, 0, 3.25, 65504]", "float32": "[-3.4e38, -7.5, -1, 0, 3.25, 3.4e38]",
        "float64": "[-1e308, -7.5, -1, 0, 3.25, 1e308]"}
OPS = ["x + 1", "x - 1", "x * 2", "x / 2", "x / 0", "x % 3", "x % -3", "-7 % x", "x ** 2", "x ** -1",
       "2 ** x", "x + 1.5", "x * 0.5", "x // 2", "-x", "abs(x)", "mx.nd.abs(x)", "mx.nd.sign(x)", "x == 0",
       "x > 0.5", "x != -1", "mx.nd.square(x)", "mx.nd.sqrt(x)", "x + np.float32(1.5)", "x + np.int64(1)",
       "x * np.float64(0.5)", "x + True", "mx.nd.maximum(x, 2.5)", "mx.nd.minimum(x, -0.5)", "x % 2.5",
       "x / 3", "x.astype('float32') / 3", "mx.nd.relu(x)", "mx.nd.clip(x, -5, 5)", "x + x", "x * x", "x - x[::-1]",
       "x / x", "x % x", "x ** 0", "1 / x", "x > x[::-1]", "mx.nd.broadcast_mul(x, x)", "x.sum()", "x.mean()",
       "x.max()", "x.prod()", "mx.nd.round(x / 2)", "mx.nd.floor(x / 2)", "x.norm()", "mx.nd.cumsum(x) if hasattr(mx.nd, 'cumsum') else x",
       "mx.nd.logical_not(x)", "x + 300", "x * 1000", "x - 2**40"]
for dt, v in VALS.items():
    for j, o in enumerate(OPS):
        case(f"core_ar_{dt}_{j}", SHOW + f"x = mx.nd.array({v}, dtype='{dt}')\nS({o})")
MIX = ["a + b", "a * b", "a > b", "a - b", "mx.nd.broadcast_add(a, b)", "mx.nd.elemwise_add(a, b)",
       "mx.nd.maximum(a, b)", "a == b", "mx.nd.dot(a.reshape((1, 2)), b.reshape((2, 1)))", "mx.nd.where(a > 0, a, b)"]
PAIRS = [("float16", "float32"), ("float32", "float64"), ("int32", "float32"), ("int8", "int32"),
         ("uint8", "int8"), ("int32", "int64"), ("float16", "int32")]
for da, db in PAIRS:
    for j, o in enumerate(MIX):
        case(f"core_mix_{da}_{db}_{j}", SHOW + f"a = mx.nd.array([1, 2], dtype='{da}'); b = mx.nd.array([3, 4], dtype='{db}')\nS({o})")
case("core_ar_iop_int_float", "x = mx.nd.array([1, 2, 3], dtype='int32'); x += 1.7; print(x, x.dtype); x *= 1.5; print(x); x /= 2; print(x)")
case("core_ar_iop_u8_wrap", "x = mx.nd.array([250, 5], dtype='uint8'); x += 10; print(x); x -= 20; print(x)")
case("core_ar_iop_mixed_arr", "x = mx.nd.array([1, 2], dtype='int32'); x += mx.nd.array([0.5, 1.5]); print(x, x.dtype)")
case("core_ar_iop_f16_arr", "x = mx.nd.array([1, 2], dtype='float16'); x += mx.nd.array([0.5, 1.5]); print(x, x.dtype)")
case("core_ar_int_div_exact", "x = mx.nd.array([7, -7, 6], dtype='int32'); print(x / 2, x / -2, x / 3)")
case("core_ar_int64_div", "x = mx.nd.array([7, -7, 2**53 + 1], dtype='int64'); print(x / 2, (x / 2).dtype, x // 2 if hasattr(x, '__floordiv__') else '')")
case("core_ar_int_pow_neg", "for dt in ['int8', 'int32', 'int64', 'uint8']:\n    x = mx.nd.array([1, 2, 3], dtype=dt); print(x ** -1, x ** -2, x ** 0.5)")
case("core_ar_int_rpow", "for dt in ['int8', 'int32', 'uint8']:\n    x = mx.nd.array([0, 1, 7], dtype=dt); print(2 ** x, 0.5 ** x, (-2) ** x)")
case("core_ar_mod_neg_float", "x = mx.nd.array([-7.5, 7.5, -0.5, 0]); print(x % 2, x % -2, 2 % x, -2 % x)")
case("core_ar_mod_neg_f16", "x = mx.nd.array([-7.5, 7.5, -0.5, 0], dtype='float16'); print(x % 2, x % -2)")
case("core_ar_mod_neg_f64", "x = mx.nd.array([-7.5, 7.5, -0.5, 0], dtype='float64'); print(x % 2, x % -2)")
case("core_ar_mod_neg_int8", "x = mx.nd.array([-7, 7, -1, 0], dtype='int8'); print(x % 3, x % -3, 3 % mx.nd.array([-7, 7, -1, 2], dtype='int8'))")
case("core_ar_mod_neg_int64", "x = mx.nd.array([-7, 7, -1, 0], dtype='int64'); print(x % 3, x % -3)")
case("core_ar_abs_minint", "for dt, v in [('int8', -128), ('int32', -2147483648), ('int64', -2**63)]:\n    x = mx.nd.array([v, -1], dtype=dt); print(abs(x), mx.nd.abs(x), -x, mx.nd.negative(x))")
case("core_ar_sign_ints", "for dt in ['int8', 'uint8', 'int32', 'int64']:\n    x = mx.nd.array([0, 1, 5] if dt == 'uint8' else [-5, 0, 5], dtype=dt); print(mx.nd.sign(x), mx.nd.sign(x).dtype)")
case("core_ar_cmp_dtypes", "for dt in ['int8', 'uint8', 'int32', 'int64', 'float16', 'float64']:\n    x = mx.nd.array([1, 2], dtype=dt); print(dt, (x == 1).dtype, (x > x).dtype, (x <= 1.5).dtype, mx.nd.equal(x, x).dtype, mx.nd.logical_and(x, x).dtype)")
case("core_ar_scalar_int_in_float16", "x = mx.nd.array([1000, 2000], dtype='float16'); print(x + 70000, x * 100, x - 0.1)")
case("core_ar_scalar_big_in_int32", "x = mx.nd.array([1, 2], dtype='int32'); print(x + 2**31, x * 2**31, x + 2**40)")
case("core_ar_scalar_frac_in_int8", "x = mx.nd.array([10, -10], dtype='int8'); print(x * 0.5, x + 0.9, x - 0.9, x * 13, x / 1.7, x / -2.5)")
case("core_ar_scalar_frac_uint8", "x = mx.nd.array([10, 250], dtype='uint8'); print(x * 0.5, x + 0.9, x - 20.5, x / 1.3, x * -1, x / -1)")
case("core_ar_scalar_frac_div0_int8", "x = mx.nd.array([10, -10], dtype='int8'); print(x / 0.3)")
case("core_ar_clip_int_bounds", "for dt in ['uint8', 'int8', 'int32', 'int64']:\n    x = mx.nd.array([0, 1, 7, 100, 127], dtype=dt)\n    print(dt, mx.nd.clip(x, -5, 5), mx.nd.clip(x, 2, 300), mx.nd.clip(x, -1000, 1000), mx.nd.clip(x, 1.5, 99.5), x.clip(-1.5, -0.5))")
case("core_ar_scalar_out_of_range", "for dt in ['uint8', 'int8']:\n    x = mx.nd.array([0, 1, 100], dtype=dt)\n    print(dt, mx.nd.maximum(x, -5), mx.nd.minimum(x, 300), x > -1, x < 300, x == 256, x != -255, mx.nd.maximum(x, 1000))")
case("core_ar_float_nan_cmp", "x = mx.nd.array([np.nan, 1, np.inf]); print(x == x, x != x, x > 0, x < np.inf, mx.nd.maximum(x, 0), mx.nd.minimum(x, 0))")
case("core_ar_inf_ops", "x = mx.nd.array([np.inf, -np.inf, 0]); print(x * 0, x - x, x / x, 1 / x, x % 2, 2 % x)")
case("core_ar_neg_zero", "x = mx.nd.array([-0.0, 0.0]); print(1 / x, x * -1, mx.nd.sign(x), abs(x))")
case("core_ar_int_div_zero_scalar", "x = mx.nd.array([1, -1, 0], dtype='int8'); print(x / 0)")
case("core_ar_int_mod_zero_scalar", "x = mx.nd.array([1, -1, 0], dtype='int32'); print(x % 0)")
case("core_ar_int64_mod_zero_scalar", "x = mx.nd.array([1, -1, 0], dtype='int64'); print(x % 0)")
case("core_ar_uint8_neg_scalar", "x = mx.nd.array([1, 2], dtype='uint8'); print(x - 3, 3 - x, x * -2, x + -1)")
case("core_ar_f16_overflow", "x = mx.nd.array([60000, -60000], dtype='float16'); print(x + x, x * 2, x.sum(), x.mean())")
case("core_ar_f16_precision", "x = mx.nd.array([2048, 1], dtype='float16'); print(x + 1, x + 0.5, x.sum(), (x + 1).sum())")
case("core_ar_bool_result_arith", "x = mx.nd.array([1, 2, 3]); m = x > 1; print(m * x, m + m, m.sum(), (m * 2).dtype, -m)")
