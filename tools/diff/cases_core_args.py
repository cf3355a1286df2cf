"""Argument corners of common ops: bad/duplicate axes, empty axes, odd k/depth, modes, kwargs."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]])\n"
CALLS = [
    "x.sum(axis=(0, 0))", "x.sum(axis=2)", "x.sum(axis=-3)", "x.sum(axis=())", "x.mean(axis=())",
    "x.max(axis=())", "x.sum(axis=(), keepdims=True)", "x.sum(axis=(), exclude=True)", "x.sum(axis=(0, 1), exclude=True)",
    "x.sum(axis=(-1, 1))", "x.prod(axis=(0, -2))", "x.norm(axis=(0, 0))", "x.norm(ord=3, axis=1)", "x.norm(axis=(0, 1, 1))",
    "x.norm(ord=2, axis=(0, 1), keepdims=True)", "x.norm(axis=2)", "x.argmax(axis=2)", "x.argmax(axis=(0, 1))",
    "x.argmax(axis=-1, keepdims=True)", "x.argmin(axis=-2)", "x.topk(k=-1)", "x.topk(k=5)", "x.topk(axis=2)",
    "x.topk(ret_typ='bad')", "x.topk(k=2, ret_typ='indices', dtype='float16')", "x.topk(k=2, ret_typ='both', dtype='int64')",
    "x.topk(k=2, ret_typ='mask', dtype='int32')", "x.sort(axis=2)", "x.argsort(axis=-1, dtype='float64')",
    "x.argsort(dtype='uint8')", "x.one_hot(0)", "x.one_hot(-1)", "mx.nd.one_hot(mx.nd.array([1, 5]), 3)",
    "mx.nd.one_hot(mx.nd.array([1.9, -0.5]), 3)", "mx.nd.one_hot(mx.nd.array([1, 2]), 3, dtype='bool')",
    "mx.nd.one_hot(mx.nd.array([1, 2], dtype='int32'), 3)", "mx.nd.one_hot(mx.nd.array([1, 2]), 3, dtype='float16')",
    "x.take(mx.nd.array([0, 2]), axis=-1)", "x.take(mx.nd.array([0, 2]), axis=2)", "x.take(mx.nd.array([3]), mode='raise')",
    "x.take(mx.nd.array([-4, 5]), mode='wrap')", "x.take(mx.nd.array([[0, 1], [2, 2]]), axis=1)",
    "x.take(mx.nd.array([0]), mode='bad')", "x.pick(mx.nd.array([0, 1]))", "x.pick(mx.nd.array([0, 1, 2]), axis=2)",
    "x.pick(mx.nd.array([[0], [1], [2]]))", "x.pick(mx.nd.array([0, 1, 2]), axis=None)", "x.pick(mx.nd.array([9, -9, 1]), mode='clip')",
    "x.tile(())", "x.tile((-1,))", "x.tile((2, 0))", "x.repeat(0)", "x.repeat(-1)", "x.repeat(2, axis=2)",
    "x.repeat(2, axis=-1)", "x.flip(axis=2)", "x.flip(axis=())", "x.split(0)", "x.split(4, axis=1)",
    "x.split(1, axis=0, squeeze_axis=True)", "x.split(3, axis=-2)", "x.split(2, axis=2)",
    "x.slice(begin=(0,), end=(5,))", "x.slice(begin=(3,), end=(1,))", "x.slice(begin=(2,), end=(0,), step=(-1,))",
    "x.slice(begin=(0, 0, 0), end=(1, 1, 1))", "x.slice(begin=(-1, -3), end=(None, -1))", "x.slice(begin=(0,), end=(2,), step=(0,))",
    "x.slice_axis(axis=2, begin=0, end=1)", "x.slice_axis(axis=1, begin=-10, end=10)", "x.slice_axis(axis=0, begin=0, end=0)",
    "x.clip(2, 1)", "x.clip(np.nan, 1)", "x.clip(-np.inf, np.inf)", "x.clip(None, 1)", "x.clip(0)",
    "x.expand_dims(axis=3)", "x.expand_dims(axis=-4)", "x.squeeze(axis=0)", "x.squeeze(axis=5)",
    "x.swapaxes(0, 2)", "x.swapaxes(-1, -2)", "x.transpose(axes=(0,))", "x.transpose(axes=(0, 0))",
    "x.transpose(axes=(1, -2))", "x.reshape((-1, -1))", "x.reshape((0, 0, 0))", "x.reshape(())",
    "x.reshape((5, -1))", "x.broadcast_to((3, 4, 2))", "x.broadcast_to((2, 3, 4))", "x.broadcast_to((0, 4))",
    "x.broadcast_axes(axis=1, size=3)", "x[:1].broadcast_axes(axis=(0,), size=(0,))",
    "x.softmax(axis=2)", "x.softmax(axis=-2)", "x.softmax(temperature=0)", "x.softmax(length=mx.nd.array([2, 3, 4]), use_length=True)",
    "x.log_softmax(temperature=0.5)", "x.softmin(axis=0)", "x.diag(k=5)", "x.diag(k=-3)", "mx.nd.diag(x.reshape((12,)), k=-1).shape",
    "x.depth_to_space(2)", "x.reshape((1, 3, 2, 2)).depth_to_space(3)", "x.reshape((1, 3, 2, 2)).space_to_depth(3)",
    "x.pad(mode='constant', pad_width=(0, 0, 1, 1))", "x.reshape((1, 1, 3, 4)).pad(mode='reflect', pad_width=(0, 0, 0, 0, 3, 3, 0, 0))",
    "x.reshape((1, 1, 3, 4)).pad(mode='bad', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))", "x.reshape((1, 1, 3, 4)).pad(mode='constant', pad_width=(1, 0, 0, 0, 1, 1, 1, 1))",
    "x.reshape((1, 1, 3, 4)).pad(pad_width=(0, 0, 0, 0, 1, 1, 1, 1))",
    "x.astype('float16').astype('int8')", "x.astype(None)", "x.astype('bad')", "x.astype(np.int16)",
    "x.reshape_like(mx.nd.ones((2, 6)), lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=1)",
    "x.reshape_like(mx.nd.ones((5,)))", "x.broadcast_like(mx.nd.ones((2, 3, 4)))", "x[:1].broadcast_like(mx.nd.ones((2, 5)), lhs_axes=(0,), rhs_axes=(0,))",
    "x.slice_like(mx.nd.ones((5, 5)))", "x.slice_like(mx.nd.ones((2,)))", "x.slice_like(mx.nd.ones((2, 2)), axes=(-1,))",
]
for j, c in enumerate(CALLS):
    case(f"core_args_{j}", X + f"r = {c}\nprint(r if not isinstance(r, list) else r, getattr(r, 'dtype', None))")
