"""Detection ops (session 5): box_nms & co, MultiBox*, ROIAlign/ROIPooling, resize, adaptive pool."""
CASES = []


def case(name, code):
    CASES.append((name, code))


NMS = ("d = mx.nd.array([[0, 0.9, 0, 0, 10, 10], [0, 0.8, 1, 1, 11, 11], [1, 0.7, 0, 0, 10, 10],"
       " [0, 0.6, 20, 20, 30, 30], [-1, 0.95, 0, 0, 10, 10], [1, 0.05, 2, 2, 9, 9],"
       " [0, 0.75, 5, 5, 12, 12], [1, 0.65, 21, 21, 29, 31]])\n")
for i, kw in enumerate(["", "overlap_thresh=0.3", "overlap_thresh=0.9", "valid_thresh=0.1",
                        "topk=3", "topk=1, overlap_thresh=0.2", "id_index=0",
                        "id_index=0, force_suppress=True", "id_index=0, background_id=1",
                        "id_index=0, valid_thresh=0.7, topk=4", "in_format='center'",
                        "out_format='center'", "in_format='center', out_format='corner'",
                        "overlap_thresh=0.0", "overlap_thresh=1.0", "valid_thresh=0.95"]):
    case(f"s5_det_nms_{i}", NMS + f"print(mx.nd.contrib.box_nms(d, {kw}))")
case("s5_det_nms_alias", NMS + "print(mx.nd.contrib.box_non_maximum_suppression(d, overlap_thresh=0.4, id_index=0))")
case("s5_det_nms_batch", NMS + "b = mx.nd.stack(d, d[::-1]); print(mx.nd.contrib.box_nms(b, overlap_thresh=0.4, id_index=0, topk=5))")
case("s5_det_nms_batch3d", NMS + "b = mx.nd.stack(mx.nd.stack(d, d * 0.5), mx.nd.stack(d[::-1], d)); print(mx.nd.contrib.box_nms(b, overlap_thresh=0.4).shape)")
case("s5_det_nms_coord_start", "d = mx.nd.array([[0.9, 0, 0, 10, 10, 7], [0.8, 1, 1, 11, 11, 8], [0.7, 20, 20, 30, 30, 9]])\n"
     "print(mx.nd.contrib.box_nms(d, coord_start=1, score_index=0, id_index=-1, overlap_thresh=0.5))")
case("s5_det_nms_score_idx", "d = mx.nd.array([[0, 0, 10, 10, 0.5, 1], [1, 1, 11, 11, 0.9, 1], [20, 20, 30, 30, 0.7, 0]])\n"
     "print(mx.nd.contrib.box_nms(d, coord_start=0, score_index=4, id_index=5))")
case("s5_det_nms_f64", NMS + "y = mx.nd.contrib.box_nms(d.astype('float64'), overlap_thresh=0.4); print(y, y.dtype)")
case("s5_det_nms_f16", NMS + "y = mx.nd.contrib.box_nms(d.astype('float16'), overlap_thresh=0.4); print(y, y.dtype)")
case("s5_det_nms_grad", NMS + "d.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_nms(d, overlap_thresh=0.4, id_index=0)\n"
     "    z = (y * mx.nd.arange(48).reshape((8, 6))).sum()\nz.backward(); print(d.grad)")
case("s5_det_nms_bad_coord", NMS + "print(mx.nd.contrib.box_nms(d, coord_start=4))")
case("s5_det_nms_bad_1d", "print(mx.nd.contrib.box_nms(mx.nd.ones((6,))))")
case("s5_det_nms_bad_format", NMS + "print(mx.nd.contrib.box_nms(d, in_format='xyz'))")
case("s5_det_nms_empty", "print(mx.nd.contrib.box_nms(mx.nd.zeros((0, 6))))")

IOU = "a = mx.nd.array([[0, 0, 10, 10], [5, 5, 15, 15], [0, 0, 1, 1]]); b = mx.nd.array([[0, 0, 5, 5], [2, 2, 12, 12], [20, 20, 21, 22], [3, 3, 3, 3]])\n"
case("s5_det_iou", IOU + "print(mx.nd.contrib.box_iou(a, b))")
case("s5_det_iou_center", IOU + "print(mx.nd.contrib.box_iou(a, b, format='center'))")
case("s5_det_iou_batch", IOU + "print(mx.nd.contrib.box_iou(mx.nd.stack(a, a * 2), b).shape, mx.nd.contrib.box_iou(mx.nd.stack(a, a * 2), b))")
case("s5_det_iou_f64", IOU + "y = mx.nd.contrib.box_iou(a.astype('float64'), b.astype('float64')); print(y, y.dtype)")
case("s5_det_iou_grad", IOU + "a.attach_grad(); b.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_iou(a, b)\n"
     "y.backward(); print(a.grad, b.grad)")
case("s5_det_iou_bad", IOU + "print(mx.nd.contrib.box_iou(a, b[:, :3]))")

ENC = ("s = mx.nd.array([[1, 0, -1, 1]]); m = mx.nd.array([[0, 1, 0, 1]])\n"
       "an = mx.nd.array([[[0, 0, 10, 10], [5, 5, 15, 15], [1, 2, 3, 4], [2, 2, 8, 9]]])\n"
       "r = mx.nd.array([[[1, 1, 9, 9], [4, 6, 16, 14]]])\n"
       "mean = mx.nd.array([0, 0, 0, 0]); std = mx.nd.array([0.1, 0.1, 0.2, 0.2])\n")
case("s5_det_encode", ENC + "t, k = mx.nd.contrib.box_encode(s, m, an, r, mean, std); print(t, k)")
case("s5_det_encode_means", ENC + "t, k = mx.nd.contrib.box_encode(s, m, an, r, mx.nd.array([0.1, -0.1, 0.2, 0]), mx.nd.array([1., 2, 3, 4])); print(t, k)")
case("s5_det_encode_f64", ENC + "t, k = mx.nd.contrib.box_encode(s.astype('float64'), m.astype('float64'), an.astype('float64'), r.astype('float64'), mean.astype('float64'), std.astype('float64')); print(t, k, t.dtype)")
case("s5_det_encode_bad", ENC + "print(mx.nd.contrib.box_encode(s, m, an, r[:, :, :3], mean, std))")
DEC = ("d = mx.nd.array([[[0.1, -0.2, 0.3, 0.5], [0, 0, 0, 0], [1, 2, -1, 3]]])\n"
       "an = mx.nd.array([[[0, 0, 10, 10], [5, 5, 15, 15], [0.1, 0.2, 0.3, 0.4]]])\n")
case("s5_det_decode", DEC + "print(mx.nd.contrib.box_decode(d, an))")
case("s5_det_decode_std", DEC + "print(mx.nd.contrib.box_decode(d, an, std0=0.1, std1=0.1, std2=0.2, std3=0.2))")
case("s5_det_decode_clip", DEC + "print(mx.nd.contrib.box_decode(d, an, clip=0.5))")
case("s5_det_decode_center", DEC + "print(mx.nd.contrib.box_decode(d, an, format='center'))")
case("s5_det_decode_corner", DEC + "print(mx.nd.contrib.box_decode(d, an, format='corner'))")
case("s5_det_decode_grad", DEC + "d.attach_grad(); an.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.box_decode(d, an, std0=0.1, std1=0.1, std2=0.2, std3=0.2)\n"
     "y.backward(); print(d.grad, an.grad)")
case("s5_det_decode_bcast", "d = mx.nd.array([[[0.1, -0.2, 0.3, 0.5], [0, 0, 0, 0]], [[1, 2, -1, 3], [0.5, 0.5, 0.5, 0.5]]]); an = mx.nd.array([[[0, 0, 10, 10], [5, 5, 15, 15]]])\n"
     "print(mx.nd.contrib.box_decode(d, an))")

BM = "s = mx.nd.array([[0.5, 0.6, 0.1], [0.1, 0.3, 0.9], [0.4, 0.2, 0.05], [0.7, 0.65, 0.3]])\n"
for i, kw in enumerate(["threshold=1e-12", "threshold=0.35", "threshold=0.35, topk=2",
                        "threshold=0.5, is_ascend=True", "threshold=0.2, is_ascend=True, topk=1"]):
    case(f"s5_det_bmatch_{i}", BM + f"r, c = mx.nd.contrib.bipartite_matching(s, {kw}); print(r, c)")
case("s5_det_bmatch_batch", BM + "r, c = mx.nd.contrib.bipartite_matching(mx.nd.stack(s, s.T[:, ::-1].T), threshold=0.3); print(r, c)")
case("s5_det_bmatch_wide", BM + "r, c = mx.nd.contrib.bipartite_matching(s.T, threshold=0.1); print(r, c)")
case("s5_det_bmatch_ties", "s = mx.nd.array([[0.5, 0.5], [0.5, 0.5]]); r, c = mx.nd.contrib.bipartite_matching(s, threshold=0.1); print(r, c)")
case("s5_det_bmatch_nothresh", BM + "print(mx.nd.contrib.bipartite_matching(s))")

case("s5_det_mbprior", "x = mx.nd.zeros((1, 3, 2, 3)); print(mx.nd.contrib.MultiBoxPrior(x, sizes=(0.5, 0.25), ratios=(1, 2, 0.5)))")
case("s5_det_mbprior_clip", "x = mx.nd.zeros((1, 3, 2, 2)); print(mx.nd.contrib.MultiBoxPrior(x, sizes=(0.9,), ratios=(2,), clip=True))")
case("s5_det_mbprior_steps", "x = mx.nd.zeros((1, 3, 2, 3)); print(mx.nd.contrib.MultiBoxPrior(x, sizes=(0.3,), steps=(0.4, 0.25), offsets=(0.2, 0.7)))")
case("s5_det_mbprior_default", "x = mx.nd.zeros((2, 1, 3, 1)); y = mx.nd.contrib.MultiBoxPrior(x); print(y.shape, y)")
case("s5_det_mbprior_f64", "x = mx.nd.zeros((1, 3, 2, 2), dtype='float64'); y = mx.nd.contrib.MultiBoxPrior(x, sizes=(0.5,)); print(y.dtype)")
case("s5_det_mbprior_grad", "x = mx.nd.ones((1, 1, 2, 2)); x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.MultiBoxPrior(x, sizes=(0.5,))\ny.backward(); print(x.grad)")

MBT = ("an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.7, 0.7], [0.5, 0.1, 0.9, 0.5], [0.0, 0.6, 0.3, 0.95], [0.6, 0.6, 0.9, 0.9]]])\n"
       "lab = mx.nd.array([[[0, 0.1, 0.12, 0.42, 0.38], [1, 0.55, 0.55, 0.95, 0.92], [-1, -1, -1, -1, -1]]])\n"
       "cp = mx.nd.array([[[0.3, 0.1, 0.9, 0.2, 0.5], [0.4, 0.8, 0.05, 0.2, 0.1], [0.3, 0.1, 0.05, 0.6, 0.4]]])\n")
case("s5_det_mbtarget", MBT + "for a in mx.nd.contrib.MultiBoxTarget(an, lab, cp):\n    print(a)")
case("s5_det_mbtarget_thresh", MBT + "for a in mx.nd.contrib.MultiBoxTarget(an, lab, cp, overlap_threshold=0.2, variances=(0.1, 0.1, 0.2, 0.2)):\n    print(a)")
case("s5_det_mbtarget_negmine", MBT + "for a in mx.nd.contrib.MultiBoxTarget(an, lab, cp, negative_mining_ratio=1, negative_mining_thresh=0.3):\n    print(a)")
case("s5_det_mbtarget_negmine_min", MBT + "for a in mx.nd.contrib.MultiBoxTarget(an, lab, cp, negative_mining_ratio=0.5, minimum_negative_samples=2, ignore_label=-2):\n    print(a)")
MBD = ("an = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.12, 0.1, 0.42, 0.4], [0.5, 0.1, 0.9, 0.5], [0.0, 0.6, 0.3, 0.95]]])\n"
       "cp = mx.nd.array([[[0.1, 0.2, 0.6, 0.3], [0.7, 0.7, 0.3, 0.05], [0.2, 0.1, 0.1, 0.65]]])\n"
       "lp = mx.nd.array([[0.1, -0.1, 0.2, 0.0, 0, 0, 0, 0, -0.5, 0.3, 0.1, 0.1, 0.2, 0.2, -0.2, 0.4]])\n")
case("s5_det_mbdet", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an))")
case("s5_det_mbdet_noclip", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, clip=False, threshold=0.25))")
case("s5_det_mbdet_nms", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, nms_threshold=0.1, force_suppress=True))")
case("s5_det_mbdet_topk", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, nms_topk=2, variances=(0.2, 0.2, 0.1, 0.1)))")
case("s5_det_mbdet_bg", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp, an, background_id=1))")
case("s5_det_mbdet_bad", MBD + "print(mx.nd.contrib.MultiBoxDetection(cp, lp[:, :8], an))")

RA = ("mx.random.seed(3); x = mx.nd.random.uniform(shape=(2, 2, 6, 7))\n"
      "rois = mx.nd.array([[0, 0.5, 0.5, 4.2, 3.1], [1, 1, 0, 6, 5.5], [0, 2.3, 1.1, 2.9, 1.6], [1, -1, -1, 3, 8]])\n")
for i, kw in enumerate(["pooled_size=(2, 2), spatial_scale=1.0",
                        "pooled_size=(3, 2), spatial_scale=0.5, sample_ratio=2",
                        "pooled_size=(2, 3), spatial_scale=1.0, aligned=True",
                        "pooled_size=(2, 2), spatial_scale=1.0, sample_ratio=1, aligned=True"]):
    case(f"s5_det_roialign_{i}", RA + f"print(mx.nd.contrib.ROIAlign(x, rois, {kw}))")
    case(f"s5_det_roialign_{i}_grad", RA + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.ROIAlign(x, rois, {kw})\n"
         "    z = (y * mx.nd.arange(y.size).reshape(y.shape)).sum()\nz.backward(); print(x.grad)")
case("s5_det_roialign_psroi", "mx.random.seed(3); x = mx.nd.random.uniform(shape=(1, 8, 5, 5)); rois = mx.nd.array([[0, 0.5, 0.5, 4.2, 3.1]])\n"
     "print(mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True))")
case("s5_det_roialign_f64", RA + "y = mx.nd.contrib.ROIAlign(x.astype('float64'), rois.astype('float64'), pooled_size=(2, 2), spatial_scale=1.0); print(y.dtype, y)")
case("s5_det_roialign_bad", RA + "print(mx.nd.contrib.ROIAlign(x, rois[:, :4], pooled_size=(2, 2), spatial_scale=1.0))")
case("s5_det_roialign_nosize", RA + "print(mx.nd.contrib.ROIAlign(x, rois, spatial_scale=1.0))")
for i, kw in enumerate(["pooled_size=(2, 2), spatial_scale=1.0", "pooled_size=(3, 2), spatial_scale=0.5",
                        "pooled_size=(1, 1), spatial_scale=0.25"]):
    case(f"s5_det_roipool_{i}", RA + f"print(mx.nd.ROIPooling(x, rois, {kw}))")
    case(f"s5_det_roipool_{i}_grad", RA + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.ROIPooling(x, rois, {kw})\n"
         "    z = (y * mx.nd.arange(y.size).reshape(y.shape)).sum()\nz.backward(); print(x.grad)")
case("s5_det_roipool_f64", RA + "y = mx.nd.ROIPooling(x.astype('float64'), rois.astype('float64'), pooled_size=(2, 2), spatial_scale=1.0); print(y.dtype, y)")
case("s5_det_roipool_bad", RA + "print(mx.nd.ROIPooling(x, rois, pooled_size=(2, 2)))")

BR = "mx.random.seed(5); x = mx.nd.random.uniform(shape=(1, 2, 4, 5))\n"
for i, kw in enumerate(["height=6, width=3", "height=2, width=9, align_corners=False",
                        "scale_height=1.5, scale_width=0.5, mode='odd_scale'",
                        "mode='like', like=mx.nd.zeros((1, 1, 3, 7))",
                        "scale_height=1.5, scale_width=1.3, mode='to_even_down'",
                        "scale_height=1.5, scale_width=1.3, mode='to_even_up'",
                        "scale_height=1.5, scale_width=1.3, mode='to_odd_down'",
                        "scale_height=1.5, scale_width=1.3, mode='to_odd_up'",
                        "height=7, width=7", "mode='to_even_down'", "mode='to_odd_up'"]):
    case(f"s5_det_bilresize_{i}", BR + f"y = mx.nd.contrib.BilinearResize2D(x, {kw}); print(y.shape); print(y)")
    case(f"s5_det_bilresize_{i}_grad", BR + f"x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.BilinearResize2D(x, {kw})\n"
         "    z = (y * mx.nd.arange(y.size).reshape(y.shape)).sum()\nz.backward(); print(x.grad)")
case("s5_det_bilresize_f64", BR + "y = mx.nd.contrib.BilinearResize2D(x.astype('float64'), height=3, width=8); print(y.dtype, y)")
case("s5_det_bilresize_f16", BR + "y = mx.nd.contrib.BilinearResize2D(x.astype('float16'), height=3, width=8); print(y.dtype, y)")
case("s5_det_bilresize_3d", "print(mx.nd.contrib.BilinearResize2D(mx.nd.ones((2, 4, 5)), height=3, width=3))")
case("s5_det_bilresize_like_missing", BR + "print(mx.nd.contrib.BilinearResize2D(x, mode='like'))")
for i, kw in enumerate(["output_size=1", "output_size=(2, 3)", "output_size=(3,)", "output_size=(5, 7)", "output_size=(4, 2)"]):
    case(f"s5_det_adapool_{i}", BR + f"y = mx.nd.contrib.AdaptiveAvgPooling2D(x, {kw}); print(y.shape); print(y)")
case("s5_det_adapool_grad", BR + "x.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=(3, 2))\n"
     "    z = (y * mx.nd.arange(y.size).reshape(y.shape)).sum()\nz.backward(); print(x.grad)")
case("s5_det_adapool_default", BR + "print(mx.nd.contrib.AdaptiveAvgPooling2D(x))")
case("s5_det_adapool_f64", BR + "y = mx.nd.contrib.AdaptiveAvgPooling2D(x.astype('float64'), output_size=3); print(y.dtype, y)")
case("s5_det_adapool_bad", "print(mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((2, 3)), output_size=2))")
case("s5_det_mbtarget_bad_pad", MBT.replace("[-1, -1, -1, -1, -1]", "[-1, 0, 0, 0, 0]") + "print(mx.nd.contrib.MultiBoxTarget(an, lab, cp))")
case("s5_det_mbtarget_batch2", MBT + "lab2 = mx.nd.concat(lab, mx.nd.array([[[2, 0.5, 0.1, 0.9, 0.5], [0, 0.0, 0.6, 0.3, 0.9], [-1, -1, -1, -1, -1]]]), dim=0)\n"
     "cp2 = mx.nd.concat(cp, cp[:, ::-1], dim=0)\nfor a in mx.nd.contrib.MultiBoxTarget(an, lab2, cp2, negative_mining_ratio=2):\n    print(a)")
case("s5_det_mbprior_ratio0", "x = mx.nd.zeros((1, 3, 2, 3)); print(mx.nd.contrib.MultiBoxPrior(x, sizes=(0.3, 0.7), ratios=(2, 0.5, 3), steps=(0.4, 0.3), offsets=(0.5, 0.25)))")
