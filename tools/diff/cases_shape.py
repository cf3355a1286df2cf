"""Reshape codes, indexing/setitem, shape ops, ordering, take/pick/one_hot."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.arange(24).reshape((2,3,4))\n"
RESHAPES = [(6, 4), (-1,), (0, -1), (-1, 0), (0, 0, -1), (-2,), (2, -2), (-3, 4), (2, -3), (-4, 1, 2, -2),
            (-4, -1, 1, -2), (0, -4, 3, -1, 0), (24,), (4, -1, 2), (-1, 3, 0), (2, 3, 4, 1), (1, -1),
            (0, 0, 0), (-3, -3), (5, 5), (-1, -1), (7, -1), (-4, 2, 2, -2)]
for i, s in enumerate(RESHAPES):
    case(f"reshape_{i}", X + f"y = x.reshape({s}); print(y.shape)")
    case(f"reshape_op_{i}", X + f"y = mx.nd.reshape(x, shape={s}); print(y.shape)")
case("reshape_varargs", X + "print(x.reshape(4, 6).shape, x.reshape(-1).shape)")
case("reshape_reverse", X + "print(mx.nd.reshape(x, shape=(-1, 0), reverse=True).shape, x.reshape((0, -1), reverse=True).shape)")
case("reshape_shares", X + "y = x.reshape((6,4)); y[0] = -1; print(x[0,0])")
case("reshape_bad_small", X + "x.reshape((4,))")
case("reshape_bad_big", X + "x.reshape((5, 5))")
case("reshape_kw", X + "print(x.reshape(shape=(4, 6)).shape)")
case("reshape_list", X + "print(x.reshape([4, 6]).shape)")
case("reshape_like", X + "print(x.reshape_like(mx.nd.ones((4, 6))).shape)")
case("flatten", X + "print(x.flatten().shape, mx.nd.flatten(x).shape, mx.nd.Flatten(mx.nd.ones((2,))).shape)")
case("expand_dims", X + "print(x.expand_dims(0).shape, x.expand_dims(-1).shape, mx.nd.expand_dims(x, axis=3).shape, x.expand_dims(axis=-4).shape)")
case("expand_dims_bad", X + "print(x.expand_dims(5).shape)")
case("squeeze", "x = mx.nd.ones((1,3,1,2)); print(x.squeeze().shape, x.squeeze(axis=0).shape, x.squeeze(axis=(0,2)).shape, mx.nd.squeeze(mx.nd.ones((1,1))).shape)")
case("squeeze_bad", "x = mx.nd.ones((1,3,1,2)); print(x.squeeze(axis=1).shape)")
case("transpose", X + "print(x.transpose().shape, x.transpose((1,0,2)).shape, mx.nd.transpose(x, axes=(2,0,1)).shape, x.T.shape)")
case("transpose_vals", X + "print(x.transpose((2,0,1)))")
case("swapaxes", X + "print(x.swapaxes(0, 2).shape, mx.nd.swapaxes(x, dim1=1, dim2=2).shape, mx.nd.SwapAxis(x, 0, 1).shape)")
case("flip", X + "print(x.flip(axis=1)[0], mx.nd.flip(x, axis=(0,2))[0], mx.nd.reverse(x, axis=0)[0, 0])")
case("tile", "x = mx.nd.array([[1,2],[3,4]]); print(x.tile((2,)), mx.nd.tile(x, reps=(2,1,2)).shape, x.tile(reps=(1,)).shape)")
case("repeat", "x = mx.nd.array([[1,2],[3,4]]); print(x.repeat(2), x.repeat(2, axis=0), mx.nd.repeat(x, repeats=3, axis=-1))")
case("pad", "x = mx.nd.arange(8).reshape((1,1,2,4)); print(mx.nd.pad(x, mode='constant', pad_width=(0,0,0,0,1,1,2,2), constant_value=9)); print(mx.nd.pad(x, mode='edge', pad_width=(0,0,0,0,1,1,1,1))); print(mx.nd.pad(x, mode='reflect', pad_width=(0,0,0,0,1,1,1,1)))")
case("concat", "a = mx.nd.ones((2,3)); b = mx.nd.zeros((2,3)); print(mx.nd.concat(a, b).shape, mx.nd.concat(a, b, dim=0).shape, mx.nd.concat(a, b, dim=-1).shape, mx.nd.Concat(a, b, a, dim=1).shape, mx.nd.concatenate([a, b]).shape, mx.nd.concatenate([a, b], axis=1).shape)")
case("concat_bad", "mx.nd.concat(mx.nd.ones((2,3)), mx.nd.ones((3,3)), dim=1)")
case("concat_dtype", "mx.nd.concat(mx.nd.ones((2,3)), mx.nd.ones((2,3), dtype='int32'), dim=1)")
case("concat_single", "print(mx.nd.concat(mx.nd.ones((2,))))")
case("stack", "a = mx.nd.ones((2,3)); b = mx.nd.zeros((2,3)); print(mx.nd.stack(a, b).shape, mx.nd.stack(a, b, axis=1).shape, mx.nd.stack(a, b, axis=-1).shape, mx.nd.stack(a, b, axis=2))")
case("stack_bad", "mx.nd.stack(mx.nd.ones((2,3)), mx.nd.ones((3,2)))")
case("split", X + "r = mx.nd.split(x, num_outputs=2, axis=2); print(type(r).__name__, len(r), r[0].shape); r = x.split(3, axis=1); print(r[1])")
case("split_squeeze", X + "r = mx.nd.split(x, num_outputs=3, axis=1, squeeze_axis=True); print(r[0].shape)")
case("split_one", X + "r = mx.nd.split(x, num_outputs=1, axis=1); print(type(r).__name__, r.shape)")
case("split_bad", X + "mx.nd.split(x, num_outputs=5, axis=2)")
case("split_v2", X + "r = mx.nd.split_v2(x, 2, axis=2); print(len(r), r[0].shape); r = mx.nd.split_v2(x, (1, 3), axis=2); print([t.shape for t in r])")
case("slice", X + "print(mx.nd.slice(x, begin=(0,1), end=(2,3)).shape, x.slice((None, 1), (None, None)).shape, mx.nd.slice(x, begin=(1,2,3), end=(None,None,None), step=(-1,-1,-1)))")
case("slice_step", X + "print(mx.nd.slice(x, begin=(0,0,0), end=(2,3,4), step=(1,2,3)))")
case("slice_axis", X + "print(mx.nd.slice_axis(x, axis=1, begin=1, end=3).shape, x.slice_axis(axis=-1, begin=-2, end=None).shape, mx.nd.slice_axis(x, axis=0, begin=0, end=1))")
case("slice_like", X + "print(mx.nd.slice_like(x, mx.nd.ones((1,2,3))).shape, mx.nd.slice_like(x, mx.nd.ones((1,2,3)), axes=(1,)).shape)")
case("slice_bad", X + "mx.nd.slice_axis(x, axis=1, begin=2, end=1)")
case("take", "a = mx.nd.arange(12).reshape((3,4)); i = mx.nd.array([[0, 2], [1, 5]]); print(mx.nd.take(a, i)); print(mx.nd.take(a, i, axis=1, mode='wrap')); print(a.take(mx.nd.array([-1, 3]), mode='clip'))")
case("take_int_idx", "a = mx.nd.arange(12).reshape((3,4)); print(mx.nd.take(a, mx.nd.array([2, 0], dtype='int32')))")
case("take_raise", "a = mx.nd.arange(12).reshape((3,4)); print(mx.nd.take(a, mx.nd.array([5]), mode='raise'))")
case("take_frac", "a = mx.nd.arange(12).reshape((3,4)); print(mx.nd.take(a, mx.nd.array([1.7, -0.5])))")
case("pick", "a = mx.nd.arange(12).reshape((3,4)); print(mx.nd.pick(a, mx.nd.array([0, 3, 1]))); print(mx.nd.pick(a, mx.nd.array([0, 2, 1, 5]), axis=0)); print(a.pick(mx.nd.array([0, 3, 1]), keepdims=True)); print(mx.nd.pick(a, mx.nd.array([5, -1, 1]), mode='wrap'))")
case("one_hot", "i = mx.nd.array([1, 0, 3, -1]); print(mx.nd.one_hot(i, 4)); print(mx.nd.one_hot(i, depth=3, on_value=5, off_value=-1, dtype='int32'))")
case("one_hot_2d", "print(mx.nd.one_hot(mx.nd.array([[1, 0], [2, 2]]), 3).shape)")
case("gather_nd", "a = mx.nd.arange(12).reshape((3,4)); print(mx.nd.gather_nd(a, mx.nd.array([[0, 2], [1, 3]])))")
case("scatter_nd", "print(mx.nd.scatter_nd(mx.nd.array([2., 3.]), mx.nd.array([[0, 1], [1, 2]]), shape=(2, 3)))")
case("diag", "a = mx.nd.arange(9).reshape((3,3)); print(mx.nd.diag(a), mx.nd.diag(a, k=1), mx.nd.diag(mx.nd.array([1, 2])))")
case("depth_to_space", "x = mx.nd.arange(16).reshape((1,4,2,2)); print(mx.nd.depth_to_space(x, 2)); print(mx.nd.space_to_depth(mx.nd.depth_to_space(x, 2), 2))")
case("broadcast_to", "x = mx.nd.array([[1], [2]]); print(x.broadcast_to((2, 3)), mx.nd.broadcast_to(x, shape=(0, 4)).shape)")
case("broadcast_to_bad", "x = mx.nd.array([[1, 2], [2, 3]]); print(x.broadcast_to((2, 3)))")
case("broadcast_to_ndim", "x = mx.nd.array([1, 2]); print(x.broadcast_to((3, 2)))")
case("broadcast_axis", "x = mx.nd.array([[1], [2]]); print(mx.nd.broadcast_axis(x, axis=1, size=3), x.broadcast_axes(axis=(1,), size=(2,)).shape)")
case("broadcast_like", "x = mx.nd.array([[1], [2]]); print(x.broadcast_like(mx.nd.ones((2, 4))).shape)")
case("shape_array", X + "print(mx.nd.shape_array(x), mx.nd.size_array(x), x.shape_array().dtype)")
case("sort", "a = mx.nd.array([[3, 1, 2], [0, 5, -1]]); print(mx.nd.sort(a), mx.nd.sort(a, axis=0), mx.nd.sort(a, is_ascend=False), a.sort(axis=None))")
case("argsort", "a = mx.nd.array([[3, 1, 2], [0, 5, -1]]); r = mx.nd.argsort(a); print(r, r.dtype); print(mx.nd.argsort(a, is_ascend=False, axis=0), mx.nd.argsort(a, dtype='int32').dtype, a.argsort(axis=None))")
case("argsort_ties", "a = mx.nd.array([1, 1, 0, 1, 0]); print(mx.nd.argsort(a), mx.nd.argsort(a, is_ascend=False))")
case("topk", "a = mx.nd.array([[3, 1, 2, 7], [0, 5, -1, 5]]); print(mx.nd.topk(a), mx.nd.topk(a, k=2), mx.nd.topk(a, k=2, ret_typ='value'), mx.nd.topk(a, k=2, ret_typ='mask'))")
case("topk_both", "a = mx.nd.array([[3, 1, 2, 7], [0, 5, -1, 5]]); r = mx.nd.topk(a, k=2, ret_typ='both'); print(type(r).__name__, r)")
case("topk_asc_axis", "a = mx.nd.array([[3, 1, 2, 7], [0, 5, -1, 5]]); print(mx.nd.topk(a, k=1, axis=0, is_ascend=True), mx.nd.topk(a, k=3, axis=None, ret_typ='value'), mx.nd.topk(a, axis=-1, k=2, dtype='int32').dtype)")
case("topk_kbig", "a = mx.nd.array([[3, 1, 2, 7]]); print(mx.nd.topk(a, k=10))")
case("topk_k0", "a = mx.nd.array([[3, 1, 2, 7]]); print(mx.nd.topk(a, k=0))")
case("argmax", "a = mx.nd.array([[3, 1, 7, 7], [0, 5, -1, 5]]); print(mx.nd.argmax(a), mx.nd.argmax(a, axis=1), mx.nd.argmin(a, axis=0), a.argmax(axis=1, keepdims=True), mx.nd.argmax_channel(a))")
case("argmax_int", "a = mx.nd.array([[3, 1, 7, 7]], dtype='int32'); r = mx.nd.argmax(a, axis=1); print(r, r.dtype)")
case("argmax_nan", "a = mx.nd.array([[3, np.nan, 7]]); print(mx.nd.argmax(a, axis=1), mx.nd.argmin(a, axis=1))")
case("sequence_mask", "x = mx.nd.arange(12).reshape((3,2,2)); print(mx.nd.SequenceMask(x, sequence_length=mx.nd.array([1, 3]), use_sequence_length=True, value=-1))")
case("sequence_last", "x = mx.nd.arange(12).reshape((3,2,2)); print(mx.nd.SequenceLast(x, sequence_length=mx.nd.array([1, 3]), use_sequence_length=True))")
case("sequence_reverse", "x = mx.nd.arange(12).reshape((3,2,2)); print(mx.nd.SequenceReverse(x, sequence_length=mx.nd.array([1, 3]), use_sequence_length=True))")

# ---- indexing
IDX = ["1", "-1", "(1, 2)", "(1, 2, 3)", "slice(None)", "slice(1, None)", "(slice(None), 1)", "(Ellipsis, 1)",
       "(1, Ellipsis)", "(slice(None, None, -1),)", "(slice(0, 3, 2), slice(None), -1)", "(None, 1)",
       "(1, None)", "(0, slice(1, 3))", "[0, 1]", "[[0, 1], [1, 2]]", "mx.nd.array([0, 1])",
       "mx.nd.array([[0, 1], [1, 0]])", "np.array([1, 0])", "(mx.nd.array([0, 1]), mx.nd.array([2, 0]))",
       "(slice(None), [0, 2])", "(1, [0, 2], slice(0, 2))", "([0, 1], slice(None), [1, 3])",
       "np.array([True, False])", "(slice(None), np.array([True, False, True]))", "5", "(0, 3)",
       "(slice(5, 10),)", "(0, 0, 0, 0)", "slice(None, None, 2)", "(slice(-1, None),)",
       "(Ellipsis,)", "()", "(1.0,)", "'a'", "mx.nd.array([0, 1], dtype='int32')", "(np.int64(1), 2)",
       "[True, False]", "(slice(None), slice(None), slice(None, None, -2))", "mx.nd.array([1])", "[1]"]
for i, k in enumerate(IDX):
    case(f"getitem_{i}", X + f"y = x[{k}]; print(y.shape, y.dtype); print(y)")
SETS = [("1", "0"), ("(1, 2)", "-5"), ("slice(None)", "[1, 2, 3, 4]"), ("(0, 1, 2)", "9.5"),
        ("(slice(None), 1)", "mx.nd.array([7, 8, 9, 10])"), ("1", "np.arange(12).reshape((3, 4))"),
        ("[0, 1]", "-1"), ("(slice(None), [0, 2])", "mx.nd.ones((2, 2, 4)) * 3"), ("(0, 1)", "[[1]]"),
        ("slice(None)", "mx.nd.ones((3, 2))"), ("(0, slice(0, 2))", "mx.nd.array([[1], [2]])"),
        ("mx.nd.array([0])", "2"), ("(Ellipsis, 0)", "mx.nd.array([1., 2, 3])"), ("(1, 2, 3)", "mx.nd.array([100])"),
        ("(slice(None, None, -1),)", "mx.nd.arange(12).reshape((3, 4))"), ("slice(None)", "mx.nd.ones((2, 3, 4), dtype='int32')"),
        ("(0,)", "mx.nd.ones((1, 3, 4))"), ("5", "1"), ("(np.array([True, False]),)", "0"), ("()", "3")]
for i, (k, v) in enumerate(SETS):
    case(f"setitem_{i}", X + f"x[{k}] = {v}; print(x)")
case("setitem_int_dtype", "x = mx.nd.zeros((3,), dtype='int32'); x[:] = 2.7; print(x); x[1] = -1.5; print(x)")
case("setitem_f16", "x = mx.nd.zeros((3,), dtype='float16'); x[:] = mx.nd.array([1.1, 2.2, 3.3]); print(x)")
case("setitem_view", "x = mx.nd.zeros((2, 3)); v = x[1]; v[:] = 5; print(x); v2 = x[0, 1:]; v2[:] = 7; print(x)")
case("setitem_0d", "x = mx.nd.array(1.0); x[()] = 5; print(x)")
case("getitem_1d_int", "x = mx.nd.arange(5); y = x[2]; print(y.shape, y, x[-1].asscalar())")
case("getitem_view_share", X + "y = x[1]; y[:] = -1; print(x.sum())")
case("getitem_adv_copy", X + "y = x[[0]]; y[:] = -1; print(x.sum())")
case("getitem_step_view", X + "y = x[:, ::2]; y[:] = 0; print(x.sum())")
case("getitem_list_of_slices", X + "print(x[[slice(0, 1), 1]].shape)")
