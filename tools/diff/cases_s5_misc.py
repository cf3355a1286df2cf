"""Misc ops of session 5: slice_assign, *_ste, fft, count_sketch, rand_zipfian, SVMOutput,
IdentityAttachKLSparseReg, the _v1 layers, amp_multicast."""
CASES = []


def case(name, code):
    CASES.append((name, code))


X = "x = mx.nd.arange(12).reshape((3, 4))\n"
case("s5_misc_slice_assign", X + "y = x.slice_assign(mx.nd.ones((2, 2)) * -1, (0, 1), (2, 3), (None, None)); print(y, x)")
case("s5_misc_slice_assign_step", X + "y = x.slice_assign(mx.nd.ones((2, 2)) * -1, (0, 0), (3, 4), (2, 2)); print(y)")
case("s5_misc_slice_assign_neg", X + "y = x.slice_assign(mx.nd.ones((1, 4)) * 7, (-1, None), (None, None), (None, None)); print(y)")
case("s5_misc_slice_assign_bad", X + "print(x.slice_assign(mx.nd.ones((2, 3)), (0, 1), (2, 3), (None, None)))")
case("s5_misc_slice_assign_scalar", X + "y = x.slice_assign_scalar(9.5, (1, 0), (3, 4), (1, 3)); print(y, y.dtype)")
case("s5_misc_slice_assign_op", X + "print(mx.nd._internal._slice_assign(x, mx.nd.zeros((1, 2)), begin=(1, 1), end=(2, 3)))")
case("s5_misc_crop_assign", X + "print(mx.nd._internal._crop_assign_scalar(x, scalar=3, begin=(0, 0), end=(1, 2)))")
case("s5_misc_slice_assign_grad", X + "r = mx.nd.ones((2, 2)); x.attach_grad(); r.attach_grad()\nwith mx.autograd.record():\n    y = x.slice_assign(r * 2, (0, 1), (2, 3), (None, None))\n    z = (y * mx.nd.arange(12).reshape((3, 4)))\nz.backward(); print(x.grad, r.grad)")
S = "x = mx.nd.array([-2.5, -1.5, -0.5, 0., 0.4, 0.5, 1.5, 2.7])\n"
for fn in ["round_ste", "sign_ste"]:
    case(f"s5_misc_{fn}", S + f"print(mx.nd.contrib.{fn}(x))")
    case(f"s5_misc_{fn}_grad", S + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.{fn}(x) * x\ny.backward(); print(y, x.grad)")
    case(f"s5_misc_{fn}_f64", S + f"y = mx.nd.contrib.{fn}(x.astype('float64')); print(y.dtype, y)")
    case(f"s5_misc_{fn}_int", S + f"y = mx.nd.contrib.{fn}(x.astype('int32')); print(y.dtype, y)")
F = "mx.random.seed(31); x = mx.nd.random.uniform(-1, 1, shape=(2, 4))\n"
case("s5_misc_fft", F + "print(mx.nd.contrib.fft(x))")
case("s5_misc_ifft", F + "print(mx.nd.contrib.ifft(mx.nd.contrib.fft(x)))")
case("s5_misc_fft_grad", F + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.fft(x)\n    z = (y * mx.nd.arange(16).reshape((2, 8)))\nz.backward(); print(x.grad)")
CS = ("mx.random.seed(32); x = mx.nd.random.uniform(-1, 1, shape=(3, 5))\n"
      "h = mx.nd.array([[0, 2, 1, 2, 3]]); s = mx.nd.array([[1, -1, 1, 1, -1]])\n")
case("s5_misc_count_sketch", CS + "print(mx.nd.contrib.count_sketch(x, h, s, out_dim=4))")
case("s5_misc_count_sketch_batch", CS + "print(mx.nd.contrib.count_sketch(x, h, s, out_dim=6, processing_batch_size=2))")
case("s5_misc_count_sketch_grad", CS + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.count_sketch(x, h, s, out_dim=4)\n    z = (y * mx.nd.arange(12).reshape((3, 4)))\nz.backward(); print(x.grad)")
case("s5_misc_count_sketch_bad", CS + "print(mx.nd.contrib.count_sketch(x, h[:, :4], s, out_dim=4))")
case("s5_misc_count_sketch_noout", CS + "print(mx.nd.contrib.count_sketch(x, h, s))")
case("s5_misc_rand_zipfian", "mx.random.seed(33)\ntc = mx.nd.array([1, 3, 9])\ns, ct, cs = mx.nd.contrib.rand_zipfian(tc, 5, 20)\nprint(s.shape, s.dtype, ct.shape, cs.shape); print(ct); print(cs.shape)")
case("exact_s5_misc_rand_zipfian_draw", "mx.random.seed(33)\ntc = mx.nd.array([1, 3, 9])\ns, ct, cs = mx.nd.contrib.rand_zipfian(tc, 5, 20)\nprint(s); print(ct); print(cs)")

SV = "x = mx.nd.array([[0.5, -0.2, 1.5], [2.0, 0.1, -1.0], [0.3, 0.3, 0.2]]); l = mx.nd.array([2, 0, 1])\n"
for i, kw in enumerate(["", "margin=0.5", "use_linear=True", "margin=2.0, regularization_coefficient=0.5",
                        "use_linear=True, margin=0.3, regularization_coefficient=2.0"]):
    case(f"s5_misc_svm_{i}", SV + f"print(mx.nd.SVMOutput(x, l{', ' if kw else ''}{kw}))")
    case(f"s5_misc_svm_{i}_grad", SV + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.SVMOutput(x, l{', ' if kw else ''}{kw})\ny.backward(); print(x.grad)")
case("s5_misc_svm_bad", SV + "print(mx.nd.SVMOutput(x, l[:2]))")
case("s5_misc_svm_f64", SV + "y = mx.nd.SVMOutput(x.astype('float64'), l.astype('float64')); print(y.dtype)")
KL = "x = mx.nd.array([[0.1, 0.5, 0.9], [0.3, 0.2, 0.8]]); ma = mx.nd.array([0.2, 0.3, 0.4])\n"
case("s5_misc_klreg", KL + "print(mx.nd.IdentityAttachKLSparseReg(x, ma))")
case("s5_misc_klreg_noma", KL + "print(mx.nd.IdentityAttachKLSparseReg(x))")
case("s5_misc_klreg_grad", KL + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.IdentityAttachKLSparseReg(x, ma, sparseness_target=0.2, penalty=0.01, momentum=0.8)\n    z = (y * 2)\nz.backward(); print(x.grad, ma)")
case("s5_misc_klreg_train", KL + "x.attach_grad()\nwith mx.autograd.record(train_mode=True):\n    y = mx.nd.IdentityAttachKLSparseReg(x, ma)\ny.backward(); print(x.grad, ma)")
V1 = "mx.random.seed(34); x = mx.nd.random.uniform(-1, 1, shape=(2, 2, 5, 5)); w = mx.nd.random.uniform(-1, 1, shape=(3, 2, 3, 3)); b = mx.nd.array([0.1, 0.2, -0.3])\n"
case("s5_misc_conv_v1", V1 + "print(mx.nd.Convolution_v1(x, w, b, kernel=(3, 3), num_filter=3, stride=(2, 2), pad=(1, 1)))")
case("s5_misc_conv_v1_grad", V1 + "x.attach_grad(); w.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.Convolution_v1(x, w, b, kernel=(3, 3), num_filter=3)\ny.backward(); print(x.grad[0, 0], w.grad[0, 0])")
for pt in ["max", "avg", "sum"]:
    case(f"s5_misc_pool_v1_{pt}", V1 + f"print(mx.nd.Pooling_v1(x, kernel=(2, 2), pool_type='{pt}', stride=(2, 2)))")
    case(f"s5_misc_pool_v1_{pt}_full", V1 + f"print(mx.nd.Pooling_v1(x, kernel=(2, 2), pool_type='{pt}', stride=(2, 2), pooling_convention='full'))")
    case(f"s5_misc_pool_v1_{pt}_grad", V1 + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.Pooling_v1(x, kernel=(3, 3), pool_type='{pt}', stride=(2, 2), pad=(1, 1))\n    z = (y * mx.nd.arange(y.size).reshape(y.shape))\nz.backward(); print(x.grad[1, 1])")
case("s5_misc_pool_v1_global", V1 + "print(mx.nd.Pooling_v1(x, kernel=(2, 2), global_pool=True, pool_type='avg'))")
case("s5_misc_bn_v1", V1 + "print(mx.nd.BatchNorm_v1(x, mx.nd.array([1., 2]), mx.nd.array([0., 0.5]), mx.nd.array([0.1, -0.1]), mx.nd.array([1., 2.]))[0, :, 0])")
case("s5_misc_bn_v1_train", V1 + "mm = mx.nd.zeros((2,)); mv = mx.nd.ones((2,))\nwith mx.autograd.record():\n    y = mx.nd.BatchNorm_v1(x, mx.nd.array([1., 2]), mx.nd.array([0., 0.5]), mm, mv, fix_gamma=False)\nprint(y[0, :, 0], mm, mv)")
case("s5_misc_amp_multicast", "a = mx.nd.array([1.5, 2.]); b = mx.nd.array([3., 4.], dtype='float16'); r = mx.nd.amp_multicast(a, b, num_outputs=2); print([(v.dtype, v) for v in r])")
case("s5_misc_amp_multicast_narrow", "a = mx.nd.array([1.5, 2.]); b = mx.nd.array([3., 4.], dtype='float16'); r = mx.nd.amp_multicast(a, b, num_outputs=2, cast_narrow=True); print([(v.dtype, v) for v in r])")
case("s5_misc_amp_multicast_f64", "a = mx.nd.array([1.5, 2.], dtype='float64'); b = mx.nd.array([3., 4.], dtype='float16'); r = mx.nd.amp_multicast(a, b, num_outputs=2); print([v.dtype for v in r])")
case("s5_misc_amp_multicast_bad", "a = mx.nd.array([1.5, 2.]); print(mx.nd.amp_multicast(a, a, num_outputs=3))")
case("s5_misc_amp_cast", "a = mx.nd.array([1.5, 2.]); y = mx.nd.amp_cast(a, dtype='float16'); print(y.dtype, y)")
case("s5_misc_amp_multicast_grad", "a = mx.nd.array([1.5, 2.]); b = mx.nd.array([3., 4.], dtype='float16'); a.attach_grad(); b.attach_grad()\nwith mx.autograd.record():\n    r = mx.nd.amp_multicast(a, b, num_outputs=2)\n    z = r[0] * r[1]\nz.backward(); print(a.grad, b.grad, b.grad.dtype)")
