"""Creation: mx.nd.array from every source kind, arange/linspace/eye/full corners, mixed dtypes."""
CASES = []


def case(name, code):
    CASES.append((name, code))


SHOW = "def S(r):\n    print(r.shape, r.dtype); print(r)\n"
SRCS = [
    "[mx.nd.array([1, 2]), mx.nd.array([3, 4])]", "(1, 2, 3)", "((1, 2), (3, 4))", "[(1, 2), [3, 4]]",
    "np.float32(2.5)", "np.int64(7)", "np.float16(1.5)", "np.bool_(True)", "[np.float64(1.5), np.int8(2)]",
    "[[1, 2], [3]]", "[[1, 2], 3]", "[1, [2, 3]]", "[]", "[[]]", "[[], []]", "range(4)", "[True, 2, 3.5]",
    "[1e40, -1e40]", "[2**40, 1]", "[[[1]]]", "np.array(3.5)", "np.array([[1, 2], [3, 4]])[:, 1]",
    "np.arange(6).reshape(2, 3).T", "np.array([1, 2], dtype=object)", "[mx.nd.array([1, 2])]",
    "[mx.nd.array(1), mx.nd.array(2)]", "mx.nd.array([[1, 2]]).T", "[[1.5, np.nan], [np.inf, -np.inf]]",
    "mx.nd.arange(3).asnumpy()", "memoryview(b'abc')", "None", "'3'", "{1: 2}",
    "[mx.nd.array([1, 2], dtype='int32'), mx.nd.array([3, 4], dtype='int32')]",
    "np.ones((2, 3), order='F')", "np.zeros((0, 3))", "[1 + 2j]",
]
for j, s in enumerate(SRCS):
    case(f"core_arr_src_{j}", SHOW + f"S(mx.nd.array({s}))")
NPDT = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
        "uint64", "bool", "complex64", "str_"]
for dt in NPDT:
    val = "[1, 0, 2]" if dt != "str_" else "['1', '2']"
    case(f"core_arr_np_{dt}", SHOW + f"S(mx.nd.array(np.array({val}, dtype=np.{dt})))")
    case(f"core_arr_np_{dt}_dt", SHOW + f"S(mx.nd.array(np.array({val}, dtype=np.{dt}), dtype='float32'))")
DTS = ["'float32'", "'float64'", "'float16'", "'int32'", "'int64'", "'int8'", "'uint8'", "'bool'",
       "np.float32", "np.float64", "np.int32", "np.uint8", "np.int64", "np.dtype('float16')", "float",
       "int", "bool", "'f4'", "'i8'", "'<f4'", "np.int16", "'int16'", "'uint16'", "np.uint32", "'float'",
       "None", "'double'", "'half'"]
for j, d in enumerate(DTS):
    case(f"core_arr_dtype_{j}", SHOW + f"S(mx.nd.array([1.7, -2.2, 3], dtype={d}))")
    case(f"core_zeros_dtype_{j}", SHOW + f"S(mx.nd.zeros((2,), dtype={d}))")
ARANGE = ["3", "0, 3, 0.5", "5, 0, -1", "5, 0, -2.5", "0, 1, 0.3", "-3, 3, 2", "2, 6, repeat=3",
          "0, 5, 2, repeat=2", "3, infer_range=True", "0, 3, 1, infer_range=False", "3, dtype='int32'",
          "0, 3, 0.5, dtype='int32'", "0, -3, -0.7, dtype='float64'", "1.5, 4", "0, 1e-3, 1e-4",
          "5, 5", "0, 10, 3, dtype='int64'", "0, 3, dtype='uint8'", "-2, 2, 0.5, dtype='float16'",
          "start=1, stop=4, step=1", "3, 0", "0, 3, -1", "np.float32(3)", "mx.nd.array([3]).asscalar()",
          "0, 2, 0.1", "10, repeat=0", "0, 1e6, 1e5", "stop=3", "3, ctx=mx.cpu(), dtype=np.int32",
          "0, 5, 1.5, repeat=2, dtype='int32'"]
for j, a in enumerate(ARANGE):
    case(f"core_arange_{j}", SHOW + f"S(mx.nd.arange({a}))")
LIN = ["0, 1, 5", "0, 1, 5, endpoint=False", "1, -1, 3", "0, 10, 4, dtype='int32'", "0, 1, 1",
       "0, 1, 0", "2, 2, 3", "0, 1, 3, dtype='float64'", "0, 1, 3, dtype='float16'", "-1.5, 1.5, 7, endpoint=False",
       "0, 1, num=4", "start=0, stop=2, num=3", "0, 5, 6, dtype='uint8'", "0, 1, -1"]
for j, a in enumerate(LIN):
    case(f"core_linspace_{j}", SHOW + f"S(mx.nd.linspace({a}))")
EYE = ["3", "2, 3", "3, 2", "3, k=1", "3, k=-2", "2, 3, 2", "3, 3, -3", "3, k=4", "1", "3, dtype='int32'",
       "3, 0, 1", "2, M=4, k=-1", "N=2, M=2", "0", "3, dtype='float16'", "2, dtype=np.uint8", "2, ctx=mx.cpu(1)"]
for j, a in enumerate(EYE):
    case(f"core_eye_{j}", SHOW + f"S(mx.nd.eye({a}))")
FULL = ["(2,), 1.5", "(2,), 1.5, dtype='int32'", "(2,), -1.5, dtype='uint8'", "(2,), 300, dtype='uint8'",
        "(2,), 300, dtype='int8'", "(2,), 1e10, dtype='int32'", "(2,), 70000, dtype='float16'",
        "(2,), np.nan, dtype='int32'", "(2, 2), 2, dtype='float64'", "(2,), 2, dtype=np.int64",
        "2, 7", "(2,), val=3", "(2,), True, dtype='bool'", "(2,), 0.1, dtype='float64'",
        "(2,), np.float64(0.1)", "(2,), mx.nd.array([3])", "(2,), 2**31, dtype='int64'", "(2,), 2**40, dtype='int64'",
        "(2,), -0.0", "(0,), 1", "(2, 0), 1"]
for j, a in enumerate(FULL):
    case(f"core_full_{j}", SHOW + f"S(mx.nd.full({a}))")
MIX = [("concat", "a, b, dim=0"), ("stack", "a, b"), ("concat", "a, c, dim=0"), ("stack", "a, c"),
       ("concat", "a, a, dim=0"), ("add_n", "a, b"), ("elemwise_add", "a, b"), ("broadcast_add", "a, b"),
       ("broadcast_add", "a, c"), ("where", "a > 0, a, b"), ("dot", "a, b.reshape((2, 1))"),
       ("maximum", "a, b"), ("concat", "c, d, dim=0"), ("stack", "c, d, axis=1")]
for j, (f, a) in enumerate(MIX):
    case(f"core_mixdt_{j}", "a = mx.nd.array([1, 2]); b = mx.nd.array([3, 4], dtype='int32'); "
         "c = mx.nd.array([5, 6], dtype='float16'); d = mx.nd.array([7, 8], dtype='float64')\n"
         + f"r = mx.nd.{f}({a}); print(r, r.dtype)")
case("core_mixdt_pyops", "a = mx.nd.array([1, 2]); b = mx.nd.array([3, 4], dtype='float16')\nfor f in [lambda: a + b, lambda: a * b, lambda: a > b, lambda: b - a]:\n    try:\n        r = f(); print(r, r.dtype)\n    except mx.base.MXNetError as e:\n        print('MXNetError')")
case("core_concat_empty", "print(mx.nd.concat(dim=0))")
case("core_stack_one", "r = mx.nd.stack(mx.nd.array([1, 2])); print(r, r.shape)")
case("core_stack_list", "print(mx.nd.stack(*[mx.nd.array([1, 2])] * 3, axis=1))")
case("core_concat_list_arg", "print(mx.nd.concat([mx.nd.array([1, 2]), mx.nd.array([3])], dim=0))")
case("core_concatenate_dtype", "r = mx.nd.concatenate([mx.nd.array([1, 2], dtype='int32'), mx.nd.array([3], dtype='int32')]); print(r, r.dtype)")
case("core_concatenate_mix", "r = mx.nd.concatenate([mx.nd.array([1, 2], dtype='int32'), mx.nd.array([3.5])]); print(r, r.dtype)")
case("core_like_dtype", "a = mx.nd.array([1, 2], dtype='int8'); print(mx.nd.zeros_like(a).dtype, mx.nd.ones_like(a, dtype='float32') if False else '', a.zeros_like().dtype, mx.nd.full((2,), 1, dtype=a.dtype).dtype)")
case("core_empty_dtype", "x = mx.nd.empty((2, 3), dtype='int32'); print(x.shape, x.dtype); x = mx.nd.empty(4); print(x.shape, x.dtype); x = mx.nd.empty((2,), mx.cpu(1), 'float64'); print(x.context, x.dtype)")
case("core_array_nd_ctx", "a = mx.nd.array([1, 2]); b = mx.nd.array(a, ctx=mx.cpu(1)); print(b.context, b is a)")
case("core_array_shares", "a = mx.nd.array([1, 2]); b = mx.nd.array(a); b[0] = 9; print(a, b)")
case("core_array_np_view", "n = np.arange(4.); a = mx.nd.array(n[::2]); print(a)")
case("core_array_big_int", "a = mx.nd.array([2**31, 1], dtype='int64'); print(a, a.dtype); a = mx.nd.array(np.array([2**40], dtype=np.int64)); print(a, a.dtype)")
case("core_array_int_to_f32_round", "a = mx.nd.array([16777217, 1]); print(a, a.asnumpy()[0])")
