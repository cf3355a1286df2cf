"""repr/str/print per dtype and size, scalars and truthiness, save/load round trips, properties."""
CASES = []


def case(name, code):
    CASES.append((name, code))


DTS = ["float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool"]
VALS = {
    "mixed": "[[0.1, -2.5, 3], [1e-3, 100.25, -0.0]]",
    "tiny": "[1e-7, 1e-5, 0.5]",
    "huge": "[1e5, 123456.7, -3e6]",
    "ints": "[[1, 2, 3], [4, 5, 6]]",
    "special": "[np.nan, np.inf, -np.inf, 1.5]",
}
for dt in DTS:
    for nm, v in VALS.items():
        case(f"core_pr_{dt}_{nm}", f"x = mx.nd.array({v}).astype('{dt}'); print(x); print(repr(x)); print(str(x) == repr(x))")
    case(f"core_pr_{dt}_big1d", f"print(mx.nd.arange(1500).astype('{dt}'))")
    case(f"core_pr_{dt}_big2d", f"print(mx.nd.arange(2400).reshape((40, 60)).astype('{dt}'))")
    case(f"core_pr_{dt}_big3d", f"print(mx.nd.arange(1200).reshape((4, 20, 15)).astype('{dt}'))")
    case(f"core_pr_{dt}_edge1000", f"print(mx.nd.arange(1000).astype('{dt}')[-3:], len(str(mx.nd.arange(1000).astype('{dt}'))), len(str(mx.nd.arange(1001).astype('{dt}'))))")
    case(f"core_pr_{dt}_empty", f"x = mx.nd.array(np.zeros((0, 3))).astype('{dt}'); print(x); print(repr(x))")
    case(f"core_pr_{dt}_0d", f"x = mx.nd.array(np.array(2.5)).astype('{dt}'); print(x); print(repr(x))")
    case(f"core_pr_{dt}_4d", f"print(mx.nd.arange(16).reshape((2, 2, 2, 2)).astype('{dt}'))")
    case(f"core_pr_{dt}_asscalar", f"s = mx.nd.array([3.7]).astype('{dt}').asscalar(); print(type(s).__name__, s)")
    case(f"core_pr_{dt}_tolist", f"print(mx.nd.array([[1.5, 0], [2, 3]]).astype('{dt}').tolist())")
    case(f"core_pr_{dt}_bool", f"x = mx.nd.array([0.5]).astype('{dt}'); print(bool(x), bool(mx.nd.zeros((1,)).astype('{dt}')))")
case("core_pr_int64_big_vals", "x = mx.nd.array([2**62, -2**62, 2**53 + 1], dtype='int64'); print(x, x.asnumpy().tolist())")
case("core_pr_int64_big_asscalar", "print(mx.nd.array([2**53 + 1], dtype='int64').asscalar())")
case("core_pr_f16_vals", "print(mx.nd.array([0.1, 65504, 6e-5, 6e-8, 1/3.], dtype='float16'))")
case("core_pr_f16_repr_big", "print(mx.nd.array([1e4, 3e4, 0.5], dtype='float16'))")
case("core_pr_f32_sci", "print(mx.nd.array([1e-10, 1e10, 1]))")
case("core_pr_f32_sci_small", "print(mx.nd.array([1e-5, 1e-4]))")
case("core_pr_f64_long", "print(mx.nd.array([1 / 3., 2 / 3.], dtype='float64'), mx.nd.array([np.pi], dtype='float64'))")
case("core_pr_neg_zero_int", "print(mx.nd.array([-0.0]).astype('int32'))")
case("core_pr_list_of_nd", "print([mx.nd.array([1, 2]), mx.nd.array([3], dtype='int32')])")
case("core_pr_tuple_of_nd", "print((mx.nd.array([1]),))")
case("core_pr_dict_of_nd", "print({'a': mx.nd.array([1])})")
case("core_pr_fstring_spec", "x = mx.nd.array([2.5]); print(f'{x.asscalar():.3f}', '%s' % x, '%r' % x)")
case("core_pr_format_empty", "x = mx.nd.array([2.5]); print(format(x))")
case("core_pr_big_1001", "print(mx.nd.ones((1001,)))")
case("core_pr_big_cols", "print(mx.nd.ones((3, 400)))")
case("core_pr_big_rows", "print(mx.nd.ones((400, 3)))")
case("core_pr_ctx_repr", "print(repr(mx.nd.ones((1,), ctx=mx.cpu(2))), repr(mx.nd.ones((2, 3, 4), ctx=mx.cpu(1)))[-25:])")
case("core_pr_grad_repr", "x = mx.nd.ones((2,)); x.attach_grad(); print(x.grad); print(repr(x.grad))")
case("core_pr_printoptions", "np.set_printoptions(precision=2)\nprint(mx.nd.array([1 / 3.]))\nnp.set_printoptions(precision=8)")
case("core_pr_printoptions_sup", "np.set_printoptions(suppress=True)\nprint(mx.nd.array([1e-10, 1.]))\nnp.set_printoptions(suppress=False)")
# ---- scalars and truthiness
case("core_sc_asscalar_2", "mx.nd.ones((2,)).asscalar()")
case("core_sc_asscalar_0", "mx.nd.array(np.zeros((0,))).asscalar()")
case("core_sc_asscalar_11", "s = mx.nd.ones((1, 1, 1)).asscalar(); print(type(s).__name__, s)")
case("core_sc_asscalar_int", "s = mx.nd.array([5], dtype='int32').asscalar(); print(type(s).__name__, s, s + 1)")
case("core_sc_len_0d", "print(len(mx.nd.array(np.array(2.0))))")
case("core_sc_len_2d", "print(len(mx.nd.ones((3, 2))), len(mx.nd.array(np.zeros((0, 2)))))")
case("core_sc_bool_0", "print(bool(mx.nd.array(np.zeros((0,)))))")
case("core_sc_bool_2", "print(bool(mx.nd.ones((2,))))")
case("core_sc_bool_11", "print(bool(mx.nd.ones((1, 1))), bool(mx.nd.zeros((1, 1, 1))))")
case("core_sc_bool_0d", "print(bool(mx.nd.array(np.array(0.0))), bool(mx.nd.array(np.array(3.0))))")
case("core_sc_bool_nan", "print(bool(mx.nd.array([np.nan])))")
case("core_sc_if", "x = mx.nd.array([1, 2])\nif (x > 0).sum() > 1:\n    print('yes')")
case("core_sc_while", "x = mx.nd.array([3.])\nn = 0\nwhile x > 0:\n    x -= 1; n += 1\nprint(n, x)")
case("core_sc_float_2", "print(float(mx.nd.ones((2,))))")
case("core_sc_int_f", "print(int(mx.nd.array([2.7])), int(mx.nd.array([-2.7])))")
case("core_sc_round_builtin", "print(round(mx.nd.array([2.7]).asscalar()))")
case("core_sc_max_builtin", "print(max(mx.nd.array([1., 3, 2])))")
case("core_sc_sum_builtin", "print(sum(mx.nd.array([1., 3, 2])))")
case("core_sc_list_builtin", "print(list(mx.nd.array([1., 2])))")
case("core_sc_sorted_builtin", "print(sorted(mx.nd.array([3., 1, 2]).asnumpy()))")
case("core_sc_np_float", "print(np.float32(mx.nd.array([2.5]).asscalar()) * 2)")
case("core_sc_contains", "x = mx.nd.array([1., 2]); print(1 in x.asnumpy(), 3 in x.asnumpy())")
# ---- save/load
SL = "import tempfile, os\nd = tempfile.mkdtemp(); fn = os.path.join(d, 'f.nd')\n"
SAVES = ["[mx.nd.array([1, 2])]", "[mx.nd.array([1, 2], dtype='int32'), mx.nd.ones((2, 3), dtype='float16')]",
         "{'w': mx.nd.array([[1.5, 2]]), 'b': mx.nd.zeros((1,), dtype='float64')}", "mx.nd.arange(6).reshape((2, 3))",
         "[]", "{}", "{'a': mx.nd.array([1], dtype='uint8'), 'z': mx.nd.array([2], dtype='int8'), 'm': mx.nd.array([3], dtype='int64')}",
         "[mx.nd.array(np.zeros((0, 2)))]", "(mx.nd.array([1]), mx.nd.array([2]))", "[mx.nd.array([1])[0:1]]",
         "{'x': mx.nd.arange(4)[1:3]}", "[mx.nd.array([1.]), 5]", "{1: mx.nd.array([1.])}", "[mx.nd.ones((2, 2)).T]",
         "mx.nd.array([[1, 2], [3, 4]])[:, 1]"]
for j, s in enumerate(SAVES):
    case(f"core_sl_{j}", SL + f"mx.nd.save(fn, {s}); r = mx.nd.load(fn); print(type(r).__name__)\n"
         "if isinstance(r, dict):\n    [print(k, v, v.dtype) for k, v in sorted(r.items())]\nelse:\n    [print(v, v.dtype) for v in r]")
case("core_sl_bytes_size", SL + "mx.nd.save(fn, {'w': mx.nd.array([[1.5, 2]])}); print(os.path.getsize(fn), open(fn, 'rb').read().hex())")
case("core_sl_list_bytes", SL + "mx.nd.save(fn, [mx.nd.array([1, 2], dtype='int32')]); print(open(fn, 'rb').read().hex())")
case("core_sl_overwrite", SL + "mx.nd.save(fn, [mx.nd.ones((3,))]); mx.nd.save(fn, [mx.nd.zeros((1,))]); print(mx.nd.load(fn))")
case("core_sl_pathlib", SL + "import pathlib\nmx.nd.save(pathlib.Path(fn), [mx.nd.ones((1,))]); print(mx.nd.load(fn))")
case("core_sl_load_pathlib", SL + "import pathlib\nmx.nd.save(fn, [mx.nd.ones((1,))]); print(mx.nd.load(pathlib.Path(fn)))")
case("core_sl_grad_kept", SL + "x = mx.nd.ones((2,)); x.attach_grad(); mx.nd.save(fn, [x]); y = mx.nd.load(fn)[0]; print(y.grad)")
case("core_sl_pickle", "import pickle\nx = mx.nd.array([[1, 2]], dtype='int32'); y = pickle.loads(pickle.dumps(x)); print(y, y.dtype, y.context)")
case("core_sl_copy_module", "import copy\nx = mx.nd.array([1, 2]); y = copy.copy(x); z = copy.deepcopy(x); y[0] = 5; print(x, y, z)")
case("core_sl_waitall", "print(mx.nd.waitall(), mx.nd.ones((1,)).wait_to_read())")
# ---- properties
case("core_prop_context", "x = mx.nd.ones((1,)); print(x.context, x.ctx, type(x.context).__name__, x.context.device_type, x.context.device_id)")
case("core_prop_stype", "print(mx.nd.ones((1,)).stype, mx.nd.ones((1,)).tostype('default').stype)")
case("core_prop_grad_before", "x = mx.nd.ones((1,)); print(x.grad, x.grad is None)")
case("core_prop_grad_after", "x = mx.nd.ones((2,), dtype='float64'); x.attach_grad(); print(x.grad, x.grad.dtype, x.grad.context)")
case("core_prop_grad_req_null", "x = mx.nd.ones((2,)); x.attach_grad(grad_req='null'); print(x.grad)")
case("core_prop_grad_int", "x = mx.nd.ones((2,), dtype='int32'); x.attach_grad(); print(x.grad, x.grad.dtype)")
case("core_prop_handle_type", "x = mx.nd.ones((1,)); h = x.handle; print(h is not None)")
case("core_prop_writable", "x = mx.nd.ones((1,)); print(x.writable, x[0:1].writable, x.reshape((1,)).writable, x.T.writable)")
case("core_prop_shape_setattr", "x = mx.nd.ones((2, 3)); x.shape = (3, 2)")
case("core_prop_dtype_setattr", "x = mx.nd.ones((2, 3)); x.dtype = np.float64")
case("core_prop_size_ndim", "x = mx.nd.ones((2, 3, 4)); print(x.size, x.ndim, type(x.size).__name__, type(x.shape).__name__, type(x.shape[0]).__name__)")
case("core_prop_T_3d", "print(mx.nd.ones((2, 3, 4)).T.shape)")
case("core_prop_T_1d", "print(mx.nd.ones((3,)).T.shape)")
case("core_prop_eq_hash", "x = mx.nd.ones((1,)); s = {x}; print(len(s), x in s)")
case("core_prop_iter_0d", "for r in mx.nd.array(np.array(1.0)): print(r)")
case("core_prop_reversed", "print([r.asscalar() for r in reversed(mx.nd.array([1., 2, 3]))])")
case("core_prop_dlpack", "x = mx.nd.array([1., 2]); print(type(x.to_dlpack_for_read()).__name__)")
case("core_prop_nbytes", "print(hasattr(mx.nd.ones((2,)), 'nbytes'), hasattr(mx.nd.ones((2,)), 'itemsize'))")
case("core_prop_dir_public", "print(sorted(n for n in dir(mx.nd.ones((1,))) if not n.startswith('_') and n not in ('as_np_ndarray',))[:20])")
