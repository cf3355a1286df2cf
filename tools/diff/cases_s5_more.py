"""Second pass over the session-5 ops: ties, edges, float16, gradients, dtype errors."""
CASES = []


def case(name, code):
    CASES.append((name, code))


GRAD = "    z = (y * mx.nd.arange(y.size).reshape(y.shape) / y.size).sum()\nz.backward()\n"
# ---- box_nms: ties, invalid boxes, batches with different valid counts
T = ("d = mx.nd.array([[0, 0.5, 0, 0, 10, 10], [1, 0.5, 1, 1, 11, 11], [0, 0.5, 20, 20, 30, 30],"
     " [1, 0.5, 0, 0, 10, 10], [0, 0.7, 10, 10, 0, 0], [1, 0.7, 5, 5, 5, 5]])\n")
for i, kw in enumerate(["", "id_index=0", "overlap_thresh=0.1, topk=2", "force_suppress=True, id_index=0",
                        "valid_thresh=0.6", "topk=10", "background_id=0, id_index=0",
                        "score_index=1, coord_start=2, id_index=0, out_format='center'"]):
    case(f"s5_more_nms_ties_{i}", T + f"print(mx.nd.contrib.box_nms(d, {kw}))")
case("s5_more_nms_batch_ties", T + "print(mx.nd.contrib.box_nms(mx.nd.stack(d, d[::-1], d * 0.5), overlap_thresh=0.3, valid_thresh=0.3, id_index=0))")
case("s5_more_nms_grad_ties", T + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_nms(d, overlap_thresh=0.3)\n" + GRAD + "print(d.grad)")
case("s5_more_nms_f64_grad", T + "d = d.astype('float64'); d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_nms(d, overlap_thresh=0.3, id_index=0)\n" + GRAD + "print(d.grad)")
case("s5_more_nms_int", T + "print(mx.nd.contrib.box_nms(d.astype('int32')))")
case("s5_more_nms_wide", "d = mx.nd.array([[0.9, 0, 0, 10, 10, 1, 2], [0.8, 1, 1, 11, 11, 3, 4]]); print(mx.nd.contrib.box_nms(d, coord_start=1, score_index=0))")
case("s5_more_nms_score_in_coords", T + "print(mx.nd.contrib.box_nms(d, score_index=3))")
case("s5_more_iou_degenerate", "a = mx.nd.array([[0, 0, 0, 0], [1, 1, 1, 5], [2, 2, 1, 1]]); print(mx.nd.contrib.box_iou(a, a)); print(mx.nd.contrib.box_iou(a, a, format='center'))")
case("s5_more_iou_mixed_dtype", "a = mx.nd.array([[0, 0, 2, 2]]); print(mx.nd.contrib.box_iou(a, a.astype('float64')))")
case("s5_more_iou_f16", "a = mx.nd.array([[0, 0, 2, 2], [1, 1, 3, 4]], dtype='float16'); y = mx.nd.contrib.box_iou(a, a); print(y.dtype, y)")
case("s5_more_iou_3d_both", "a = mx.nd.array([[[0, 0, 2, 2], [1, 1, 3, 4]]]); print(mx.nd.contrib.box_iou(a, a).shape)")
case("s5_more_bmatch_grad", "s = mx.nd.array([[0.5, 0.6], [0.1, 0.3]]); s.attach_grad()\nwith mx.autograd.record():\n    r, c = mx.nd.contrib.bipartite_matching(s, threshold=0.2)\n    z = (r.sum() + c.sum())\nz.backward(); print(s.grad)")
case("s5_more_bmatch_1d", "print(mx.nd.contrib.bipartite_matching(mx.nd.array([0.5, 0.2]), threshold=0.1))")
case("s5_more_encode_grad", "s = mx.nd.array([[1, 0]]); m = mx.nd.array([[0, 1]]); an = mx.nd.array([[[0, 0, 10, 10], [5, 5, 15, 15]]]); r = mx.nd.array([[[1, 1, 9, 9], [4, 6, 16, 14]]])\n"
     "an.attach_grad(); r.attach_grad()\nwith mx.autograd.record():\n    t, k = mx.nd.contrib.box_encode(s, m, an, r, mx.nd.zeros((4,)), mx.nd.ones((4,)))\n    z = (t * mx.nd.array([[[1, 2, 3, 4], [5, 6, 7, 8]]])).sum()\nz.backward(); print(an.grad, r.grad)")
case("s5_more_decode_f16", "d = mx.nd.array([[[0.1, -0.2, 0.3, 0.5]]], dtype='float16'); an = mx.nd.array([[[0, 0, 10, 10]]], dtype='float16'); y = mx.nd.contrib.box_decode(d, an); print(y.dtype, y)")
case("s5_more_decode_bad", "print(mx.nd.contrib.box_decode(mx.nd.ones((1, 2, 4)), mx.nd.ones((1, 3, 4))))")
# ---- MultiBoxDetection on a batch, ties
MBD = ("an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.1, 0.1, 0.4, 0.4], [0.5, 0.1, 0.9, 0.5], [0.0, 0.6, 0.3, 0.95]]])\n"
       "cp = mx.nd.array([[[0.2, 0.2, 0.6, 0.3], [0.4, 0.4, 0.3, 0.05], [0.4, 0.4, 0.1, 0.65]], [[0.9, 0.1, 0.2, 0.3], [0.05, 0.8, 0.7, 0.3], [0.05, 0.1, 0.1, 0.4]]])\n"
       "lp = mx.nd.zeros((2, 16))\n")
case("s5_more_mbdet_batch", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an))")
case("s5_more_mbdet_batch_force", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, force_suppress=True, nms_threshold=0.3))")
case("s5_more_mbdet_nonms", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, nms_threshold=1.0, threshold=0.0))")
case("s5_more_mbdet_grad", MBD + "cp.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.MultiBoxDetection(cp, lp, an)\ny.backward(); print(cp.grad)")
case("s5_more_mbtarget_grad", "an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.7, 0.7]]]); lab = mx.nd.array([[[0, 0.1, 0.12, 0.42, 0.38]]]); cp = mx.nd.array([[[0.3, 0.1], [0.4, 0.8]]])\n"
     "cp.attach_grad()\nwith mx.autograd.record():\n    r = mx.nd.contrib.MultiBoxTarget(an, lab, cp)\nr[0].sum().backward(); print(cp.grad)")
# ---- ROIs at edges
RA = ("x = mx.nd.arange(2 * 1 * 5 * 6).reshape((2, 1, 5, 6))\n"
      "rois = mx.nd.array([[0, -3, -3, 2, 2], [1, 4, 3, 9, 9], [0, 2.5, 2.5, 2.5, 2.5], [1, 0.49, 0.5, 1.5, 1.51], [0, 5, 4, 1, 1]])\n")
case("s5_more_roipool_edges", RA + "print(mx.nd.ROIPooling(x, rois, pooled_size=(2, 2), spatial_scale=1.0))")
case("s5_more_roipool_edges_grad", RA + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.ROIPooling(x, rois, pooled_size=(2, 2), spatial_scale=1.0)\n" + GRAD + "print(x.grad)")
case("s5_more_roipool_ties", "x = mx.nd.ones((1, 1, 4, 4)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.ROIPooling(x, mx.nd.array([[0, 0, 0, 3, 3]]), pooled_size=(2, 2), spatial_scale=1.0)\ny.backward(); print(y, x.grad)")
case("s5_more_roialign_edges", RA + "print(mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0))")
case("s5_more_roialign_edges_aligned", RA + "print(mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 3), spatial_scale=1.0, aligned=True, sample_ratio=2))")
case("s5_more_roialign_edges_grad", RA + "x.attach_grad(); rois.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)\n" + GRAD + "print(x.grad, rois.grad)")
case("s5_more_roialign_psroi_grad", "x = mx.nd.arange(1 * 8 * 4 * 4).reshape((1, 8, 4, 4)) / 10; x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 0.5, 0.5, 3.2, 2.9]]), pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True)\n" + GRAD + "print(y.shape, x.grad)")
case("s5_more_roialign_f16", RA + "y = mx.nd.contrib.ROIAlign(x.astype('float16'), rois.astype('float16'), pooled_size=(2, 2), spatial_scale=1.0); print(y.dtype, y)")
case("s5_more_roipool_f16", RA + "y = mx.nd.ROIPooling(x.astype('float16'), rois.astype('float16'), pooled_size=(2, 2), spatial_scale=1.0); print(y.dtype, y)")
case("s5_more_roipool_mixed", RA + "print(mx.nd.ROIPooling(x, rois.astype('float64'), pooled_size=(2, 2), spatial_scale=1.0))")
case("s5_more_roipool_scale_big", RA + "print(mx.nd.ROIPooling(x, rois, pooled_size=(2, 2), spatial_scale=2.0))")
case("s5_more_roipool_bad_batch", RA + "print(mx.nd.ROIPooling(x, mx.nd.array([[5, 0, 0, 2, 2]]), pooled_size=(2, 2), spatial_scale=1.0))")
# ---- resize / pooling
BR = "x = mx.nd.arange(2 * 1 * 3 * 4).reshape((2, 1, 3, 4))\n"
case("s5_more_bilresize_like_grad", BR + "l = mx.nd.zeros((1, 1, 5, 2)); x.attach_grad(); l.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.BilinearResize2D(x, l, mode='like')\n" + GRAD + "print(x.grad, l.grad)")
case("s5_more_bilresize_f64_grad", BR + "x = x.astype('float64'); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.BilinearResize2D(x, height=5, width=7, align_corners=False)\n" + GRAD + "print(x.grad)")
case("s5_more_bilresize_same", BR + "print(mx.nd.contrib.BilinearResize2D(x, height=3, width=4))")
case("s5_more_bilresize_1px", BR + "print(mx.nd.contrib.BilinearResize2D(x, height=1, width=1)); print(mx.nd.contrib.BilinearResize2D(x[:, :, :1, :1], height=2, width=3))")
case("s5_more_bilresize_scale_only", BR + "print(mx.nd.contrib.BilinearResize2D(x, scale_height=2, scale_width=0.5))")
case("s5_more_bilresize_zero", BR + "print(mx.nd.contrib.BilinearResize2D(x, height=0, width=3))")
case("s5_more_adapool_bigger_grad", BR + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=(4, 6))\n" + GRAD + "print(y, x.grad)")
case("s5_more_adapool_f16", BR + "y = mx.nd.contrib.AdaptiveAvgPooling2D(x.astype('float16') / 7, output_size=(2, 3)); print(y.dtype, y)")
case("s5_more_adapool_int", BR + "y = mx.nd.contrib.AdaptiveAvgPooling2D(x.astype('int32'), output_size=(2, 3)); print(y.dtype, y)")
# ---- sampler / grid
case("s5_more_bilsampler_border_grad", "x = mx.nd.arange(12).reshape((1, 1, 3, 4)); g = mx.nd.array([[[[-1, 1, 0.999, -1.01, 1.5]], [[-1, 1, -0.999, 1.01, 0.0]]]])\n"
     "x.attach_grad(); g.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.BilinearSampler(x, g)\ny.backward(); print(y, x.grad, g.grad)")
case("s5_more_gridgen_warp_f16", "y = mx.nd.GridGenerator(mx.nd.zeros((1, 2, 2, 3), dtype='float16'), transform_type='warp'); print(y.dtype, y)")
case("s5_more_stn_bad_sampler", "print(mx.nd.SpatialTransformer(mx.nd.ones((1, 1, 3, 3)), mx.nd.array([[1, 0, 0, 0, 1, 0]]), target_shape=(2, 2), sampler_type='nearest'))")
case("s5_more_corr_f16", "mx.random.seed(6); a = mx.nd.random.uniform(shape=(1, 2, 4, 4)); b = mx.nd.random.uniform(shape=(1, 2, 4, 4)); y = mx.nd.Correlation(a.astype('float16'), b.astype('float16'), max_displacement=1, pad_size=1); print(y.dtype, y)")
case("s5_more_corr_f64_grad", "mx.random.seed(6); a = mx.nd.random.uniform(shape=(1, 2, 4, 4), dtype='float64'); b = mx.nd.random.uniform(shape=(1, 2, 4, 4), dtype='float64')\n"
     "a.attach_grad(); b.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.Correlation(a, b, kernel_size=3, max_displacement=1, pad_size=2, is_multiply=False)\n" + GRAD + "print(a.grad, b.grad)")
case("s5_more_im2col_f16", "x = mx.nd.arange(16).reshape((1, 1, 4, 4)).astype('float16'); y = mx.nd.im2col(x, kernel=(2, 2), stride=(2, 2)); print(y.dtype, y)")
case("s5_more_col2im_overlap", "c = mx.nd.ones((1, 4, 9)); print(mx.nd.col2im(c, output_size=(4, 4), kernel=(2, 2)))")
case("s5_more_col2im_bad_L", "print(mx.nd.col2im(mx.nd.ones((1, 4, 8)), output_size=(4, 4), kernel=(2, 2)))")
# ---- CTC corner cases
CT = "mx.random.seed(8); d = mx.nd.random.uniform(-2, 2, shape=(4, 3, 4))\n"
case("s5_more_ctc_repeats", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[1, 1, 0], [2, 2, 2], [1, 2, 1]])))")
case("s5_more_ctc_repeats_grad", CT + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, mx.nd.array([[1, 1, 0], [2, 2, 0], [1, 2, 1]]))\ny.backward(); print(y, d.grad)")
case("s5_more_ctc_last_pad", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[0, 0, -1], [1, 2, -1], [2, -1, -1]]), blank_label='last'))")
case("s5_more_ctc_last_label_lengths_grad", CT + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, mx.nd.array([[0, 0, 2], [1, 2, 1], [2, 1, 0]]), label_lengths=mx.nd.array([2, 3, 1]), use_label_lengths=True, blank_label='last')\ny.backward(); print(y, d.grad)")
case("s5_more_ctc_T1", CT + "print(mx.nd.CTCLoss(d[:1], mx.nd.array([[1, 0], [0, 0], [2, 3]])))")
case("s5_more_ctc_big_logits", "d = mx.nd.array([[[100., 0, -100]], [[0, 100., -100]], [[-50, 50, 100]]]); print(mx.nd.CTCLoss(d, mx.nd.array([[1, 2]])))")
case("s5_more_ctc_data_lengths_zero", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[1, 0, 0], [2, 0, 0], [1, 2, 0]]), mx.nd.array([0, 4, 1]), use_data_lengths=True))")
case("s5_more_ctc_data_lengths_too_long", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[1, 0, 0], [2, 0, 0], [1, 2, 0]]), mx.nd.array([5, 4, 1]), use_data_lengths=True))")
case("s5_more_ctc_f16", CT + "print(mx.nd.CTCLoss(d.astype('float16'), mx.nd.array([[1, 0, 0], [2, 0, 0], [1, 2, 0]])))")
case("s5_more_ctc_label_f64", CT + "print(mx.nd.CTCLoss(d, mx.nd.array([[1, 0, 0], [2, 0, 0], [1, 2, 0]], dtype='float64')))")
case("s5_more_ctc_grad_head", CT + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.CTCLoss(d, mx.nd.array([[1, 0, 0], [2, 3, 0], [1, 2, 0]]))\ny.backward(mx.nd.array([0.5, -1., 2.])); print(d.grad)")
# ---- RNN extras
H = ("def nparam(G, I, H, L, D):\n    n = 0\n    for l in range(L):\n        ins = I if l == 0 else H * D\n        n += D * (G * H * ins + G * H * H + 2 * G * H)\n    return n\n")
case("s5_more_rnn_N1", H + "mx.random.seed(1); p = mx.nd.random.uniform(-1, 1, shape=(nparam(3, 2, 3, 1, 1),)); x = mx.nd.random.uniform(shape=(2, 1, 2))\nprint(mx.nd.RNN(x, p, mx.nd.zeros((1, 1, 3)), state_size=3, num_layers=1, mode='gru'))")
case("s5_more_rnn_lstm_L3_grad", H + "mx.random.seed(1); p = mx.nd.random.uniform(-0.5, 0.5, shape=(nparam(4, 2, 2, 3, 2),)); x = mx.nd.random.uniform(shape=(3, 2, 2))\n"
     "h = mx.nd.zeros((6, 2, 2)); c = mx.nd.zeros((6, 2, 2)); p.attach_grad(); x.attach_grad()\nwith mx.autograd.record():\n    r = mx.nd.RNN(x, p, h, c, state_size=2, num_layers=3, bidirectional=True, mode='lstm', state_outputs=True)\n    z = r[0].sum() + r[1].sum() + (r[2] * 3).sum()\nz.backward(); print(r[1], x.grad, p.grad[:20])")
case("s5_more_rnn_lstm_proj_grad", "mx.random.seed(1)\nI, H, P = 2, 3, 2\nn = 4 * H * I + 4 * H * P + 8 * H + P * H\np = mx.nd.random.uniform(-0.5, 0.5, shape=(n,)); x = mx.nd.random.uniform(shape=(3, 2, I)); h = mx.nd.zeros((1, 2, P)); c = mx.nd.zeros((1, 2, H))\n"
     "p.attach_grad(); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.RNN(x, p, h, c, state_size=H, projection_size=P, num_layers=1, mode='lstm')\n    z = (y * y).sum()\nz.backward(); print(y, x.grad, p.grad)")
case("s5_more_rnn_num_layers0", H + "print(mx.nd.RNN(mx.nd.ones((2, 1, 2)), mx.nd.ones((30,)), mx.nd.zeros((1, 1, 3)), state_size=3, num_layers=0, mode='gru'))")
case("s5_more_rnn_missing_mode", H + "print(mx.nd.RNN(mx.nd.ones((2, 1, 2)), mx.nd.ones((30,)), mx.nd.zeros((1, 1, 3)), state_size=3, num_layers=1))")
case("s5_more_rnn_state_outputs_gru_states", H + "mx.random.seed(1); p = mx.nd.random.uniform(-1, 1, shape=(nparam(3, 2, 3, 2, 1),)); x = mx.nd.random.uniform(shape=(2, 2, 2))\n"
     "r = mx.nd.RNN(x, p, mx.nd.ones((2, 2, 3)) * 0.1, state_size=3, num_layers=2, mode='gru', state_outputs=True); print(len(r), r[1])")
case("s5_more_rnn_big_values", H + "p = mx.nd.ones((nparam(1, 2, 2, 1, 1),)) * 10; x = mx.nd.ones((3, 1, 2)) * 10\nprint(mx.nd.RNN(x, p, mx.nd.zeros((1, 1, 2)), state_size=2, num_layers=1, mode='rnn_relu'), mx.nd.RNN(x, p, mx.nd.zeros((1, 1, 2)), state_size=2, num_layers=1, mode='rnn_tanh'))")
# ---- image extras
case("s5_more_img_resize_big_u8", "mx.random.seed(40); img = mx.nd.random.randint(0, 256, shape=(9, 11, 3)).astype('uint8')\nfor it in range(5):\n    y = mx.nd.image.resize(img, size=(5, 4), interp=it); print(it, y[:, :, 0])")
case("s5_more_img_resize_up_u8", "mx.random.seed(40); img = mx.nd.random.randint(0, 256, shape=(3, 4, 1)).astype('uint8')\nfor it in range(5):\n    y = mx.nd.image.resize(img, size=(7, 5), interp=it); print(it, y[:, :, 0])")
case("s5_more_img_resize_keep_ratio", "img = mx.nd.ones((4, 9, 3)); print(mx.nd.image.resize(img, size=6, keep_ratio=True).shape, mx.nd.image.resize(img.transpose((1, 0, 2)), size=6, keep_ratio=True).shape)")
case("s5_more_img_resize_f16", "mx.random.seed(40); img = mx.nd.random.uniform(shape=(4, 5, 2)).astype('float16'); y = mx.nd.image.resize(img, size=(3, 3)); print(y.dtype, y)")
case("s5_more_img_to_tensor_f64", "y = mx.nd.image.to_tensor(mx.nd.ones((2, 2, 1), dtype='float64') * 51); print(y.dtype, y)")
case("s5_more_img_to_tensor_int", "y = mx.nd.image.to_tensor(mx.nd.ones((2, 2, 1), dtype='int32') * 51); print(y.dtype, y)")
case("s5_more_img_normalize_u8", "print(mx.nd.image.normalize(mx.nd.ones((3, 2, 2), dtype='uint8'), mean=(1, 2, 3), std=(1, 1, 2)))")
case("s5_more_img_normalize_4ch", "print(mx.nd.image.normalize(mx.nd.ones((4, 1, 2)), mean=(1, 2, 3, 4), std=(1, 2, 3, 4)))")
case("s5_more_img_crop_f32_grad_batch", "x = mx.nd.arange(2 * 3 * 3 * 1).reshape((2, 3, 3, 1)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.crop(x, x=1, y=0, width=2, height=2)\n" + GRAD + "print(y, x.grad)")
case("s5_more_img_lighting_f64", "y = mx.nd.image.adjust_lighting(mx.nd.ones((2, 2, 3), dtype='float64'), alpha=(0.1, 0.2, 0.3)); print(y.dtype, y)")
case("s5_more_img_lighting_grad", "x = mx.nd.ones((2, 2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.adjust_lighting(x, alpha=(0.1, 0.2, 0.3))\ny.backward(); print(x.grad)")
case("s5_more_img_brightness_grad", "mx.random.seed(3); x = mx.nd.ones((2, 2, 3)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.random_brightness(x, min_factor=0.5, max_factor=1.5)\ny.backward(); print(y, x.grad)")
case("s5_more_img_contrast_batch", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 2, 3)); mx.random.seed(4)\nprint(mx.nd.image.random_contrast(x, min_factor=0.5, max_factor=1.5))")
case("s5_more_img_hue_batch", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 2, 3)); mx.random.seed(4)\nprint(mx.nd.image.random_hue(x, min_factor=-0.4, max_factor=0.4))")
case("s5_more_img_jitter_zero", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 3)); mx.random.seed(4)\nprint(mx.nd.image.random_color_jitter(x, brightness=0, contrast=0, saturation=0, hue=0))")
case("s5_more_img_flip_top_bottom_odd", "x = mx.nd.arange(15).reshape((5, 3, 1)); print(mx.nd.image.flip_top_bottom(x))")
case("s5_more_pdf_poisson_nonint", "print(mx.nd.random_pdf_poisson(mx.nd.array([[0.5, 1.5]]), lam=mx.nd.array([2.])))")
case("s5_more_pdf_normal_grad_f64", "s = mx.nd.array([[0.5, 1.], [0.1, -2.]], dtype='float64'); mu = mx.nd.array([0., 1.], dtype='float64'); sg = mx.nd.array([1., 0.5], dtype='float64')\n"
     "for a in (s, mu, sg): a.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.random_pdf_normal(s, mu, sg)\ny.backward(); print(y, s.grad, mu.grad, sg.grad)")
case("s5_more_pdf_gamma_neg_alpha", "print(mx.nd.random_pdf_gamma(mx.nd.array([[0.5, 1.]]), alpha=mx.nd.array([-1.]), beta=mx.nd.array([1.])))")
case("s5_more_pdf_dirichlet_bad", "print(mx.nd.random_pdf_dirichlet(mx.nd.ones((2, 3)), alpha=mx.nd.ones((2, 2))))")
