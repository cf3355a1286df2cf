"""Odds and ends: Python dtype objects, test_utils, transposes, integer ordering, printing."""
CASES = []


def case(name, code):
    CASES.append((name, code))


for d in ["int", "float", "bool", "'float'", "'int'", "'double'", "'half'", "'f4'", "'i8'", "np.float_", "np.int_", "'uint8'", "'float16'"]:
    case(f"dtype_py_{d.replace(chr(39), 'q')}", f"x = mx.nd.zeros((2,), dtype={d}); print(x.dtype, x)")
    case(f"astype_py_{d.replace(chr(39), 'q')}", f"x = mx.nd.array([1.7, -2.2]).astype({d}); print(x.dtype, x)")
case("tu_assert_almost_equal", "from mxnet.test_utils import assert_almost_equal\nassert_almost_equal(mx.nd.ones((2,)), np.ones(2)); assert_almost_equal(np.ones(2), np.ones(2) + 1e-9); print('ok')" if False else "assert_almost_equal = mx.test_utils.assert_almost_equal\nassert_almost_equal(mx.nd.ones((2,)), np.ones(2)); assert_almost_equal(np.ones(2), np.ones(2) + 1e-9); print('ok')")
case("tu_assert_almost_equal_fail", "mx.test_utils.assert_almost_equal(np.ones(2), np.ones(2) + 1e-2)")
case("tu_almost_equal", "print(mx.test_utils.almost_equal(np.ones(2), np.ones(2) + 1e-9), mx.test_utils.almost_equal(np.ones(2), np.ones(2) * 2))")
case("tu_default_context", "print(mx.test_utils.default_context())")
case("tu_same", "print(mx.test_utils.same(np.ones(2), np.ones(2)), mx.test_utils.same(np.ones(2), np.zeros(2)))")
case("tu_rand_ndarray", "x = mx.test_utils.rand_ndarray((2, 3)); print(x.shape, x.dtype, type(x).__name__)")
case("tu_check_numeric_gradient_exists", "print(hasattr(mx.test_utils, 'check_numeric_gradient'), hasattr(mx.test_utils, 'assert_exception'))")
case("T_1d_3d", "print(mx.nd.arange(3).T, mx.nd.arange(24).reshape((2, 3, 4)).T.shape)")
case("topk_int", "a = mx.nd.array([[3, 1, 2, 7]], dtype='int32'); r = mx.nd.topk(a, k=2, ret_typ='value'); print(r, r.dtype); r = mx.nd.topk(a, k=2); print(r, r.dtype)")
case("sort_int", "a = mx.nd.array([[3, 1, 2, 7]], dtype='int32'); r = mx.nd.sort(a, is_ascend=False); print(r, r.dtype); r = mx.nd.argsort(a); print(r, r.dtype)")
case("sort_f64", "a = mx.nd.array([[3, 1, 2, 7]], dtype='float64'); r = mx.nd.argsort(a); print(r, r.dtype); r = mx.nd.topk(a, ret_typ='both', k=2); print(r, [t.dtype for t in r])")
case("argmax_f64", "a = mx.nd.array([[3, 1, 2, 7]], dtype='float64'); r = mx.nd.argmax(a, axis=1); print(r, r.dtype)")
case("one_hot_dtypes", "r = mx.nd.one_hot(mx.nd.array([1, 0], dtype='int32'), 3); print(r, r.dtype); r = mx.nd.one_hot(mx.nd.array([1., 2]), 3, dtype='float64'); print(r.dtype)")
case("pick_int", "a = mx.nd.arange(6, dtype='int32').reshape((2, 3)); r = mx.nd.pick(a, mx.nd.array([2, 0])); print(r, r.dtype)")
case("take_int_data", "a = mx.nd.arange(6, dtype='int64').reshape((2, 3)); r = mx.nd.take(a, mx.nd.array([1])); print(r, r.dtype)")
case("where_scalar_cond", "print(mx.nd.where(mx.nd.array([1.]), mx.nd.array([2.]), mx.nd.array([3.])))")
case("sum_keepdims_int", "x = mx.nd.ones((2, 3)); print(x.sum(axis=0, keepdims=1).shape, x.sum(axis=0, keepdims=0).shape)")
case("mean_int64", "x = mx.nd.array([1, 2, 4], dtype='int64'); print(x.mean(), x.sum(), x.prod())")
case("sum_uint8_wrap", "x = mx.nd.ones((300,), dtype='uint8'); print(x.sum(), x.sum().dtype)")
case("sum_int8_wrap", "x = mx.nd.ones((200,), dtype='int8'); print(x.sum(), x.mean())")
case("max_uint8", "x = mx.nd.array([1, 255, 3], dtype='uint8'); print(x.max(), x.min(), x.argmax())")
case("nd_print_f16_big", "print(mx.nd.arange(1200, dtype='float16'))")
case("nd_print_i64_big", "print(mx.nd.arange(1200, dtype='int64') * 1000000)")
case("nd_print_f64_small", "print(mx.nd.array([1e-10, 1.5, 1e5], dtype='float64'))")
case("nd_print_mixed_exp", "print(mx.nd.array([1e-5, 1.5, 1e8]))")
case("nd_print_nested_big", "print(mx.nd.arange(2 * 600).reshape((2, 600)))")
case("nd_print_3d_big", "print(mx.nd.arange(8 * 10 * 15).reshape((8, 10, 15)))")
case("inplace_slice_add", "x = mx.nd.ones((2, 3)); x[:, 1] += 1; print(x)")
case("inplace_slice_view_add", "x = mx.nd.ones((2, 3)); v = x[1]; v += 5; print(x)")
case("setitem_broadcast_row", "x = mx.nd.zeros((2, 3)); x[:] = mx.nd.array([1., 2, 3]); print(x); x[:] = [[7], [8]]; print(x)")
case("setitem_bad_broadcast", "x = mx.nd.zeros((2, 3)); x[:] = np.ones((3, 2))")
case("setitem_nd_dtype", "x = mx.nd.zeros((3,), dtype='int32'); x[:] = mx.nd.array([1.9, -1.9, 2.5]); print(x)")
case("setitem_step_neg", "x = mx.nd.arange(6); x[::-2] = 0; print(x)")
case("setitem_adv_dup", "x = mx.nd.zeros((4,)); x[mx.nd.array([1, 1, 2])] = mx.nd.array([5., 6, 7]); print(x)")
case("getitem_float_idx", "x = mx.nd.arange(6); print(x[mx.nd.array([1.7, 2.2])])")
case("getitem_neg_idx_nd", "x = mx.nd.arange(6); print(x[mx.nd.array([-1, -2])])")
case("getitem_oob_nd", "x = mx.nd.arange(6); print(x[mx.nd.array([7])])")
case("iter_0d", "x = mx.nd.array(2.0)\nfor v in x: print(v)")
case("contains", "x = mx.nd.arange(3); print(1 in x)")
case("copy_grad_state", "x = mx.nd.ones((2,)); x.attach_grad(); y = x.copy(); print(y.grad)")
case("detach_grad", "x = mx.nd.ones((2,)); x.attach_grad(); print(x.detach().grad)")
case("astype_grad", "x = mx.nd.ones((2,)); x.attach_grad()\nwith mx.autograd.record():\n    y = (x.astype('float64') * 3).astype('float32')\ny.backward(); print(x.grad, x.grad.dtype)")
case("ndarray_size_0d", "x = mx.nd.array(2.0); print(x.size, x.ndim, x.shape)")
case("nd_div_int_scalar_float", "print(mx.nd.array([3, 4], dtype='int32') / 2.0, mx.nd.array([3, 4], dtype='int32') * 0.5)")
case("rpow_int", "print(2 ** mx.nd.array([3, -1], dtype='int32'), 2.5 ** mx.nd.array([3, 2], dtype='int32'))")
case("rsub_int", "print(10 - mx.nd.array([3, 4], dtype='uint8'), 1.5 - mx.nd.array([3, 4], dtype='int32'))")
case("rdiv_int", "print(10 / mx.nd.array([3, 4], dtype='int32'), 1 / mx.nd.array([0, 4], dtype='int32'))")
case("cmp_scalar_int_array_float", "a = mx.nd.array([1, 2, 3], dtype='int32'); print(a > 1.5, a == 2.7, a < 2.9)")
case("maximum_scalar_int", "a = mx.nd.array([1, 2, 3], dtype='int32'); print(mx.nd.maximum(a, 1.5), mx.nd.minimum(a, 2.5), mx.nd.maximum(2.5, a))")
case("maximum_scalars", "print(mx.nd.maximum(1, 2), mx.nd.minimum(3.0, 2))")
case("power_fn_scalar", "print(mx.nd.power(mx.nd.array([2., 3]), 2), mx.nd.power(2, mx.nd.array([2., 3])))")
case("add_fn_scalars", "print(mx.nd.add(mx.nd.array([1., 2]), 3), mx.nd.subtract(3, mx.nd.array([1., 2])), mx.nd.multiply(mx.nd.array([1., 2]), 2), mx.nd.divide(6, mx.nd.array([1., 2])), mx.nd.modulo(mx.nd.array([5., 6]), 4))")
case("equal_fn_scalar", "print(mx.nd.equal(mx.nd.array([1., 2]), 2), mx.nd.greater(3, mx.nd.array([1., 5])), mx.nd.not_equal(mx.nd.array([1., 2]), 1))")
case("add_fn_two_scalars", "print(mx.nd.add(1, 2))")
case("int8_scalar_overflow", "a = mx.nd.array([1, 2, -3], dtype='int8'); print(a * 300, a + 200, a * 2.9, a - 129)")
case("uint8_arith_wrap", "a = mx.nd.array([250, 3, 128], dtype='uint8'); b = mx.nd.array([10, 5, 128], dtype='uint8'); print(a + b, a - b, a * b, a / b, a % b, a + 10, 5 - a)")
case("int32_div_neg_scalar", "a = mx.nd.array([7, -7, 9], dtype='int32'); print(a / 2, a / -2, -7 / a, a // 2 if hasattr(a, '__floordiv__') else '')")
case("int64_big", "a = mx.nd.array([2**40, -2**40], dtype='int64'); print(a * 3, a + 1, a / 7)")
case("int64_scalar_precision", "a = mx.nd.array([2**53 + 1], dtype='int64'); print(a + 1, a * 1)")
case("f16_arith", "a = mx.nd.array([0.1, 1000.5, -3.3], dtype='float16'); b = mx.nd.array([3, 0.7, 1e-3], dtype='float16'); print(a + b, a * b, a / b, a ** 2, mx.nd.exp(b), mx.nd.sqrt(mx.nd.abs(a)))")
case("f16_sum_mean", "a = mx.nd.arange(1000, dtype='float16') * 0.1; print(a.sum(), a.mean(), a.max(), mx.nd.norm(a))")
case("f16_dot", "a = mx.nd.array([[0.1, 0.2], [0.3, 0.4]], dtype='float16'); print(mx.nd.batch_dot(a.reshape((1, 2, 2)), a.reshape((1, 2, 2))))")
case("array_from_f16_np", "x = mx.nd.array(np.array([1.5, 2], dtype=np.float16)); print(x.dtype)")
case("array_from_f16_nd", "x = mx.nd.array(mx.nd.array([1.5, 2], dtype='float16')); print(x.dtype)")
case("ag_view_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    a = x[1:]\n    b = x[:, 1]\n    c = x.reshape((3, 2))[2]\n    y = a.sum() * 2 + (b * b).sum() + (c * 3).sum()\ny.backward(); print(x.grad)")
case("ag_view_of_var_setitem_after", "x = mx.nd.arange(3); x.attach_grad()\nwith mx.autograd.record():\n    y = x * 2\ny.backward(); x[0] = 10; print(x, x.grad)\nwith mx.autograd.record():\n    y = x * x\ny.backward(); print(x.grad)")
case("ag_expand_squeeze_grad", "x = mx.nd.arange(3); x.attach_grad()\nwith mx.autograd.record():\n    y = x.expand_dims(0).broadcast_to((2, 3)).squeeze() if False else x.expand_dims(0).broadcast_to((2, 3))\ny.backward(); print(x.grad)")
case("ag_int_index_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = x[1, 2] * 5 + x[0][1]\ny.backward(); print(x.grad, y.shape)")
case("ag_concat_split_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    p = mx.nd.split(x, num_outputs=3, axis=1)\n    y = mx.nd.concat(p[2], p[0] * 2, dim=0)\ny.backward(mx.nd.arange(4).reshape((4, 1))); print(x.grad)")
case("ag_take_pick_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.pick(x, mx.nd.array([2, 2]), axis=1) * mx.nd.array([1., 10])\ny.backward(); print(x.grad)")
case("ag_where_grad", "x = mx.nd.array([1., -2, 3]); z = mx.nd.array([5., 6, 7]); x.attach_grad(); z.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.where(x > 0, x * 2, z * 3)\ny.backward(); print(x.grad, z.grad)")
case("ag_topk_both_grad", "x = mx.nd.array([[3., 1, 2]]); x.attach_grad()\nwith mx.autograd.record():\n    v = mx.nd.topk(x, k=2, ret_typ='value')\ny = v\ny.backward(mx.nd.array([[1., 5]])); print(x.grad)")
case("ag_norm_axis_grad", "x = mx.nd.array([[3., 4], [1, 0]]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.norm(x, axis=1)\ny.backward(); print(x.grad)")
case("ag_prod_grad_zero", "x = mx.nd.array([2., 0, 3]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.prod(x)\ny.backward(); print(x.grad)")
case("ag_mean_keepdims_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = x.mean(axis=0, keepdims=True) * mx.nd.array([[1., 2, 3]])\ny.backward(); print(x.grad)")
case("ag_cast_int_grad", "x = mx.nd.array([1.5, 2.5]); x.attach_grad()\nwith mx.autograd.record():\n    y = x.astype('int32')\ny.backward(); print(x.grad, x.grad.dtype)")
case("ag_grad_req_add_then_write", "x = mx.nd.array([1., 2]); x.attach_grad('add')\nwith mx.autograd.record():\n    y = x * 3\ny.backward(); y2 = None\nx.attach_grad('write')\nwith mx.autograd.record():\n    y = x * 3\ny.backward(); print(x.grad)")
case("ag_two_vars_one_unused", "x = mx.nd.array([1., 2]); z = mx.nd.array([3., 4]); x.attach_grad(); z.attach_grad(); z.grad[:] = 7\nwith mx.autograd.record():\n    y = x * 3\ny.backward(); print(x.grad, z.grad)")
case("ag_pause_then_backward", "x = mx.nd.array([1., 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = x * 3\n    with mx.autograd.pause():\n        y.backward()\nprint(x.grad)")
case("ag_broadcast_to_grad", "x = mx.nd.array([[1.], [2]]); x.attach_grad()\nwith mx.autograd.record():\n    y = x.broadcast_to((2, 4)) * mx.nd.arange(8).reshape((2, 4))\ny.backward(); print(x.grad)")
case("ag_tile_repeat_grad", "x = mx.nd.array([[1., 2]]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.tile(x, reps=(2, 2)) * mx.nd.arange(8).reshape((2, 4)) + mx.nd.repeat(x, repeats=2, axis=1).sum()\ny.backward(); print(x.grad)")
case("ag_flip_transpose_grad", "x = mx.nd.arange(6).reshape((2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = x.flip(axis=1).T * mx.nd.arange(6).reshape((3, 2))\ny.backward(); print(x.grad)")
case("ag_sort_argsort_grad", "x = mx.nd.array([3., 1, 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.sort(x, is_ascend=False) * mx.nd.array([1., 2, 3])\ny.backward(); print(x.grad)")
case("ag_clip_grad_bounds", "x = mx.nd.array([-1., 0, 1, 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.clip(x, 0, 1)\ny.backward(); print(x.grad)")
case("ag_abs_sign_grad", "x = mx.nd.array([-1., 0, 2]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.abs(x) + mx.nd.sign(x) + mx.nd.round(x) + mx.nd.floor(x)\ny.backward(); print(x.grad)")
case("ag_minimum_ties", "x = mx.nd.array([1., 2]); z = mx.nd.array([1., 1]); x.attach_grad(); z.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.minimum(x, z) + mx.nd.broadcast_maximum(x, z)\ny.backward(); print(x.grad, z.grad)")
case("ag_power_grads", "x = mx.nd.array([1., 2]); z = mx.nd.array([3., 0.5]); x.attach_grad(); z.attach_grad()\nwith mx.autograd.record():\n    y = x ** z + 2 ** x + x ** 3\ny.backward(); print(x.grad, z.grad)")
case("ag_log_softmax_pick_loss", "x = mx.nd.array([[1., 2, 3], [1, 1, 1]]); x.attach_grad()\nwith mx.autograd.record():\n    l = -mx.nd.pick(mx.nd.log_softmax(x), mx.nd.array([2, 0])).mean()\nl.backward(); print(l, x.grad)")
case("ag_softmax_ce_grad", "x = mx.nd.array([[1., 2, 3], [1, 1, 1]]); x.attach_grad()\nwith mx.autograd.record():\n    l = mx.nd.softmax_cross_entropy(x, mx.nd.array([2, 0]))\nl.backward(); print(l, x.grad)")
case("ag_smooth_l1_grad", "x = mx.nd.array([-2., -0.5, 0.2, 3.]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.smooth_l1(x, scalar=2.0)\ny.backward(); print(y, x.grad)")
SURFACE = {
    "mx": ["nd", "ndarray", "autograd", "init", "initializer", "random", "context", "base", "test_utils", "cpu", "gpu",
           "cpu_pinned", "Context", "current_context", "MXNetError", "num_gpus", "__version__"],
    "mx.nd": ["NDArray", "array", "zeros", "ones", "empty", "full", "arange", "save", "load", "load_frombuffer",
              "waitall", "concat", "stack", "split", "dot", "batch_dot", "where", "clip", "random", "ndarray",
              "zeros_like", "ones_like", "moveaxis", "onehot_encode", "imdecode", "histogram", "split_v2",
              "from_numpy", "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write", "true_divide",
              "power", "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "lesser",
              "lesser_equal", "logical_and", "logical_or", "logical_xor", "add", "subtract", "multiply",
              "divide", "modulo", "negative", "cast_storage", "sparse", "contrib", "linalg", "op", "internal",
              "_internal", "image", "register", "utils", "fill_element_0index", "choose_element_0index",
              "broadcast_axes", "reshape_like", "shape_array", "size_array", "ravel_multi_index",
              "unravel_index", "index_copy", "index_array", "argmax_channel", "batch_take", "Custom",
              "CTCLoss", "ctc_loss", "RNN", "ROIPooling", "SpatialTransformer", "GridGenerator",
              "BilinearSampler", "Correlation", "IdentityAttachKLSparseReg", "SVMOutput", "UpSampling",
              "cumsum", "sort", "argsort", "topk", "khatri_rao", "multi_sgd_update", "sgd_update",
              "sgd_mom_update", "adam_update", "rmsprop_update", "ftrl_update", "signsgd_update",
              "all_finite", "multi_all_finite", "reset_arrays", "amp_multicast", "norm", "L2Normalization"],
    "mx.nd.NDArray": ["shape", "size", "ndim", "dtype", "context", "ctx", "stype", "grad", "handle", "writable",
                      "T", "asnumpy", "asscalar", "astype", "copy", "copyto", "as_in_context", "attach_grad",
                      "detach", "backward", "wait_to_read", "tostype", "reshape", "zeros_like", "ones_like",
                      "broadcast_to", "broadcast_like", "tile", "pad", "swapaxes", "split", "slice", "take",
                      "one_hot", "pick", "sort", "topk", "argmax", "clip", "abs", "sign", "flatten",
                      "expand_dims", "squeeze", "nansum", "nanprod", "norm", "round", "rint", "fix", "floor",
                      "ceil", "trunc", "sin", "log", "exp", "sqrt", "square", "relu", "sigmoid", "softmax",
                      "log_softmax", "softmin", "sum", "mean", "max", "min", "prod", "argmin", "repeat",
                      "flip", "diag", "depth_to_space", "space_to_depth", "shape_array", "size_array",
                      "transpose", "reshape_like", "as_nd_ndarray", "wait_to_write", "__dlpack__"],
    "mx.autograd": ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
                    "set_recording", "set_training", "backward", "grad", "mark_variables", "Function",
                    "get_symbol"],
    "mx.random": ["seed", "uniform", "normal", "randint", "poisson", "exponential", "gamma", "multinomial",
                  "negative_binomial", "generalized_negative_binomial", "shuffle", "randn"],
    "mx.init": ["Initializer", "InitDesc", "Zero", "One", "Constant", "Uniform", "Normal", "Orthogonal", "Xavier",
                "MSRAPrelu", "Bilinear", "LSTMBias", "FusedRNN", "Load", "Mixed", "register", "alias", "create"],
    "mx.test_utils": ["assert_almost_equal", "almost_equal", "same", "default_context", "set_default_context",
                      "rand_ndarray", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "check_numeric_gradient",
                      "check_symbolic_forward", "check_symbolic_backward", "check_consistency", "assert_exception",
                      "random_arrays", "np_reduce", "simple_forward", "get_atol", "get_rtol", "effective_dtype",
                      "with_seed", "environment", "assert_allclose"],
    "mx.context": ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus", "gpu_memory_info"],
    "mx.base": ["MXNetError", "mx_real_t", "numeric_types", "integer_types", "string_types", "py_str"],
}
for mod, names in SURFACE.items():
    case(f"surface_{mod.replace('.', '_')}", f"print([n for n in {names!r} if not hasattr({mod}, n)])")
case("view_attach_grad", "x = mx.nd.arange(6).reshape((2, 3)); y = x[1]; y.attach_grad()\nwith mx.autograd.record():\n    z = y * 2\nz.backward(); print(y.grad, x)")
case("out_view", "x = mx.nd.zeros((2, 3)); r = mx.nd.exp(mx.nd.ones((3,)), out=x[1]); print(x, r.shape)")
case("dot_out", "a = mx.nd.ones((2, 2)); o = mx.nd.zeros((2, 2)); r = mx.nd.dot(a, a, out=o); print(o, r is o)")
case("topk_dtypes", "a = mx.nd.array([[3, 1, 2, 7]]); r = mx.nd.topk(a, k=2, dtype='int64'); print(r, r.dtype); r = mx.nd.topk(a, k=2, ret_typ='mask'); print(r.dtype); r = mx.nd.topk(a, k=2, ret_typ='both', dtype='int32'); print([t.dtype for t in r])")
case("one_hot_float_vals", "print(mx.nd.one_hot(mx.nd.array([1, 0]), 3, on_value=2.5, off_value=-0.5))")
case("take_axis_neg", "a = mx.nd.arange(12).reshape((3, 4)); print(mx.nd.take(a, mx.nd.array([-1, 0, 5]), axis=-1, mode='clip'), mx.nd.take(a, mx.nd.array([-1, 5]), axis=-1))")
case("slice_axis_neg", "a = mx.nd.arange(12).reshape((3, 4)); print(a.slice_axis(axis=1, begin=-3, end=-1), a.slice_axis(axis=0, begin=-2, end=None))")
case("pad_5d", "x = mx.nd.arange(16).reshape((1, 2, 2, 2, 2)); print(mx.nd.pad(x, mode='edge', pad_width=(0, 0, 0, 0, 1, 0, 0, 1, 1, 0))[0, 0, :, 0])")
case("pad_reflect_big", "x = mx.nd.arange(9).reshape((1, 1, 3, 3)); print(mx.nd.pad(x, mode='reflect', pad_width=(0, 0, 0, 0, 2, 2, 2, 2)))")
case("tile_more_reps", "print(mx.nd.tile(mx.nd.array([1, 2]), reps=(2, 2, 2)).shape, mx.nd.tile(mx.nd.ones((2, 3)), reps=(2,)).shape)")
case("split_indices_ascend", "x = mx.nd.arange(12).reshape((2, 6)); r = mx.nd.split(x, num_outputs=2, axis=1); print(r[1])")
case("squeeze_all_ones", "print(mx.nd.ones((1, 1, 1)).squeeze().shape, mx.nd.ones((1,)).squeeze().shape)")
case("expand_dims_0d", "print(mx.nd.array(3.0).expand_dims(0).shape)")
case("reshape_0d", "print(mx.nd.array(3.0).reshape((1,)).shape, mx.nd.ones((1,)).reshape(()).shape)")
case("sum_axis_list_neg", "x = mx.nd.arange(24).reshape((2, 3, 4)); print(x.sum(axis=[-1, 0]), x.mean(axis=(-2,)))")
case("broadcast_like_axes", "x = mx.nd.ones((1, 3)); print(mx.nd.broadcast_like(x, mx.nd.ones((2, 4, 3)), lhs_axes=(0,), rhs_axes=(0,)).shape)")
case("clip_out_of_order_args", "print(mx.nd.clip(mx.nd.array([-2., 3.]), a_max=1, a_min=-1))")
case("where_broadcast_scalarish", "print(mx.nd.where(mx.nd.array([[1, 0], [0, 1]]), mx.nd.ones((2, 2)), mx.nd.zeros((2, 2)) - 1))")
case("sort_stability", "a = mx.nd.array([2, 1, 2, 1, 2, 1]); print(mx.nd.argsort(a), mx.nd.argsort(a, is_ascend=False), mx.nd.topk(a, k=3), mx.nd.topk(a, k=3, is_ascend=True))")
case("argmax_ties", "a = mx.nd.array([[1, 3, 3], [2, 2, 1]]); print(mx.nd.argmax(a, axis=1), mx.nd.argmin(a, axis=1), mx.nd.argmax(a, axis=0))")
case("norm_ord2_keep", "x = mx.nd.array([[3., 4], [6, 8]]); print(mx.nd.norm(x, ord=2, axis=1, keepdims=True), mx.nd.norm(x, ord=1, axis=0))")
case("fn_two_outputs_one_used", "class F(mx.autograd.Function):\n    def forward(self, a):\n        return a * 2, a * 3\n    def backward(self, d1, d2):\n        print('d2', d2)\n        return d1 * 2 + d2 * 3\na = mx.nd.array([1., 2.]); a.attach_grad()\nwith mx.autograd.record():\n    p, q = F()(a)\n    z = p * 5\nz.backward(); print(a.grad)")
case("fn_in_graph_chain", "class Sq(mx.autograd.Function):\n    def forward(self, x):\n        self.save_for_backward(x); return x * x\n    def backward(self, dy):\n        x, = self.saved_tensors; return 2 * x * dy\nx = mx.nd.array([1., 2.]); x.attach_grad()\nwith mx.autograd.record():\n    y = Sq()(mx.nd.exp(x)) + x\ny.backward(); print(x.grad)")
case("fn_grad_api", "class Sq(mx.autograd.Function):\n    def forward(self, x):\n        self.save_for_backward(x); return x * x\n    def backward(self, dy):\n        x, = self.saved_tensors; return 2 * x * dy\nx = mx.nd.array([1., 2.]); x.attach_grad()\nwith mx.autograd.record():\n    y = Sq()(x)\nprint(mx.autograd.grad(y, [x]))")
case("fn_is_recording_inside", "class F(mx.autograd.Function):\n    def forward(self, x):\n        print('fwd', mx.autograd.is_recording(), mx.autograd.is_training()); return x * 1\n    def backward(self, dy):\n        print('bwd', mx.autograd.is_recording(), mx.autograd.is_training()); return dy\nx = mx.nd.array([1.]); x.attach_grad()\nwith mx.autograd.record():\n    y = F()(x)\ny.backward(); y2 = None\nwith mx.autograd.record(train_mode=False):\n    y = F()(x)\ny.backward(train_mode=False)")
