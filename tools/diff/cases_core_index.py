"""Indexing and assignment: index arrays, steps, None, Ellipsis, masks, views and their parents."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.arange(24).reshape((2, 3, 4))\n"
GET = [
    "[1, 0]", "[[1, 0]]", "([1, 0],)", "[1, -1]", "mx.nd.array([1, 0], dtype='int64')",
    "mx.nd.array([1, 0], dtype='uint8')", "mx.nd.array([1.7, 0.2])", "mx.nd.array([-1])",
    "(slice(None), mx.nd.array([2, 0, 1]))", "(1, mx.nd.array([2, 0]), mx.nd.array([3, 1]))",
    "(mx.nd.array([[0], [1]]), slice(None), mx.nd.array([0, 3]))", "(Ellipsis, [0, 3])",
    "([0, 1], Ellipsis, 2)", "(slice(None, None, -1), slice(None, None, -2))", "(slice(None, None, -1), 0)",
    "(0, slice(2, None, -1))", "(slice(1, 0, -1),)", "(slice(-1, -3, -1), slice(None), slice(3, 0, -2))",
    "(None,)", "(None, None, 0)", "(slice(None), None)", "(0, None, 1, None)", "(Ellipsis, None)",
    "(None, Ellipsis, None)", "(np.newaxis, 1, np.newaxis)", "(Ellipsis, Ellipsis)", "(0, Ellipsis, 1)",
    "(0, 1, 2, Ellipsis)", "mx.nd.array([1, 0]) > 0", "(slice(None), mx.nd.array([1, 0, 1]) > 0)",
    "np.array([True, True])", "(0, np.array([False, True, True]))", "np.array([[True, False, True], [False, False, True]])",
    "[True, False]", "(0, [True, False, True])", "np.int32(1)", "np.array(1)", "mx.nd.array([1]).astype('int32')",
    "(slice(0, 1), [1, 2], [0, 3])", "([0, 1], [1, 2], [0, 3])", "([[0, 1], [1, 0]], 1)", "(slice(None, 1), [2, 0])",
    "(1, slice(None), [2, 0])", "([1], [2], [3])", "np.array([[0, 1]])", "(slice(5, 1),)", "(slice(0, 0),)",
    "(slice(None, None, 0),)", "(-3,)", "(0, -4)", "(0, 0, -5)", "[2]", "[-3]", "mx.nd.array([2])",
    "(slice(None), slice(None), slice(None), slice(None))", "(0, 1, 2, 3)", "(slice(None), 1.5)",
    "mx.nd.zeros((0,), dtype='int32')", "[]", "(slice(None), [])",
]
for j, k in enumerate(GET):
    case(f"core_get_{j}", X + f"y = x[{k}]; print(y.shape, y.dtype); print(y)")
SET = [
    ("(slice(None), 0)", "mx.nd.array([1, 2, 3])"), ("1", "mx.nd.array([[1], [2], [3]])"),
    ("0", "mx.nd.array([1, 2, 3, 4])"), ("(Ellipsis, 1)", "np.array([7., 8, 9])"),
    ("[0, 1]", "mx.nd.array([[1, 2, 3, 4]])"), ("([0, 1], 1)", "mx.nd.array([5, 6, 7, 8])"),
    ("(slice(None), [0, 2], [1, 3])", "mx.nd.array([-1, -2])"), ("mx.nd.array([1])", "9"),
    ("(0, slice(None, None, -1))", "mx.nd.arange(12).reshape((3, 4))"),
    ("(slice(None), slice(None), slice(None, None, 2))", "0"),
    ("(slice(None), slice(None, None, -1), 0)", "mx.nd.array([1, 2, 3])"),
    ("(None, 0)", "5"), ("(0, None)", "mx.nd.ones((1, 3, 4))"), ("(Ellipsis,)", "2"),
    ("x > 10", "0"), ("mx.nd.array([1, 0]) > 0", "-1"), ("np.array([False, True])", "mx.nd.ones((3, 4))"),
    ("(0, 0)", "mx.nd.array([1, 2, 3, 4], dtype='int32')"), ("(0, 0)", "mx.nd.array([1.5, 2, 3, 4], dtype='float64')"),
    ("(0, 0)", "mx.nd.array([1.5, 2, 3, 4], dtype='float16')"), ("(0, 0)", "np.array([1.5, 2, 3, 4], dtype='float64')"),
    ("(0, 0)", "np.float64(2.5)"), ("(0, 0)", "[1, 2]"), ("(0, 0)", "(1, 2, 3, 4)"), ("(0, 0)", "True"),
    ("(0, 0)", "mx.nd.array([1, 2])"), ("(0, 0, 0)", "mx.nd.array([[5]])"), ("(0, 0, 0)", "np.array([5, 6])"),
    ("(0, slice(0, 2))", "mx.nd.arange(4)"), ("slice(None)", "x"), ("slice(None)", "x[::-1]"),
    ("(slice(None), 0)", "x[:, 1]"), ("(0,)", "x[1]"), ("[1, 1]", "mx.nd.array([[[1]], [[2]]])"),
    ("(0, [0, 0, 1])", "mx.nd.array([[1], [2], [3]])"), ("(0, 0, 0)", "'a'"), ("(0, 0, 0)", "None"),
    ("(0, 0, 0)", "float('nan')"), ("(0, 0, 0)", "1e40"), ("[]", "1"),
]
for j, (k, v) in enumerate(SET):
    case(f"core_set_{j}", X + f"x[{k}] = {v}; print(x)")
ISET = [("(0, 0)", "2.7"), ("(0, 0)", "-2.7"), ("(0, 0)", "mx.nd.array([1.9, 2.5, -3.7, 4.2])"),
        ("(0, 0)", "1e10"), ("(0, 0)", "float('nan')"), ("slice(None)", "2**31")]
for j, (k, v) in enumerate(ISET):
    case(f"core_iset_{j}", "x = mx.nd.zeros((2, 3, 4), dtype='int32')\n" + f"x[{k}] = {v}; print(x[0])")
    case(f"core_u8set_{j}", "x = mx.nd.zeros((2, 3, 4), dtype='uint8')\n" + f"x[{k}] = {v}; print(x[0])")
    case(f"core_hset_{j}", "x = mx.nd.zeros((2, 3, 4), dtype='float16')\n" + f"x[{k}] = {v}; print(x[0])")
case("core_view_chain_set", X + "x[1:3][0] = 5; print(x)")
case("core_view_chain_set2", X + "x[1][0:2][1] = -1; print(x)")
case("core_view_int_chain", X + "x[0][1][2] = 100; print(x[0])")
case("core_view_step_set_parent", X + "v = x[:, ::2]; v[:] = 0; print(x)")
case("core_view_neg_step_set_parent", X + "v = x[::-1]; v[0] = 0; print(x)")
case("core_view_adv_set_parent", X + "v = x[[0]]; v[:] = 0; print(x.sum())")
case("core_view_reshape_set_parent", X + "v = x.reshape((6, 4)); v[1:3] = -1; print(x)")
case("core_view_slice_of_slice", X + "v = x[1]; w = v[1:]; w[:] = 0; print(x[1])")
case("core_view_after_parent_set", X + "v = x[1]; x[:] = 3; print(v)")
case("core_view_after_parent_iop", X + "v = x[1]; x += 1; print(v)")
case("core_view_iop_on_view", X + "v = x[1]; v += 100; print(x)")
case("core_view_iop_on_step_view", X + "v = x[:, 1:2]; v *= 0; print(x)")
case("core_view_chain_get", X + "print(x[1][2][3], x[1][2][3].shape, x[1, 2][3])")
case("core_view_flat_slice", X + "v = x.reshape((-1,))[5:10]; v[:] = 0; print(x)")
case("core_view_T_set", X + "v = x[0].T; v[0] = 0; print(x[0])")
case("core_slice_assign", X + "y = x.slice_assign(mx.nd.zeros((1, 2, 2)), (0, 1, 1), (1, 3, 3), (None, None, None)); print(x, y is x)")
case("core_slice_assign_scalar", X + "y = x.slice_assign_scalar(7, (1, 0, 0), (2, 1, 4), (None, None, None)); print(x, y is x)")
case("core_slice_assign_step", X + "y = x.slice_assign_scalar(-1, (0, 0, 0), (2, 3, 4), (1, 2, 3)); print(x)")
case("core_setitem_chain_ret", X + "r = x.__setitem__(0, 1); print(r)")
case("core_getitem_nd_float_idx_vals", "x = mx.nd.arange(5) * 10; print(x[mx.nd.array([0.9, 3.999, -0.5])])")
case("core_getitem_bool_nd_float", "x = mx.nd.arange(4); print(x[mx.nd.array([1., 0, 2, 0])])")
case("core_getitem_nd_oob", "x = mx.nd.arange(4); print(x[mx.nd.array([4])])")
case("core_getitem_list_oob", "x = mx.nd.arange(4); print(x[[0, 7]])")
case("core_setitem_list_oob", "x = mx.nd.arange(4); x[[0, 7]] = 1; print(x)")
case("core_setitem_nd_dup", "x = mx.nd.zeros((4,)); x[mx.nd.array([1, 1, 2])] = mx.nd.array([5., 6, 7]); print(x)")
case("core_getitem_1d_list_int", "x = mx.nd.arange(4); y = x[[2]]; print(y.shape, y)")
case("core_getitem_tuple_nd", "x = mx.nd.arange(12).reshape((3, 4)); print(x[mx.nd.array([0, 2]), mx.nd.array([1, 3])])")
case("core_getitem_int_nd_scalar", "x = mx.nd.arange(12).reshape((3, 4)); i = mx.nd.array([2], dtype='int32'); print(x[i].shape)")
case("core_getitem_0d_nd_idx", "x = mx.nd.arange(12).reshape((3, 4)); print(x[mx.nd.array(1)].shape)")
case("core_setitem_grad_var", "x = mx.nd.zeros((3,)); x.attach_grad(); x[1] = 5; print(x, x.grad)")
case("core_setitem_bool_value", "x = mx.nd.zeros((3,)); x[:] = mx.nd.array([1, 0, 1], dtype='bool'); print(x)")
case("core_getitem_large_step", "x = mx.nd.arange(10); print(x[::4], x[::-4], x[8:1:-3], x[100:], x[-100:2])")
case("core_getitem_float_slice", "x = mx.nd.arange(10); print(x[1.0:3])")
case("core_getitem_np_int_slice", "x = mx.nd.arange(10); print(x[np.int64(1):np.int32(5):np.int8(2)])")
case("core_getitem_nd_slice_bounds", "x = mx.nd.arange(10); print(x[mx.nd.array([1], dtype='int32').asscalar():4])")
