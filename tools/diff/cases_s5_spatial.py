"""Spatial ops (session 5): GridGenerator, BilinearSampler, SpatialTransformer, im2col/col2im,
Correlation, CTCLoss/ctc_loss."""
CASES = []


def case(name, code):
    CASES.append((name, code))


GRAD = ("    z = (y * mx.nd.arange(y.size).reshape(y.shape) / y.size).sum()\nz.backward()\n")
A = "theta = mx.nd.array([[0.9, 0.1, 0.05, -0.2, 1.1, 0.1], [1.2, -0.3, -0.1, 0.25, 0.8, 0.0]])\n"
case("s5_sp_gridgen_affine", A + "y = mx.nd.GridGenerator(theta, transform_type='affine', target_shape=(3, 4)); print(y.shape); print(y)")
case("s5_sp_gridgen_affine_grad", A + "theta.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.GridGenerator(theta, transform_type='affine', target_shape=(3, 4))\n" + GRAD + "print(theta.grad)")
W = "mx.random.seed(2); flow = mx.nd.random.uniform(-1, 1, shape=(2, 2, 3, 4))\n"
case("s5_sp_gridgen_warp", W + "y = mx.nd.GridGenerator(flow, transform_type='warp'); print(y.shape); print(y)")
case("s5_sp_gridgen_warp_grad", W + "flow.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.GridGenerator(flow, transform_type='warp')\n" + GRAD + "print(flow.grad)")
case("s5_sp_gridgen_f64", A + "y = mx.nd.GridGenerator(theta.astype('float64'), transform_type='affine', target_shape=(2, 2)); print(y.dtype, y)")
case("s5_sp_gridgen_bad", A + "print(mx.nd.GridGenerator(theta[:, :5], transform_type='affine', target_shape=(2, 2)))")
case("s5_sp_gridgen_bad_type", A + "print(mx.nd.GridGenerator(theta, transform_type='xyz', target_shape=(2, 2)))")
case("s5_sp_gridgen_no_shape", A + "print(mx.nd.GridGenerator(theta, transform_type='affine'))")

BS = ("mx.random.seed(4); x = mx.nd.random.uniform(shape=(2, 2, 4, 5))\n"
      "g = mx.nd.random.uniform(-1.2, 1.2, shape=(2, 2, 3, 3))\n")
case("s5_sp_bilsampler", BS + "print(mx.nd.BilinearSampler(x, g))")
case("s5_sp_bilsampler_grad", BS + "x.attach_grad(); g.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.BilinearSampler(x, g)\n" + GRAD + "print(x.grad); print(g.grad)")
case("s5_sp_bilsampler_edges", "x = mx.nd.arange(12).reshape((1, 1, 3, 4)); g = mx.nd.array([[[[-1, 1, 0, -1.5, 2]], [[-1, 1, 0, 0.5, -3]]]])\nprint(mx.nd.BilinearSampler(x, g))")
case("s5_sp_bilsampler_f64", BS + "y = mx.nd.BilinearSampler(x.astype('float64'), g.astype('float64')); print(y.dtype, y)")
case("s5_sp_bilsampler_f64_grad", BS + "x = x.astype('float64'); g = g.astype('float64'); x.attach_grad(); g.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.BilinearSampler(x, g)\n" + GRAD + "print(x.grad); print(g.grad)")
case("s5_sp_bilsampler_f16", BS + "y = mx.nd.BilinearSampler(x.astype('float16'), g.astype('float16')); print(y.dtype, y)")
case("s5_sp_bilsampler_bad", BS + "print(mx.nd.BilinearSampler(x, g[:, :1]))")
case("s5_sp_bilsampler_bad_batch", BS + "print(mx.nd.BilinearSampler(x, g[:1]))")
case("s5_sp_bilsampler_gridgen", BS + A + "print(mx.nd.BilinearSampler(x, mx.nd.GridGenerator(theta, transform_type='affine', target_shape=(2, 3))))")

ST = "mx.random.seed(4); x = mx.nd.random.uniform(shape=(2, 2, 4, 5))\n" + A
case("s5_sp_stn", ST + "print(mx.nd.SpatialTransformer(x, theta, target_shape=(3, 3), transform_type='affine', sampler_type='bilinear'))")
case("s5_sp_stn_grad", ST + "x.attach_grad(); theta.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.SpatialTransformer(x, theta, target_shape=(3, 3), transform_type='affine', sampler_type='bilinear')\n" + GRAD + "print(x.grad); print(theta.grad)")
case("s5_sp_stn_defaults", ST + "print(mx.nd.SpatialTransformer(x, theta, target_shape=(2, 2)))")
case("s5_sp_stn_f64", ST + "y = mx.nd.SpatialTransformer(x.astype('float64'), theta.astype('float64'), target_shape=(2, 2)); print(y.dtype, y)")
case("s5_sp_stn_bad_loc", ST + "print(mx.nd.SpatialTransformer(x, theta[:, :4], target_shape=(2, 2)))")
case("s5_sp_stn_no_shape", ST + "print(mx.nd.SpatialTransformer(x, theta))")

IC = "x = mx.nd.arange(2 * 2 * 4 * 5).reshape((2, 2, 4, 5))\n"
for i, kw in enumerate(["kernel=(2, 2)", "kernel=(3, 2), stride=(2, 1)", "kernel=(2, 3), pad=(1, 1)",
                        "kernel=(2, 2), dilate=(2, 2)", "kernel=(3, 3), stride=(2, 2), pad=(1, 0), dilate=(1, 2)",
                        "kernel=(1, 1)"]):
    case(f"s5_sp_im2col_{i}", IC + f"y = mx.nd.im2col(x, {kw}); print(y.shape); print(y)")
    case(f"s5_sp_im2col_{i}_grad", IC + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.im2col(x, {kw})\n" + GRAD + "print(x.grad)")
    case(f"s5_sp_col2im_{i}", IC + f"c = mx.nd.im2col(x, {kw}); y = mx.nd.col2im(c, output_size=(4, 5), {kw}); print(y.shape); print(y)")
    case(f"s5_sp_col2im_{i}_grad", IC + f"c = mx.nd.im2col(x, {kw}); c.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.col2im(c, output_size=(4, 5), {kw})\n" + GRAD + "print(c.grad)")
case("s5_sp_im2col_1d", "x = mx.nd.arange(12).reshape((1, 2, 6)); y = mx.nd.im2col(x, kernel=(3,), stride=(2,)); print(y.shape, y)")
case("s5_sp_im2col_f64", IC + "y = mx.nd.im2col(x.astype('float64'), kernel=(2, 2)); print(y.dtype, y.shape)")
case("s5_sp_im2col_bad_kernel", IC + "print(mx.nd.im2col(x, kernel=(5, 2)))")
case("s5_sp_im2col_3d", "print(mx.nd.im2col(mx.nd.ones((2, 4, 5)), kernel=(2, 2)))")
case("s5_sp_col2im_bad", IC + "print(mx.nd.col2im(mx.nd.ones((2, 7, 12)), output_size=(4, 5), kernel=(2, 2)))")
case("s5_sp_col2im_f16", IC + "c = mx.nd.im2col(x, kernel=(2, 2)).astype('float16'); y = mx.nd.col2im(c, output_size=(4, 5), kernel=(2, 2)); print(y.dtype, y)")

CO = "mx.random.seed(6); a = mx.nd.random.uniform(shape=(2, 3, 5, 6)); b = mx.nd.random.uniform(shape=(2, 3, 5, 6))\n"
for i, kw in enumerate(["", "kernel_size=1, max_displacement=2, stride1=1, stride2=1, pad_size=2",
                        "kernel_size=3, max_displacement=1, pad_size=1",
                        "kernel_size=1, max_displacement=2, stride1=2, stride2=2, pad_size=2",
                        "kernel_size=3, max_displacement=2, stride2=2, pad_size=3, is_multiply=False",
                        "is_multiply=False"]):
    case(f"s5_sp_corr_{i}", CO + f"y = mx.nd.Correlation(a, b{', ' if kw else ''}{kw}); print(y.shape); print(y)")
    case(f"s5_sp_corr_{i}_grad", CO + f"a.attach_grad(); b.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.Correlation(a, b{', ' if kw else ''}{kw})\n" + GRAD + "print(a.grad); print(b.grad)")
case("s5_sp_corr_f64", CO + "y = mx.nd.Correlation(a.astype('float64'), b.astype('float64'), max_displacement=1, pad_size=1); print(y.dtype, y)")
case("s5_sp_corr_bad_shape", CO + "print(mx.nd.Correlation(a, b[:, :2]))")
case("s5_sp_corr_too_small", CO + "print(mx.nd.Correlation(a, b, kernel_size=3, max_displacement=3))")
case("s5_sp_corr_even_kernel", CO + "print(mx.nd.Correlation(a, b, kernel_size=2, pad_size=1))")

CT = ("mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(6, 2, 5))\n"
      "lf = mx.nd.array([[1, 2, 2, 0], [3, 4, 0, 0]])\n"
      "ll = mx.nd.array([[0, 1, 1, -1], [2, 3, -1, -1]])\n")
case("s5_sp_ctc_first", CT + "print(mx.nd.CTCLoss(d, lf))")
case("s5_sp_ctc_first_minus1", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[1, 2, 2, -1], [3, 4, -1, -1]])))")
case("s5_sp_ctc_last", CT + "print(mx.nd.CTCLoss(d, ll, blank_label='last'))")
case("s5_sp_ctc_alias", CT + "print(mx.nd.ctc_loss(d, lf), mx.nd.contrib.ctc_loss(d, lf), mx.nd.contrib.CTCLoss(d, lf))")
case("s5_sp_ctc_lengths", CT + "print(mx.nd.CTCLoss(d, lf, mx.nd.array([6, 4]), mx.nd.array([2, 1]), use_data_lengths=True, use_label_lengths=True))")
case("s5_sp_ctc_data_lengths", CT + "print(mx.nd.CTCLoss(d, lf, mx.nd.array([5, 3]), use_data_lengths=True))")
case("s5_sp_ctc_label_lengths", CT + "print(mx.nd.CTCLoss(d, lf, label_lengths=mx.nd.array([3, 2]), use_label_lengths=True))")
case("s5_sp_ctc_lengths_last", CT + "print(mx.nd.CTCLoss(d, ll, mx.nd.array([6, 4]), mx.nd.array([3, 1]), use_data_lengths=True, use_label_lengths=True, blank_label='last'))")
case("s5_sp_ctc_grad", CT + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, lf)\ny.backward(); print(y); print(d.grad)")
case("s5_sp_ctc_grad_last_lengths", CT + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, ll, mx.nd.array([6, 4]), use_data_lengths=True, blank_label='last')\n    z = (y * mx.nd.array([1., 2]))\nz.backward(); print(y); print(d.grad)")
case("s5_sp_ctc_f64", CT + "y = mx.nd.CTCLoss(d.astype('float64'), lf.astype('float64')); print(y.dtype, y)")
case("s5_sp_ctc_f64_grad", CT + "d = d.astype('float64'); d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, lf)\ny.backward(); print(d.grad)")
case("s5_sp_ctc_impossible", CT + "print(mx.nd.CTCLoss(d[:2], mx.nd.array([[1, 1, 1, 2], [1, 2, 3, 4]])))")
case("s5_sp_ctc_empty_label", CT + "print(mx.nd.CTCLoss(d, mx.nd.zeros((2, 3))))")
case("s5_sp_ctc_bad_batch", CT + "print(mx.nd.CTCLoss(d, lf[:1]))")
case("s5_sp_ctc_bad_label_len", CT + "print(mx.nd.CTCLoss(d, mx.nd.ones((2, 9))))")
case("s5_sp_ctc_bad_blank", CT + "print(mx.nd.CTCLoss(d, lf, blank_label='middle'))")
case("s5_sp_ctc_int_label", CT + "print(mx.nd.CTCLoss(d, lf.astype('int32')))")
case("s5_sp_ctc_lengths_not_used", CT + "print(mx.nd.CTCLoss(d, lf, mx.nd.array([2, 2]), mx.nd.array([1, 1])))")
