"""Operators mxnb composes from others (ndarray/compat.py) and ops it added (ops/compat.py)."""
CASES = []


def case(name, code):
    CASES.append((name, code))


G = "def grad(f, *xs, hg=None):\n    for x in xs: x.attach_grad()\n    with mx.autograd.record():\n        y = f(*xs)\n    y.backward(hg)\n    print(y); [print(x.grad) for x in xs]\n"
X4 = "x = (mx.nd.arange(24).reshape((2, 3, 2, 2)) * 0.37 - 2.1) ** 2 * 0.1 - mx.nd.arange(24).reshape((2, 3, 2, 2)) * 0.05\n"
case("cp_moments_axes", X4 + "for ax in [(0,), (1, 2), (0, 2, 3), None]:\n    m, v = mx.nd.moments(x, axes=ax) if ax is not None else mx.nd.moments(x, axes=(0, 1, 2, 3))\n    print(m, v)\nprint([t.shape for t in mx.nd.moments(x, axes=(1,), keepdims=True)])")
case("cp_moments_grad", G + X4 + "grad(lambda v: mx.nd.moments(v, axes=(0, 2))[1], x, hg=mx.nd.arange(6).reshape((3, 2)))")
for mode in ["instance", "channel", "spatial"]:
    case(f"cp_l2norm_{mode}", X4 + f"print(mx.nd.L2Normalization(x, mode='{mode}'))")
    case(f"cp_l2norm_{mode}_grad", G + X4 + f"grad(lambda v: mx.nd.L2Normalization(v, mode='{mode}') * mx.nd.arange(24).reshape((2, 3, 2, 2)), x)")
case("cp_l2norm_2d", "print(mx.nd.L2Normalization(mx.nd.array([[3., 4], [0, 0]])))")
case("cp_instnorm_grad", G + X4 + "g = mx.nd.array([1., 2, 0.5]); b = mx.nd.array([0., 1, -1])\ngrad(lambda v, gg, bb: mx.nd.InstanceNorm(v, gg, bb, eps=0.01) * mx.nd.arange(24).reshape((2, 3, 2, 2)), x, g, b)")
case("cp_groupnorm_grad", G + "x = (mx.nd.arange(32).reshape((2, 4, 4)) * 0.3) ** 1.5\ng = mx.nd.array([1., 2]); b = mx.nd.array([0., 1])\ngrad(lambda v, gg, bb: mx.nd.GroupNorm(v, gg, bb, num_groups=2, eps=0.1) * mx.nd.arange(32).reshape((2, 4, 4)), x, g, b)")
case("cp_groupnorm_1", "x = mx.nd.arange(24).reshape((2, 3, 4)) ** 1.3; print(mx.nd.GroupNorm(x, mx.nd.array([2.]), mx.nd.array([0.5])))")
case("cp_lrn_grad", G + X4 + "grad(lambda v: mx.nd.LRN(v, alpha=0.1, beta=0.5, knorm=1.5, nsize=3) * mx.nd.arange(24).reshape((2, 3, 2, 2)), x)")
case("cp_lrn_5", X4 + "print(mx.nd.LRN(x, nsize=5, alpha=0.3))")
case("cp_lrn_1", X4 + "print(mx.nd.LRN(x, nsize=1, alpha=0.3))")
case("cp_upsampling_grad", G + "x = mx.nd.arange(4).reshape((1, 1, 2, 2))\ngrad(lambda v: mx.nd.UpSampling(v, scale=3, sample_type='nearest') * mx.nd.arange(36).reshape((1, 1, 6, 6)), x)")
case("cp_softmaxact_grad", G + X4 + "grad(lambda v: mx.nd.SoftmaxActivation(v) * mx.nd.arange(24).reshape((2, 3, 2, 2)), x)")
case("cp_softmaxact_chan", X4 + "print(mx.nd.SoftmaxActivation(x, mode='channel'))")
S = "x = mx.nd.arange(24).reshape((4, 3, 2)); L = mx.nd.array([2, 4, 1])\n"
case("cp_seqmask_axis0", S + "print(mx.nd.SequenceMask(x, L, use_sequence_length=True)); print(mx.nd.SequenceMask(x, L, use_sequence_length=True, value=-7.5))")
case("cp_seqmask_axis1", "x = mx.nd.arange(24).reshape((3, 4, 2)); print(mx.nd.SequenceMask(x, mx.nd.array([2, 4, 0]), use_sequence_length=True, axis=1))")
case("cp_seqmask_nolen", S + "print(mx.nd.SequenceMask(x))")
case("cp_seqmask_grad", G + S + "grad(lambda v: mx.nd.SequenceMask(v, L, use_sequence_length=True, value=1) * 2, x)")
case("cp_seqmask_2d", "x = mx.nd.arange(6).reshape((3, 2)); print(mx.nd.SequenceMask(x, mx.nd.array([1, 2]), use_sequence_length=True))")
case("cp_seqlast", S + "print(mx.nd.SequenceLast(x, L, use_sequence_length=True), mx.nd.SequenceLast(x))")
case("cp_seqlast_axis1", "x = mx.nd.arange(24).reshape((3, 4, 2)); print(mx.nd.SequenceLast(x, mx.nd.array([2, 4, 1]), use_sequence_length=True, axis=1))")
case("cp_seqlast_grad", G + S + "grad(lambda v: mx.nd.SequenceLast(v, L, use_sequence_length=True), x)")
case("cp_seqlast_2d", "x = mx.nd.arange(6).reshape((3, 2)); print(mx.nd.SequenceLast(x, mx.nd.array([1, 3]), use_sequence_length=True))")
case("cp_seqrev", S + "print(mx.nd.SequenceReverse(x, L, use_sequence_length=True), mx.nd.SequenceReverse(x))")
case("cp_seqrev_grad", G + S + "grad(lambda v: mx.nd.SequenceReverse(v, L, use_sequence_length=True) * mx.nd.arange(24).reshape((4, 3, 2)), x)")
case("cp_diag_variants", "a = mx.nd.arange(12).reshape((3, 4)); print(mx.nd.diag(a), mx.nd.diag(a, k=2), mx.nd.diag(a, k=-1), mx.nd.diag(mx.nd.array([1, 2, 3]), k=-1))\nb = mx.nd.arange(24).reshape((2, 3, 4)); print(mx.nd.diag(b, axis1=1, axis2=2), mx.nd.diag(b, k=1, axis1=0, axis2=2))")
case("cp_diag_grad", G + "a = mx.nd.arange(12).reshape((3, 4)); v = mx.nd.array([1., 2])\ngrad(lambda t: mx.nd.diag(t, k=1) * mx.nd.array([1., 2, 3]), a)\ngrad(lambda t: mx.nd.diag(t, k=1) * mx.nd.arange(9).reshape((3, 3)), v)")
case("cp_diag_oor", "print(mx.nd.diag(mx.nd.ones((2, 2)), k=3))")
case("cp_gather_nd_more", "a = mx.nd.arange(24).reshape((2, 3, 4)); print(mx.nd.gather_nd(a, mx.nd.array([[1, 0], [2, 1]]))); print(mx.nd.gather_nd(a, mx.nd.array([[1], [2], [3]]))); print(mx.nd.gather_nd(a, mx.nd.array([[[0, 1], [1, 1]]])))")
case("cp_gather_nd_neg", "a = mx.nd.arange(6).reshape((2, 3)); print(mx.nd.gather_nd(a, mx.nd.array([[-1, 0], [-1, 2]])))")
case("cp_gather_nd_grad", G + "a = mx.nd.arange(6).reshape((2, 3))\ngrad(lambda t: mx.nd.gather_nd(t, mx.nd.array([[1, 0, 1], [2, 1, 2]])), a)")
case("cp_scatter_nd_more", "print(mx.nd.scatter_nd(mx.nd.array([[1., 2], [3, 4]]), mx.nd.array([[1, 0]]), shape=(3, 2))); print(mx.nd.scatter_nd(mx.nd.array([5., 6]), mx.nd.array([[0, 0], [1, 1]]), shape=(2, 2)))")
case("cp_scatter_nd_grad", G + "d = mx.nd.array([2., 3])\ngrad(lambda t: mx.nd.scatter_nd(t, mx.nd.array([[0, 1], [1, 2]]), shape=(2, 3)) * mx.nd.arange(6).reshape((2, 3)), d)")
case("cp_d2s_grad", G + "x = mx.nd.arange(32).reshape((1, 8, 2, 2))\ngrad(lambda v: mx.nd.depth_to_space(v, 2) * mx.nd.arange(32).reshape((1, 2, 4, 4)), x)")
case("cp_s2d", "x = mx.nd.arange(32).reshape((1, 2, 4, 4)); print(mx.nd.space_to_depth(x, 2))")
case("cp_d2s_bad", "mx.nd.depth_to_space(mx.nd.ones((1, 3, 2, 2)), 2)")
case("cp_split_v2_more", "x = mx.nd.arange(12).reshape((3, 4)); r = mx.nd.split_v2(x, 3); print(r); r = mx.nd.split_v2(x, (1,), axis=1, squeeze_axis=False); print(r); print(mx.nd.split_v2(x, 1))")
case("cp_split_v2_squeeze", "x = mx.nd.arange(12).reshape((3, 4)); print(mx.nd.split_v2(x, 3, squeeze_axis=True))")
case("cp_khatri_rao_3", "a = mx.nd.array([[1., 2], [3, 4]]); b = mx.nd.array([[1., -1], [2, 0.5]]); print(mx.nd.khatri_rao(a, b, a))")
case("cp_khatri_rao_grad", G + "a = mx.nd.array([[1., 2], [3, 4]]); b = mx.nd.array([[1., -1], [2, 0.5], [1, 1]])\ngrad(lambda p, q: mx.nd.khatri_rao(p, q), a, b)")
case("cp_regression_outputs", "x = mx.nd.array([[1., 2, 3], [-1, 0, 5]]); l = mx.nd.array([[0., 1, 1], [1, 0, 2]])\nfor f in [mx.nd.LinearRegressionOutput, mx.nd.LogisticRegressionOutput, mx.nd.MAERegressionOutput]:\n    x.attach_grad(); l.attach_grad()\n    with mx.autograd.record():\n        y = f(x, l, grad_scale=2.0)\n    y.backward(mx.nd.ones((2, 3)) * 5); print(f.__name__, y, x.grad, l.grad)")
case("cp_regression_shapes", "x1 = mx.nd.array([1., 2, 3]); l1 = mx.nd.array([0., 1, 1]); x1.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.LinearRegressionOutput(x1, l1)\ny.backward(); print(x1.grad)\nx3 = mx.nd.arange(12).reshape((2, 3, 2)); l3 = mx.nd.zeros((2, 3, 2)); x3.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.LinearRegressionOutput(x3, l3)\ny.backward(); print(x3.grad)")
case("cp_softmaxoutput_grads", "x = mx.nd.array([[1., 2, 3], [-1, 0, 5]]); x.attach_grad()\nfor kw in [{}, dict(grad_scale=2.), dict(normalization='batch'), dict(normalization='valid', use_ignore=True, ignore_label=2), dict(use_ignore=True, ignore_label=0)]:\n    with mx.autograd.record():\n        y = mx.nd.SoftmaxOutput(x, mx.nd.array([0, 2]), **kw)\n    y.backward(); print(kw, x.grad)")
case("cp_softmaxoutput_multi", "x = mx.nd.arange(12).reshape((2, 3, 2)) * 0.3; x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.SoftmaxOutput(x, mx.nd.array([[0, 2], [1, 1]]), multi_output=True)\ny.backward(); print(y, x.grad)")
case("cp_softmaxoutput_preserve", "x = mx.nd.array([[1., 2, 3], [-1, 0, 5]]); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.SoftmaxOutput(x, mx.nd.array([0, 2]), preserve_shape=True)\ny.backward(); print(y, x.grad)")
case("cp_amp_cast", "print(mx.nd.amp_cast(mx.nd.array([1, 2], dtype='int32'), dtype='float16').dtype, mx.nd.amp_cast(mx.nd.array([1.5, 2]), dtype='float16'))")
