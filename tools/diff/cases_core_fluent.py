"""Every fluent method of mx.nd.NDArray with its common keyword arguments, per dtype."""
CASES = []


def case(name, code):
    CASES.append((name, code))


P = ("def P(*rs):\n"
     "    for r in rs:\n"
     "        if isinstance(r, (list, tuple)):\n"
     "            print(type(r).__name__, len(r)); P(*r)\n"
     "        else:\n"
     "            print(r, getattr(r, 'dtype', None))\n")
VALS = {
    "f32": "x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]])\n",
    "i32": "x = mx.nd.array([[1, -2, 3, 0], [4, -1, 2, 7], [0, 3, -3, 1]], dtype='int32')\n",
    "f16": "x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]]).astype('float16')\n",
}
IDX = "i = mx.nd.array([0, 3, 1])\n"
CALLS = [
    "x.sum()", "x.sum(axis=1)", "x.sum(axis=(0, 1))", "x.sum(axis=1, keepdims=True)",
    "x.sum(axis=0, exclude=True)", "x.sum(axis=-1)", "x.sum(1)",
    "x.mean()", "x.mean(axis=0)", "x.mean(axis=1, keepdims=True, exclude=True)",
    "x.max()", "x.max(axis=1)", "x.max(axis=0, keepdims=True)", "x.min(axis=-1)", "x.min()",
    "x.prod(axis=1)", "x.prod()", "x.nansum(axis=0)", "x.nanprod(axis=1)",
    "x.norm()", "x.norm(ord=1)", "x.norm(ord=1, axis=1)", "x.norm(axis=0, keepdims=True)",
    "x.norm(ord=2, axis=(0, 1))", "x.norm(ord=1, axis=0, keepdims=True)",
    "x.argmax()", "x.argmax(axis=1)", "x.argmax(axis=0, keepdims=True)", "x.argmin(axis=1)",
    "x.argmin()", "x.argmax_channel()",
    "x.topk()", "x.topk(k=2)", "x.topk(k=2, ret_typ='both')", "x.topk(k=2, ret_typ='value', is_ascend=True)",
    "x.topk(axis=0, k=1, ret_typ='mask')", "x.topk(k=2, dtype='int32')", "x.topk(axis=None, k=3, ret_typ='value')",
    "x.sort()", "x.sort(axis=0)", "x.sort(is_ascend=False)", "x.sort(axis=None)",
    "x.argsort()", "x.argsort(axis=None)", "x.argsort(is_ascend=False, dtype='int32')", "x.argsort(axis=0)",
    "x.tile((2,))", "x.tile(reps=(2, 1, 2))", "x.tile((1, 2))",
    "x.clip(0, 2)", "x.clip(a_min=-1, a_max=1)", "x.clip(-1.5, 2.5)",
    "x.flip(axis=0)", "x.flip(1)", "x.flip(axis=(0, 1))",
    "x.split(2, axis=1)", "x.split(num_outputs=3, axis=0, squeeze_axis=True)", "x.split(num_outputs=3, axis=0)",
    "x.split_v2(2, axis=1)", "x.split_v2((1,), axis=0)",
    "x.slice(begin=(0, 1), end=(2, 3))", "x.slice((1,), (None,))", "x.slice(begin=(None, None), end=(None, None), step=(-1, 2))",
    "x.slice_axis(axis=1, begin=0, end=2)", "x.slice_axis(axis=0, begin=-1, end=None)",
    "x.slice_like(mx.nd.ones((2, 2)))", "x.slice_like(mx.nd.ones((2, 2)), axes=(1,))",
    "x.pick(i)", "x.pick(i, axis=1, keepdims=True)", "x.pick(mx.nd.array([2, 0, 1, 2]), axis=0)",
    "x.pick(mx.nd.array([5, -1, 1]), mode='wrap')", "x.pick(i, 1)",
    "x.take(mx.nd.array([0, 2]))", "x.take(mx.nd.array([3, 0]), axis=1)", "x.take(mx.nd.array([5, -1]), mode='clip')",
    "x.softmax()", "x.softmax(axis=0)", "x.softmax(temperature=2.0)", "x.log_softmax(axis=-1)", "x.softmin()",
    "x.log_softmax(axis=0)", "x.softmax(dtype='float64')",
    "x.expand_dims(axis=1).shape", "x.expand_dims(0).shape", "x.swapaxes(0, 1)", "x.swapaxes(dim1=0, dim2=1)",
    "x.transpose()", "x.transpose(axes=(1, 0))", "x.transpose((1, 0))", "x.transpose(1, 0)",
    "x.flatten()", "x.reshape((4, 3))", "x.reshape(2, -1)", "x.reshape((-1,))", "x.reshape(shape=(0, -1))",
    "x.reshape_like(mx.nd.ones((4, 3)))", "x.reshape((2, 6)).reshape_like(mx.nd.ones((6, 2)))",
    "x.repeat(repeats=2, axis=1)", "x.repeat(2)", "x.diag()", "x.diag(k=1)", "x.diag(-1)",
    "x.broadcast_axes(axis=0, size=2)", "x[:1].broadcast_axes(axis=0, size=2)", "x[:1].broadcast_to((2, 4))",
    "x[:, :1].broadcast_like(x)", "x.reshape((1, 12, 1, 1)).depth_to_space(2)",
    "x.reshape((1, 1, 2, 6)).space_to_depth(2)", "x.shape_array()", "x.size_array()",
    "x.zeros_like()", "x.ones_like()", "x.relu()", "x.sigmoid()", "x.round()", "x.abs()", "x.sign()",
    "x.square()", "x.reciprocal()", "x.exp()", "x.sqrt()", "x.log()",
    "x.squeeze()", "x.reshape((1, 3, 1, 4)).squeeze(axis=(0, 2))", "x.reshape((1, 3, 4)).squeeze(0)",
    "x.as_nd_ndarray()", "x.tostype('default')", "x.copy()", "x.astype('float16').sum()",
    "x.astype('float16').mean(axis=1)", "x.astype('int32').sum()", "x.astype('float64').argmax(axis=1)",
    "x.astype('uint8').sum()", "x.astype('int8').max(axis=0)",
    "x.reshape((1, 1, 3, 4)).pad(mode='constant', pad_width=(0, 0, 0, 0, 1, 0, 0, 2))",
    "x.reshape((1, 1, 3, 4)).pad(mode='edge', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))",
    "x.one_hot(3)", "mx.nd.array([0, 2, 1]).one_hot(3)", "mx.nd.array([0, 2, 1]).one_hot(depth=4, dtype='int32')",
    "mx.nd.array([0, 2, 1]).one_hot(3, on_value=2, off_value=-1)",
    "x.slice_assign(mx.nd.zeros((1, 2)), (0, 1), (1, 3), (None, None))",
    "x.slice_assign_scalar(9, (1, 0), (3, 2), (None, None))",
    "x.flatten().topk(k=3, ret_typ='indices', is_ascend=True)",
]
for dt, v in VALS.items():
    for j, c in enumerate(CALLS):
        if dt != "f32" and c.startswith("mx.nd.array([0, 2, 1])"):
            continue
        case(f"core_fl_{dt}_{j}", P + v + IDX + f"P({c})")
case("core_fl_i32_frac_clip", "x = mx.nd.array([-3, 0, 4], dtype='int32'); y = x.clip(-1.5, 2.5); print(y, y.dtype)")
case("core_fl_method_missing_kw", "x = mx.nd.ones((2, 3)); print(x.sum(axis=1, keepdims=1), x.mean(axis=[0]), x.max(axis=(1,)))")
case("core_fl_argmax_asscalar", "x = mx.nd.array([[1, 5, 2]]); print(x.argmax(axis=1).asscalar(), type(x.argmax(axis=1).asscalar()).__name__, int(x.argmax()))")
case("core_fl_topk_k_gt", "x = mx.nd.array([3., 1, 2]); print(x.topk(k=5, ret_typ='both'))")
case("core_fl_norm_ord3", "x = mx.nd.array([3., 1, 2]); print(x.norm(ord=3))")
case("core_fl_norm_int_ord1", "x = mx.nd.array([3, -1, 2], dtype='int32'); y = x.norm(ord=1); print(y, y.dtype); y = x.norm(); print(y, y.dtype)")
case("core_fl_sum_bool_axis_err", "x = mx.nd.ones((2, 3)); print(x.sum(axis=2))")
case("core_fl_split_uneven", "x = mx.nd.ones((2, 3)); print(x.split(2, axis=1))")
case("core_fl_pick_float_idx", "x = mx.nd.arange(6).reshape((2, 3)); print(x.pick(mx.nd.array([1.7, 0.2])))")
case("core_fl_one_hot_neg", "print(mx.nd.array([-1, 3, 1]).one_hot(3))")
case("core_fl_tile_zero", "x = mx.nd.ones((2, 3)); print(x.tile((0, 1)).shape, x.tile(()).shape)")
case("core_fl_flip_neg", "x = mx.nd.arange(6).reshape((2, 3)); print(x.flip(axis=-1))")

# The same methods on the other dtypes, a sample of each family.
MORE = {
    "i8": "x = mx.nd.array([[1, -2, 3, 0], [4, -1, 2, 7], [0, 3, -3, 1]], dtype='int8')\n",
    "u8": "x = mx.nd.array([[1, 2, 3, 0], [4, 1, 2, 7], [0, 3, 250, 1]], dtype='uint8')\n",
    "i64": "x = mx.nd.array([[1, -2, 3, 0], [4, -1, 2, 7], [0, 3, -3, 1]], dtype='int64')\n",
    "f64": "x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]], dtype='float64')\n",
}
SAMPLE = [0, 2, 3, 4, 7, 9, 10, 12, 13, 15, 17, 19, 20, 21, 24, 26, 27, 29, 31, 32, 33, 34, 36, 37,
          38, 40, 42, 44, 46, 47, 49, 51, 54, 56, 57, 59, 61, 63, 65, 66, 67, 68, 71, 72, 73, 74, 75,
          78, 79, 81, 84, 85, 91, 93, 96, 98, 99, 101, 104, 106, 108, 110, 113, 115, 118, 125, 126,
          133, 134, 135, 136]
for dt, v in MORE.items():
    for j in SAMPLE:
        case(f"core_fl_{dt}_{j}", P + v + IDX + f"P({CALLS[j]})")
