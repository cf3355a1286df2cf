"""Third pass over the session-5 ops: keywords, out=, dtypes of outputs, discrete-pdf gradients."""
CASES = []


def case(name, code):
    CASES.append((name, code))


case("s5_x_nms_kw_out", "d = mx.nd.array([[0, 0.9, 0, 0, 10, 10], [0, 0.8, 1, 1, 11, 11]]); o = mx.nd.zeros((2, 6))\nr = mx.nd.contrib.box_nms(data=d, overlap_thresh=0.5, out=o); print(r is o, o)")
case("s5_x_iou_int", "a = mx.nd.array([[0, 0, 2, 2]], dtype='int32'); y = mx.nd.contrib.box_iou(a, a); print(y.dtype, y)")
case("s5_x_bmatch_f64", "s = mx.nd.array([[0.5, 0.6], [0.1, 0.3]], dtype='float64'); r, c = mx.nd.contrib.bipartite_matching(s, threshold=0.2); print(r.dtype, c.dtype, r, c)")
case("s5_x_mbprior_bad_steps", "print(mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 2, 2)), steps=(0.5,)))")
case("s5_x_mbprior_empty_sizes", "print(mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 2, 2)), sizes=()))")
case("s5_x_mbprior_3d", "print(mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 2, 2))))")
case("s5_x_roialign_sample0", "print(mx.nd.contrib.ROIAlign(mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 0, 0, 2, 2]]), pooled_size=(2, 2), spatial_scale=1.0, sample_ratio=0))")
case("s5_x_roialign_kw", "print(mx.nd.contrib.ROIAlign(data=mx.nd.arange(16).reshape((1, 1, 4, 4)), rois=mx.nd.array([[0, 0, 0, 2, 2]]), pooled_size=(2, 2), spatial_scale=0.5))")
case("s5_x_roipool_kw_out", "o = mx.nd.zeros((1, 1, 2, 2)); mx.nd.ROIPooling(data=mx.nd.arange(16).reshape((1, 1, 4, 4)), rois=mx.nd.array([[0, 0, 0, 2, 2]]), pooled_size=(2, 2), spatial_scale=1.0, out=o); print(o)")
case("s5_x_roipool_int", "print(mx.nd.ROIPooling(mx.nd.ones((1, 1, 4, 4), dtype='int32'), mx.nd.array([[0, 0, 0, 2, 2]], dtype='int32'), pooled_size=(2, 2), spatial_scale=1.0))")
case("s5_x_bilresize_like_dtype", "print(mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 2, 2)), mx.nd.zeros((1, 1, 3, 3), dtype='float64'), mode='like'))")
case("s5_x_bilresize_int", "print(mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 2, 2), dtype='int32'), height=3, width=3))")
case("s5_x_adapool_3d", "print(mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.arange(12).reshape((1, 3, 4)), output_size=2))")
case("s5_x_ctc_last_uses_blank", "d = mx.nd.zeros((3, 1, 3)); print(mx.nd.CTCLoss(d, mx.nd.array([[0, 2]]), blank_label='last'))")
case("s5_x_ctc_first_mid_zero", "mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(5, 1, 4)); print(mx.nd.CTCLoss(d, mx.nd.array([[1, 0, 2]])))")
case("s5_x_ctc_label_too_big", "d = mx.nd.zeros((3, 1, 3)); print(mx.nd.CTCLoss(d, mx.nd.array([[1, 3]])))")
case("s5_x_ctc_kw", "mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(5, 2, 4)); print(mx.nd.CTCLoss(data=d, label=mx.nd.array([[1, 2], [3, 0]]), data_lengths=mx.nd.array([5, 3]), use_data_lengths=True))")
case("s5_x_ctc_lengths_grad", "mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(5, 2, 4)); d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, mx.nd.array([[1, 2], [3, 3]]), mx.nd.array([5, 3]), mx.nd.array([1, 2]), use_data_lengths=True, use_label_lengths=True)\ny.backward(); print(y, d.grad)")
case("s5_x_ctc_label_grad", "mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(5, 1, 4)); l = mx.nd.array([[1, 2]]); l.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, l)\ny.backward(); print(l.grad)")
for fn, params, samp in [("poisson", "lam=mx.nd.array([2., 0.5])", "mx.nd.array([[0., 1., 3.], [0., 2., 5.]])"),
                         ("negative_binomial", "k=mx.nd.array([3., 1.]), p=mx.nd.array([0.4, 0.8])", "mx.nd.array([[0., 1., 3.], [0., 2., 5.]])"),
                         ("generalized_negative_binomial", "mu=mx.nd.array([2., 0.5]), alpha=mx.nd.array([0.3, 1.2])", "mx.nd.array([[0., 1., 3.], [0., 2., 5.]])")]:
    case(f"s5_x_pdf_{fn}_grad", f"args = dict({params})\nfor v in args.values(): v.attach_grad()\n"
         f"with mx.autograd.record():\n    y = mx.nd.random_pdf_{fn}({samp}, **args)\ny.backward()\nfor k in sorted(args): print(k, args[k].grad)")
    case(f"s5_x_pdf_{fn}_log_grad", f"args = dict({params})\nfor v in args.values(): v.attach_grad()\n"
         f"with mx.autograd.record():\n    y = mx.nd.random_pdf_{fn}({samp}, **args, is_log=True)\ny.backward()\nfor k in sorted(args): print(k, args[k].grad)")
case("s5_x_pdf_normal_3d", "mu = mx.nd.array([[0., 1.], [2., 3.]]); sg = mx.nd.ones((2, 2)); s = mx.nd.arange(8).reshape((2, 2, 2)) / 4\nprint(mx.nd.random_pdf_normal(s, mu, sg))")
case("s5_x_pdf_uniform_grad", "s = mx.nd.array([[0.5, 1.5]]); lo = mx.nd.array([0.]); hi = mx.nd.array([2.])\nfor a in (s, lo, hi): a.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.random_pdf_uniform(s, lo, hi, is_log=True)\ny.backward(); print(s.grad, lo.grad, hi.grad)")
O = ("mx.random.seed(21); w = mx.nd.random.uniform(-1, 1, shape=(5,)); g = mx.nd.random.normal(0, 2, shape=(5,))\n"
     "w16 = w.astype('float16'); g16 = g.astype('float16')\n")
case("s5_x_multi_sgd_f16", O + "mx.nd.multi_sgd_update(w16, g16, lrs=(0.1,), wds=(0.01,), num_weights=1, out=[w16]); print(w16)")
case("s5_x_lamb_f16", O + "m = mx.nd.zeros((5,), dtype='float16'); v = mx.nd.zeros((5,), dtype='float16')\ngg = mx.nd.lamb_update_phase1(w16, g16, m, v, t=1, wd=0.1); print(gg.dtype, gg, m, v)")
case("s5_x_ftml_f64", O + "w = w.astype('float64'); g = g.astype('float64'); d = mx.nd.zeros((5,), dtype='float64'); v = d.copy(); z = d.copy()\nmx.nd.ftml_update(w, g, d, v, z, lr=0.1, t=1, out=w); print(w, d, v, z)")
case("s5_x_multi_sum_sq_nan", "print(mx.nd.multi_sum_sq(mx.nd.array([1., np.nan]), mx.nd.array([np.inf, 2.]), mx.nd.array([3.]), num_arrays=3))")
case("s5_x_multi_lars_nan", "print(mx.nd.multi_lars(mx.nd.array([0.1, 0.2]), mx.nd.array([np.nan, np.inf]), mx.nd.array([1., 2.]), mx.nd.array([0.01, 0.5]), eta=0.1, eps=0.5))")
case("s5_x_mp_sgd_mom_f32_w32", O + "m = mx.nd.zeros((5,)); w32 = w16.astype('float32')\nr = mx.nd.mp_sgd_mom_update(w16, g16, m, w32, lr=0.5, momentum=0.5, wd=0.1); print(r.dtype, r, w16, w32, m)")
case("s5_x_adamw_rescale_f16", O + "m = mx.nd.zeros((5,)); v = mx.nd.zeros((5,))\nprint(mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0], dtype='float16'), lr=0.01, eta=0.5))")
case("s5_x_adamw_noout", O + "m = mx.nd.zeros((5,)); v = mx.nd.zeros((5,))\nr = mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0]), lr=0.01, eta=0.5); print(r, w, m, v)")
# image on batches and dtypes
case("s5_x_img_normalize_f16", "y = mx.nd.image.normalize(mx.nd.ones((3, 2, 2), dtype='float16'), mean=(0.1, 0.2, 0.3), std=(0.5, 1, 2)); print(y.dtype, y)")
case("s5_x_img_to_tensor_f16", "y = mx.nd.image.to_tensor(mx.nd.ones((2, 2, 1), dtype='float16') * 51); print(y.dtype, y)")
case("s5_x_img_crop_u8_batch_kw", "x = mx.nd.arange(2 * 3 * 4 * 2).reshape((2, 3, 4, 2)).astype('uint8'); print(mx.nd.image.crop(data=x, x=1, y=1, width=3, height=2))")
case("s5_x_img_lighting_batch", "x = mx.nd.ones((2, 2, 2, 3)); print(mx.nd.image.adjust_lighting(x, alpha=(0.1, 0.2, 0.3)))")
case("s5_x_img_resize_batch_keep", "x = mx.nd.ones((2, 4, 6, 3)); print(mx.nd.image.resize(x, size=3, keep_ratio=True).shape)")
case("s5_x_img_random_lighting_batch", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 2, 3)); mx.random.seed(7)\nprint(mx.nd.image.random_lighting(x, alpha_std=0.2))")
case("s5_x_img_random_brightness_batch", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 2, 3)); mx.random.seed(7)\nprint(mx.nd.image.random_brightness(x, min_factor=0.2, max_factor=1.8))")
case("s5_x_img_random_saturation_u8", "mx.random.seed(3); x = mx.nd.random.randint(0, 256, shape=(2, 3, 3)).astype('uint8'); mx.random.seed(7)\nprint(mx.nd.image.random_saturation(x, min_factor=0.2, max_factor=1.8))")
case("s5_x_img_random_flip_batch", "x = mx.nd.arange(2 * 2 * 2 * 1).reshape((2, 2, 2, 1)); mx.random.seed(7)\nfor _ in range(4):\n    print(mx.nd.image.random_flip_top_bottom(x)[:, :, 0, 0])")
# out= that is not the weight
case("s5_x_multi_sgd_out_other", O + "o1 = mx.nd.zeros((5,)); w2 = w * 2; g2 = g * 2; o2 = mx.nd.zeros((5,))\nr = mx.nd.multi_sgd_update(w, g, w2, g2, lrs=(0.1, 0.2), wds=(0.0, 0.1), num_weights=2, out=[o1, o2]); print(r, o1, o2, w, w2)")
case("s5_x_mp_sgd_out_other", O + "w32 = w16.astype('float32'); o = mx.nd.zeros((5,), dtype='float16')\nmx.nd.mp_sgd_update(w16, g16, w32, lr=0.1, out=o); print(o, w16, w32)")
case("s5_x_mp_sgd_mom_out_other", O + "w32 = w16.astype('float32'); m = mx.nd.ones((5,)) * 0.1; o = mx.nd.zeros((5,), dtype='float16')\nmx.nd.mp_sgd_mom_update(w16, g16, m, w32, lr=0.1, momentum=0.9, out=o); print(o, w16, w32, m)")
case("s5_x_lamb1_out", O + "m = mx.nd.zeros((5,)); v = mx.nd.zeros((5,)); o = mx.nd.zeros((5,))\nr = mx.nd.lamb_update_phase1(w, g, m, v, t=1, wd=0.1, out=o); print(r is o, o, m, v)")
case("s5_x_preloaded_f64_lrs", O + "print(mx.nd.preloaded_multi_sgd_update(w, g, mx.nd.array([0.1], dtype='float64'), mx.nd.array([0.0], dtype='float64'), num_weights=1))")
case("s5_x_preloaded_lrs_shape", O + "print(mx.nd.preloaded_multi_sgd_update(w, g, mx.nd.array([0.1, 0.2]), mx.nd.array([0.0]), num_weights=1))")
case("s5_x_adamw_out_other", O + "m = mx.nd.zeros((5,)); v = mx.nd.zeros((5,)); o = mx.nd.zeros((5,))\nmx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0]), lr=0.01, eta=0.5, wd=0.1, out=o); print(o, w, m, v)")
case("s5_x_ftml_out_other", O + "d = mx.nd.zeros((5,)); v = d.copy(); z = d.copy(); o = d.copy()\nmx.nd.ftml_update(w, g, d, v, z, lr=0.1, t=2, out=o); print(o, w, d, v, z)")
# float16 detection outputs
case("s5_x_encode_f16", "s = mx.nd.array([[1, 0]], dtype='float16'); m = mx.nd.array([[0, 1]], dtype='float16'); an = mx.nd.array([[[0, 0, 10, 10], [5, 5, 15, 15]]], dtype='float16'); r = mx.nd.array([[[1, 1, 9, 9], [4, 6, 16, 14]]], dtype='float16')\n"
     "t, k = mx.nd.contrib.box_encode(s, m, an, r, mx.nd.zeros((4,), dtype='float16'), mx.nd.ones((4,), dtype='float16')); print(t.dtype, t, k)")
case("s5_x_mbtarget_f64", "an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.7, 0.7]]], dtype='float64'); lab = mx.nd.array([[[0, 0.1, 0.12, 0.42, 0.38]]], dtype='float64'); cp = mx.nd.array([[[0.3, 0.1], [0.4, 0.8]]], dtype='float64')\n"
     "r = mx.nd.contrib.MultiBoxTarget(an, lab, cp); print([a.dtype for a in r], r[0])")
case("s5_x_mbdet_f64", "an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.7, 0.7]]], dtype='float64'); cp = mx.nd.array([[[0.3, 0.1], [0.7, 0.9]]], dtype='float64'); lp = mx.nd.zeros((1, 8), dtype='float64')\n"
     "r = mx.nd.contrib.MultiBoxDetection(cp, lp, an); print(r.dtype, r)")
