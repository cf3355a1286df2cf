"""Larger seeded inputs for the session-5 ops (summaries printed, to catch kernel-order issues)."""
CASES = []


def case(name, code):
    CASES.append((name, code))


NMS = ("mx.random.seed(50); n = 200\n"
       "xy = mx.nd.random.uniform(0, 50, shape=(2, n, 2)); wh = mx.nd.random.uniform(1, 20, shape=(2, n, 2))\n"
       "sc = mx.nd.random.uniform(0, 1, shape=(2, n, 1)); cl = mx.nd.random.randint(0, 3, shape=(2, n, 1)).astype('float32')\n"
       "d = mx.nd.concat(cl, sc, xy, xy + wh, dim=2)\n")
for i, kw in enumerate(["overlap_thresh=0.5", "overlap_thresh=0.3, id_index=0, topk=50",
                        "overlap_thresh=0.7, valid_thresh=0.2, id_index=0, force_suppress=True",
                        "overlap_thresh=0.45, id_index=0, background_id=0, topk=100, out_format='center'"]):
    case(f"s5_big_nms_{i}", NMS + f"y = mx.nd.contrib.box_nms(d, {kw})\nprint((y[:, :, 0] >= 0).sum(axis=1)); print(y[:, :12])\nprint(y.sum())")
case("s5_big_nms_grad", NMS + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_nms(d, overlap_thresh=0.4, id_index=0, topk=80)\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(d.grad.sum(axis=(0, 1)), d.grad[0, :5])")
case("s5_big_iou", NMS + "y = mx.nd.contrib.box_iou(d[0, :, 2:], d[1, :50, 2:]); print(y.sum(), y.max(axis=1)[:20], y.argmax(axis=1)[:20])")
case("s5_big_bmatch", NMS + "s = mx.nd.contrib.box_iou(d[0, :60, 2:], d[1, :40, 2:]); r, c = mx.nd.contrib.bipartite_matching(s, threshold=0.1); print(r, c)")
RA = ("mx.random.seed(51); x = mx.nd.random.uniform(shape=(2, 3, 17, 23))\n"
      "b = mx.nd.random.randint(0, 2, shape=(30, 1)).astype('float32'); p1 = mx.nd.random.uniform(-3, 20, shape=(30, 2)); p2 = p1 + mx.nd.random.uniform(0, 12, shape=(30, 2))\n"
      "rois = mx.nd.concat(b, p1, p2, dim=1)\n")
for i, kw in enumerate(["pooled_size=(3, 3), spatial_scale=1.0", "pooled_size=(4, 2), spatial_scale=0.5, sample_ratio=2",
                        "pooled_size=(7, 7), spatial_scale=0.8, aligned=True", "pooled_size=(2, 5), spatial_scale=1.0, sample_ratio=3"]):
    case(f"s5_big_roialign_{i}", RA + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.ROIAlign(x, rois, {kw})\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward()\nprint(y.sum(axis=(1, 2, 3))); print(x.grad.sum(axis=(1, 3)))")
for i, kw in enumerate(["pooled_size=(3, 3), spatial_scale=1.0", "pooled_size=(6, 4), spatial_scale=0.7"]):
    case(f"s5_big_roipool_{i}", RA + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.ROIPooling(x, rois, {kw})\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward()\nprint(y.sum(axis=(1, 2, 3))); print(x.grad.sum(axis=(1, 3)))")
SB = ("mx.random.seed(52); x = mx.nd.random.uniform(shape=(2, 3, 19, 21)); g = mx.nd.random.uniform(-1.1, 1.1, shape=(2, 2, 13, 17))\n")
case("s5_big_bilsampler", SB + "x.attach_grad(); g.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.BilinearSampler(x, g)\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y.sum(axis=(2, 3)), x.grad.sum(axis=(2, 3)), g.grad.sum(axis=(2, 3)))")
case("s5_big_stn", SB + "t = mx.nd.random.uniform(-1, 1, shape=(2, 6)); x.attach_grad(); t.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.SpatialTransformer(x, t, target_shape=(11, 9), transform_type='affine', sampler_type='bilinear')\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y.sum(axis=(2, 3)), t.grad)")
case("s5_big_bilresize", SB + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.BilinearResize2D(x, height=31, width=8)\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y.sum(axis=(2, 3)), x.grad.sum(axis=(2, 3)), x.grad[0, 0, :3, :5])")
case("s5_big_adapool", SB + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=(7, 5))\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y[0, 0], x.grad.sum(axis=(2, 3)))")
case("s5_big_corr", "mx.random.seed(53); a = mx.nd.random.uniform(shape=(2, 8, 12, 14)); b = mx.nd.random.uniform(shape=(2, 8, 12, 14)); a.attach_grad(); b.attach_grad()\n"
     "with mx.autograd.record():\n    y = mx.nd.Correlation(a, b, kernel_size=3, max_displacement=4, stride1=2, stride2=2, pad_size=4)\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y.shape, y.sum(axis=(2, 3))[0], a.grad.sum(axis=(2, 3))[0], b.grad.sum(axis=(2, 3))[1])")
case("s5_big_im2col", "mx.random.seed(54); x = mx.nd.random.uniform(shape=(2, 3, 11, 13)); x.attach_grad()\nwith mx.autograd.record():\n    c = mx.nd.im2col(x, kernel=(3, 4), stride=(2, 3), dilate=(2, 1), pad=(2, 1))\n    y = mx.nd.col2im(c * 2, output_size=(11, 13), kernel=(3, 4), stride=(2, 3), dilate=(2, 1), pad=(2, 1))\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(c.shape, c.sum(axis=2)[0, :6], y.sum(axis=(2, 3)), x.grad.sum(axis=(2, 3)))")
case("s5_big_ctc", "mx.random.seed(55); d = mx.nd.random.uniform(-3, 3, shape=(30, 4, 12)); l = mx.nd.random.randint(1, 12, shape=(4, 8)).astype('float32'); d.attach_grad()\n"
     "with mx.autograd.record():\n    y = mx.nd.CTCLoss(d, l, mx.nd.array([30, 25, 20, 28]), mx.nd.array([8, 5, 3, 7]), use_data_lengths=True, use_label_lengths=True)\ny.backward(); print(y, d.grad.sum(axis=0), d.grad[:, 0].sum(axis=1))")
case("s5_big_ctc_last", "mx.random.seed(56); d = mx.nd.random.uniform(-3, 3, shape=(30, 4, 12)); l = mx.nd.random.randint(0, 11, shape=(4, 8)).astype('float32'); d.attach_grad()\n"
     "with mx.autograd.record():\n    y = mx.nd.CTCLoss(d, l, blank_label='last')\ny.backward(); print(y, d.grad.sum(axis=0))")
H = ("def nparam(G, I, H, L, D):\n    n = 0\n    for l in range(L):\n        ins = I if l == 0 else H * D\n        n += D * (G * H * ins + G * H * H + 2 * G * H)\n    return n\n")
for mode, G in [("lstm", 4), ("gru", 3), ("rnn_tanh", 1)]:
    cell = ", mx.nd.zeros((4, 5, 16))" if mode == "lstm" else ""
    case(f"s5_big_rnn_{mode}", H + f"mx.random.seed(57); p = mx.nd.random.uniform(-0.3, 0.3, shape=(nparam({G}, 10, 16, 2, 2),)); x = mx.nd.random.uniform(-1, 1, shape=(12, 5, 10)); p.attach_grad(); x.attach_grad()\n"
         f"with mx.autograd.record():\n    y = mx.nd.RNN(x, p, mx.nd.zeros((4, 5, 16)){cell}, state_size=16, num_layers=2, bidirectional=True, mode='{mode}')\n    z = (y * mx.nd.random.uniform(shape=y.shape)).sum()\nz.backward(); print(y.sum(axis=(1, 2)), x.grad.sum(axis=(1, 2)), p.grad.sum(), p.grad[:8])")
IM = "mx.random.seed(58); img = mx.nd.random.randint(0, 256, shape=(37, 41, 3)).astype('uint8')\n"
for it in range(5):
    case(f"s5_big_img_resize_{it}", IM + f"y = mx.nd.image.resize(img, size=(23, 50), interp={it}); print(y.astype('float32').sum(axis=(0, 1)), y[10, :8, 0])")
    case(f"s5_big_img_resize_f32_{it}", IM + f"y = mx.nd.image.resize(img.astype('float32') / 7, size=(50, 19), interp={it}); print(y.sum(axis=(0, 1)), y[10, :6, 0])")
for fn, kw in [("random_color_jitter", "brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1"), ("random_lighting", "alpha_std=0.3"),
               ("random_hue", "min_factor=-0.5, max_factor=0.5"), ("random_saturation", "min_factor=0, max_factor=2")]:
    case(f"s5_big_img_{fn}", IM + f"mx.random.seed(9)\nfor _ in range(3):\n    y = mx.nd.image.{fn}(img, {kw}); print(y.astype('float32').sum(axis=(0, 1)), y[5, :6, 1])")
    case(f"s5_big_img_{fn}_f32", IM + f"mx.random.seed(9)\nfor _ in range(3):\n    y = mx.nd.image.{fn}(img.astype('float32') / 255, {kw}); print(y.sum(axis=(0, 1)), y[5, :4, 1])")
