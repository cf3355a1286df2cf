"""Operator call forms: attributes as strings, positional attributes, out=, name=."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]])\n"
STR = [
    "mx.nd.sum(x, axis='1')", "mx.nd.sum(x, axis='(0, 1)')", "mx.nd.sum(x, axis='1', keepdims='True')",
    "mx.nd.sum(x, axis='0', keepdims='true')", "mx.nd.sum(x, axis='0', keepdims='False')",
    "mx.nd.sum(x, axis='0', keepdims='0')", "mx.nd.sum(x, axis='0', keepdims='1')",
    "mx.nd.mean(x, axis='-1', exclude='True')", "mx.nd.max(x, axis='[0]')", "mx.nd.sum(x, axis='()')",
    "mx.nd.sum(x, axis='None')", "mx.nd.sum(x, axis='(1,)')",
    "mx.nd.reshape(x, shape='(2,6)')", "mx.nd.reshape(x, shape='(-1, 0)')", "mx.nd.reshape(x, shape='[4, 3]')",
    "mx.nd.reshape(x, shape='(2,6)', reverse='False')",
    "mx.nd.Activation(x, act_type='relu')", "mx.nd.Activation(x, act_type='tanh')",
    "mx.nd.LeakyReLU(x, act_type='leaky', slope='0.1')", "mx.nd.LeakyReLU(x, slope='0.5')",
    "mx.nd.transpose(x, axes='(1, 0)')", "mx.nd.expand_dims(x, axis='1').shape",
    "mx.nd.clip(x, a_min='-1', a_max='1.5')", "mx.nd.clip(x, '-1', '1.5')",
    "mx.nd.topk(x, k='2', axis='0')", "mx.nd.topk(x, k='2', ret_typ='value')", "mx.nd.argmax(x, axis='1')",
    "mx.nd.argmax(x, axis='1', keepdims='True')", "mx.nd.softmax(x, axis='0')",
    "mx.nd.softmax(x, temperature='2')", "mx.nd.tile(x, reps='(1, 2)')", "mx.nd.repeat(x, repeats='2', axis='0')",
    "mx.nd.flip(x, axis='1')", "mx.nd.slice_axis(x, axis='1', begin='1', end='3')",
    "mx.nd.slice_axis(x, axis='1', begin='1', end='None')", "mx.nd.slice(x, begin='(0, 1)', end='(2, 3)')",
    "mx.nd.slice(x, begin='(0, None)', end='(2, None)')",
    "mx.nd.one_hot(mx.nd.array([0, 2]), depth='3')", "mx.nd.one_hot(mx.nd.array([0, 2]), depth='3', dtype='int32')",
    "mx.nd.cast(x, dtype='float16')", "mx.nd.norm(x, ord='1', axis='1')", "mx.nd.split(x, num_outputs='3', axis='0')",
    "mx.nd.broadcast_to(x[:1], shape='(2, 4)')", "mx.nd.swapaxes(x, dim1='0', dim2='1')",
    "mx.nd.FullyConnected(x, mx.nd.ones((2, 4)), mx.nd.zeros((2,)), num_hidden='2')",
    "mx.nd.FullyConnected(x, mx.nd.ones((2, 4)), num_hidden='2', no_bias='True')",
    "mx.nd.FullyConnected(x, mx.nd.ones((2, 4)), num_hidden=2, no_bias='1')",
    "mx.nd.Dropout(x, p='0.5')", "mx.nd.sort(x, is_ascend='False')", "mx.nd.sort(x, is_ascend='0')",
    "mx.nd.pick(x, mx.nd.array([0, 1, 2]), axis='1', keepdims='True')",
    "mx.nd.squeeze(x.reshape((1, 3, 4)), axis='0').shape", "mx.nd.pad(x.reshape((1, 1, 3, 4)), mode='constant', pad_width='(0, 0, 0, 0, 1, 1, 1, 1)')",
    "mx.nd.smooth_l1(x, scalar='1.0')", "mx.nd.stack(x, x, axis='1').shape", "mx.nd.concat(x, x, dim='0').shape",
    "mx.nd.sum(x, axis='a')", "mx.nd.sum(x, axis='1.5')", "mx.nd.reshape(x, shape='bad')",
    "mx.nd.Activation(x, act_type='nope')", "mx.nd.sum(x, keepdims='maybe')",
    "mx.nd.arange(start='1', stop='5')", "mx.nd.zeros(shape='(2, 3)')",
    "mx.nd.Convolution(x.reshape((1, 1, 3, 4)), mx.nd.ones((1, 1, 2, 2)), kernel='(2, 2)', num_filter='1', no_bias='True')",
    "mx.nd.Pooling(x.reshape((1, 1, 3, 4)), kernel='(2, 2)', pool_type='max', stride='(1, 1)')",
]
for j, c in enumerate(STR):
    case(f"core_str_{j}", X + f"r = {c}\nprint(r if not isinstance(r, list) else [t.shape for t in r])")
POS = [
    "mx.nd.sum(x, 1)", "mx.nd.sum(x, 1, True)", "mx.nd.sum(x, (0, 1), False, True)", "mx.nd.mean(x, 0, True)",
    "mx.nd.max(x, 1)", "mx.nd.argmax(x, 1)", "mx.nd.argmax(x, 1, True)", "mx.nd.topk(x, 0, 2)", "mx.nd.topk(x, 1, 2, 'value')",
    "mx.nd.sort(x, 0)", "mx.nd.sort(x, 1, False)", "mx.nd.softmax(x, 0)", "mx.nd.clip(x, -1, 1)",
    "mx.nd.reshape(x, (4, 3))", "mx.nd.transpose(x, (1, 0))", "mx.nd.expand_dims(x, 0).shape",
    "mx.nd.slice_axis(x, 1, 0, 2)", "mx.nd.slice(x, (0, 1), (2, 3))", "mx.nd.tile(x, (2,)).shape",
    "mx.nd.repeat(x, 2, 0).shape", "mx.nd.flip(x, 1)", "mx.nd.one_hot(mx.nd.array([1, 0]), 3)",
    "mx.nd.take(x, mx.nd.array([2, 0]), 0)", "mx.nd.take(x, mx.nd.array([2, 0]), 1, 'clip')",
    "mx.nd.pick(x, mx.nd.array([0, 1, 2]), 1)", "mx.nd.norm(x, 1)", "mx.nd.norm(x, 2, 1)",
    "mx.nd.Activation(x, 'relu')", "mx.nd.LeakyReLU(x, 'leaky')", "mx.nd.cast(x, 'int32')",
    "mx.nd.split(x, 2, 1)", "mx.nd.swapaxes(x, 0, 1)", "mx.nd.broadcast_axis(x[:1], 0, 2)",
    "mx.nd.FullyConnected(x, mx.nd.ones((2, 4)), mx.nd.zeros((2,)), 2)",
    "mx.nd.Dropout(x, 0.5)", "mx.nd.smooth_l1(x, 2.0)", "mx.nd.sum(x, 1, True, False, 'extra')",
    "mx.nd.where(x > 0, x, -x)", "mx.nd.dot(x, x, True)", "mx.nd.dot(x, x, False, True)",
    "mx.nd.batch_dot(x.reshape((1, 3, 4)), x.reshape((1, 3, 4)), True)",
    "mx.nd.softmax(x, 1, 2.0)", "mx.nd.log_softmax(x, 0)",
]
for j, c in enumerate(POS):
    case(f"core_pos_{j}", X + f"r = {c}\nprint(r if not isinstance(r, list) else [t.shape for t in r])")
OUT = [
    ("mx.nd.exp(x, out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.exp(x, out=o)", "mx.nd.zeros((3, 4), dtype='float16')"),
    ("mx.nd.exp(x, out=o)", "mx.nd.zeros((3, 4), dtype='int32')"),
    ("mx.nd.exp(x, out=o)", "mx.nd.zeros((4, 3))"),
    ("mx.nd.exp(x, out=o)", "mx.nd.zeros((12,))"),
    ("mx.nd.sum(x, axis=1, out=o)", "mx.nd.zeros((3,))"),
    ("mx.nd.sum(x, axis=1, out=o)", "mx.nd.zeros((3,), dtype='float64')"),
    ("mx.nd.sum(x, axis=1, out=o)", "mx.nd.zeros((1, 3))"),
    ("mx.nd.broadcast_add(x, x[:1], out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.broadcast_add(x, x[:1], out=o)", "mx.nd.zeros((3, 4), dtype='int32')"),
    ("mx.nd.elemwise_add(x, x, out=o)", "mx.nd.zeros((3, 4), dtype='float64')"),
    ("mx.nd.dot(x, x.T, out=o)", "mx.nd.zeros((3, 3))"),
    ("mx.nd.dot(x, x.T, out=o)", "mx.nd.zeros((3, 3), dtype='float16')"),
    ("mx.nd.argmax(x, axis=1, out=o)", "mx.nd.zeros((3,), dtype='int32')"),
    ("mx.nd.topk(x, k=2, out=o)", "mx.nd.zeros((3, 2))"),
    ("mx.nd.cast(x, dtype='int32', out=o)", "mx.nd.zeros((3, 4), dtype='int32')"),
    ("mx.nd.cast(x, dtype='int32', out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.reshape(x, shape=(4, 3), out=o)", "mx.nd.zeros((4, 3))"),
    ("mx.nd.transpose(x, out=o)", "mx.nd.zeros((4, 3))"),
    ("mx.nd.clip(x, 0, 1, out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.exp(x, out=o)", "x"),
    ("mx.nd.relu(x, out=o)", "x[1:]"),
    ("mx.nd.relu(x[1:], out=o)", "x[:2]"),
    ("mx.nd.relu(x, out=o)", "np.zeros((3, 4), dtype='float32')"),
    ("mx.nd.one_hot(mx.nd.array([0, 1]), 3, out=o)", "mx.nd.zeros((2, 3))"),
    ("mx.nd.zeros((3, 4), out=o)", "mx.nd.ones((3, 4))"),
    ("mx.nd.ones((3, 4), out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.sum(x, out=o)", "mx.nd.zeros((1,))"),
    ("mx.nd.sum(x, out=o)", "mx.nd.zeros(())"),
    ("mx.nd.sort(x, out=o)", "mx.nd.zeros((3, 4))"),
    ("mx.nd.split(x, num_outputs=2, axis=1, out=o)", "[mx.nd.zeros((3, 2)), mx.nd.zeros((3, 2))]"),
    ("mx.nd.topk(x, k=2, ret_typ='both', out=o)", "[mx.nd.zeros((3, 2)), mx.nd.zeros((3, 2))]"),
    ("mx.nd.concat(x, x, dim=0, out=o)", "mx.nd.zeros((6, 4))"),
    ("mx.nd.add_n(x, x, out=o)", "mx.nd.zeros((3, 4))"),
    # seeded: the draws must not depend on which cases ran before in the same process
    ("mx.random.seed(0) or mx.nd.random.uniform(shape=(3, 4), out=o) * 0", "mx.nd.ones((3, 4))"),
    ("mx.nd.where(x > 0, x, x * 0, out=o)", "mx.nd.zeros((3, 4), dtype='float64')"),
]
for j, (c, o) in enumerate(OUT):
    case(f"core_out_{j}", X + f"o = {o}\nr = {c}\nprint(o if not isinstance(o, list) else o, r is o if not isinstance(o, list) else [a is b for a, b in zip(r, o)])")
NAME = ["mx.nd.exp(x, name='e')", "mx.nd.sum(x, axis=1, name='s')", "mx.nd.dot(x, x.T, name='d')",
        "mx.nd.concat(x, x, dim=0, name='c').shape", "mx.nd.zeros((2,), name='z')",
        "mx.nd.Activation(x, act_type='relu', name='a')", "mx.nd.add_n(x, x, name='n')",
        "mx.nd.split(x, num_outputs=2, axis=1, name='s')[0]", "mx.nd.broadcast_add(x, x, name='b')",
        "mx.nd.random.uniform(shape=(2,), name='r').shape", "mx.nd.array([1, 2], name='a')",
        "mx.nd.arange(3, name='a')", "mx.nd.exp(x, name=None)", "mx.nd.exp(x, name=5)",
        "mx.nd.reshape(x, shape=(12,), name='r')", "mx.nd.cast(x, dtype='int32', name='c')",
        "mx.nd.one_hot(mx.nd.array([1]), 2, name='o')", "mx.nd.ones_like(x, name='o')"]
for j, c in enumerate(NAME):
    case(f"core_name_{j}", X + f"print({c})")
case("core_attr_unknown_kw", X + "print(mx.nd.sum(x, axs=1))")
case("core_attr_dup_kw", X + "print(mx.nd.sum(x, 1, axis=1))")
case("core_attr_data_kw", X + "print(mx.nd.sum(data=x, axis=1), mx.nd.exp(data=x)[0], mx.nd.dot(lhs=x, rhs=x.T))")
case("core_attr_data_none", "print(mx.nd.exp(None))")
case("core_attr_data_list", "print(mx.nd.sum([1, 2]))")
case("core_attr_np_int_axis", X + "print(mx.nd.sum(x, axis=np.int64(1)), mx.nd.sum(x, axis=np.int32(0)), x.reshape((np.int64(4), 3)).shape)")
case("core_attr_np_float_scalar", X + "print(mx.nd.clip(x, np.float32(-1), np.float64(1)), x * np.float16(2))")
case("core_attr_list_shape", X + "print(mx.nd.reshape(x, shape=[2, 6]).shape, mx.nd.tile(x, reps=[1, 2]).shape, mx.nd.transpose(x, axes=[1, 0]).shape)")
case("core_attr_tuple_axis_list", X + "print(mx.nd.sum(x, axis=[0, 1]), mx.nd.sum(x, axis=np.array([0, 1])))")
case("core_attr_bool_int", X + "print(mx.nd.sum(x, axis=1, keepdims=1), mx.nd.sum(x, axis=1, keepdims=0))")
case("core_attr_float_int_attr", X + "print(mx.nd.one_hot(mx.nd.array([1, 0]), 3.0), mx.nd.topk(x, k=2.0))")
case("core_attr_float_axis", X + "print(mx.nd.sum(x, axis=1.0))")
case("core_attr_dtype_np", X + "print(mx.nd.cast(x, dtype=np.int32).dtype, mx.nd.cast(x, dtype=np.dtype('float16')).dtype, mx.nd.one_hot(mx.nd.array([1]), 2, dtype=np.int64).dtype)")
case("core_attr_dtype_bad", X + "print(mx.nd.cast(x, dtype='float128'))")
case("core_attr_ctx_op", X + "print(mx.nd.zeros((2,), ctx=mx.cpu(0), dtype='float64'), mx.nd.ones((2,), mx.cpu()), mx.nd.full((2,), 3, mx.cpu(), 'int32'))")
MORE_STR = [
    "mx.nd.concat(x, x, dim='1').shape", "mx.nd.stack(x, x, axis='-1').shape", "mx.nd.add_n(x, x).shape",
    "mx.nd.random.uniform(shape='(2, 3)').shape", "mx.nd.random.normal(0, 1, shape='[2]').shape",
    "mx.nd.ones('(2, 3)').shape", "mx.nd.full('(2,)', 3)", "mx.nd.eye('3').shape", "mx.nd.linspace(0, 1, '5')",
    "mx.nd.one_hot(mx.nd.array([1, 0]), '3')", "x.reshape('(2, 6)').shape", "x.sum('1')", "x.sum(axis='1')",
    "x.topk(k='2')", "x.clip('0', '1')", "x.flip('0')", "x.expand_dims('0').shape", "x.squeeze('0') if False else x.tile('2').shape",
    "x.softmax(axis='0')", "x.astype('float32').dtype", "mx.nd.split(x, '2', axis='1')[0].shape",
    "mx.nd.SliceChannel(x, num_outputs='2', axis='1')[1].shape", "mx.nd.Embedding(mx.nd.array([0, 2]), x, input_dim='3', output_dim='4')",
    "mx.nd.SoftmaxOutput(x, mx.nd.array([0, 1, 2]), grad_scale='2')", "mx.nd.BlockGrad(x).shape",
    "mx.nd.Dropout(x, p='0.0', mode='always')", "mx.nd.SwapAxis(x, '0', '1').shape", "mx.nd.sum_axis(x, axis='0')",
    "mx.nd.broadcast_axis(x[:1], axis='0', size='2').shape", "mx.nd.argsort(x, axis='0', is_ascend='false')",
]
for j, c in enumerate(MORE_STR):
    case(f"core_str2_{j}", X + f"r = {c}\nprint(r if not isinstance(r, list) else [t.shape for t in r])")
