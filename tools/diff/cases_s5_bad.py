"""Bad input to the session-5 ops: wrong ranks, wrong attribute values (exception types)."""
CASES = []


def case(name, code):
    CASES.append((name, code))


CALLS = {
    "nms": "mx.nd.contrib.box_nms({a})",
    "iou": "mx.nd.contrib.box_iou({a}, {a})",
    "decode": "mx.nd.contrib.box_decode({a}, {a})",
    "bmatch": "mx.nd.contrib.bipartite_matching({a}, threshold=0.1)",
    "mbprior": "mx.nd.contrib.MultiBoxPrior({a})",
    "roialign": "mx.nd.contrib.ROIAlign({a}, mx.nd.array([[0, 0, 0, 1, 1]]), pooled_size=(2, 2), spatial_scale=1.0)",
    "roipool": "mx.nd.ROIPooling({a}, mx.nd.array([[0, 0, 0, 1, 1]]), pooled_size=(2, 2), spatial_scale=1.0)",
    "bilresize": "mx.nd.contrib.BilinearResize2D({a}, height=2, width=2)",
    "adapool": "mx.nd.contrib.AdaptiveAvgPooling2D({a}, output_size=2)",
    "gridgen": "mx.nd.GridGenerator({a}, transform_type='warp')",
    "bilsampler": "mx.nd.BilinearSampler({a}, {a})",
    "im2col": "mx.nd.im2col({a}, kernel=(2, 2))",
    "col2im": "mx.nd.col2im({a}, output_size=(3, 3), kernel=(2, 2))",
    "corr": "mx.nd.Correlation({a}, {a})",
    "ctc": "mx.nd.CTCLoss({a}, mx.nd.ones((2, 2)))",
    "to_tensor": "mx.nd.image.to_tensor({a})",
    "normalize": "mx.nd.image.normalize({a}, mean=(0.5,), std=(2,))",
    "flip": "mx.nd.image.flip_left_right({a})",
    "crop": "mx.nd.image.crop({a}, x=0, y=0, width=1, height=1)",
    "lighting": "mx.nd.image.adjust_lighting({a}, alpha=(0.1, 0.1, 0.1))",
    "rnn": "mx.nd.RNN({a}, mx.nd.ones((14,)), mx.nd.zeros((1, 2, 2)), state_size=2, num_layers=1, mode='rnn_tanh')",
    "pdf": "mx.nd.random_pdf_normal({a}, mx.nd.zeros((2,)), mx.nd.ones((2,)))",
}
SHAPES = {"1d": "mx.nd.ones((6,))", "2d": "mx.nd.ones((3, 6))", "5d": "mx.nd.ones((1, 1, 2, 3, 6))"}
for op, call in CALLS.items():
    for sn, arr in SHAPES.items():
        case(f"s5_bad_{op}_{sn}", "y = " + call.format(a=arr) + "\nprint(y if not isinstance(y, (list, tuple)) else [v.shape for v in y])")
ATTRS = [
    ("nms_thresh", "mx.nd.contrib.box_nms(mx.nd.ones((2, 6)), overlap_thresh=1.5)"),
    ("nms_topk0", "mx.nd.contrib.box_nms(mx.nd.ones((2, 6)), topk=0)"),
    ("nms_id_idx", "mx.nd.contrib.box_nms(mx.nd.ones((2, 6)), id_index=7)"),
    ("roialign_pooled1", "mx.nd.contrib.ROIAlign(mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 0, 0, 1, 1]]), pooled_size=(2,), spatial_scale=1.0)"),
    ("roipool_scale", "mx.nd.ROIPooling(mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 0, 0, 1, 1]]), pooled_size=(2, 2), spatial_scale=-1.0)"),
    ("bilresize_mode", "mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 4, 4)), height=2, width=2, mode='xyz')"),
    ("im2col_stride0", "mx.nd.im2col(mx.nd.ones((1, 1, 4, 4)), kernel=(2, 2), stride=(0, 1))"),
    ("im2col_kernel3", "mx.nd.im2col(mx.nd.ones((1, 1, 4, 4)), kernel=(2, 2, 2))"),
    ("corr_kernel0", "mx.nd.Correlation(mx.nd.ones((1, 1, 4, 4)), mx.nd.ones((1, 1, 4, 4)), kernel_size=0)"),
    ("gridgen_affine_shape", "mx.nd.GridGenerator(mx.nd.ones((1, 6)), transform_type='affine', target_shape=(0, 2))"),
    ("resize_neg", "mx.nd.image.resize(mx.nd.ones((4, 4, 3)), size=(-1, 2))"),
    ("resize_interp", "mx.nd.image.resize(mx.nd.ones((4, 4, 3)), size=(2, 2), interp=9)"),
    ("normalize_std0", "mx.nd.image.normalize(mx.nd.ones((3, 2, 2)), mean=(0, 0, 0), std=(0, 1, 1))"),
    ("rnn_layers_mismatch", "mx.nd.RNN(mx.nd.ones((2, 2, 3)), mx.nd.ones((14,)), mx.nd.zeros((2, 2, 2)), state_size=2, num_layers=1, mode='rnn_tanh')"),
    ("rnn_p_bad", "mx.nd.RNN(mx.nd.ones((2, 2, 3)), mx.nd.ones((14,)), mx.nd.zeros((1, 2, 2)), state_size=2, num_layers=1, mode='rnn_tanh', p=1.5)"),
    ("ctc_label_3d", "mx.nd.CTCLoss(mx.nd.ones((3, 2, 4)), mx.nd.ones((2, 2, 1)))"),
    ("ctc_lengths_shape", "mx.nd.CTCLoss(mx.nd.ones((3, 2, 4)), mx.nd.ones((2, 2)), mx.nd.ones((3,)), use_data_lengths=True)"),
    ("ctc_lengths_missing", "mx.nd.CTCLoss(mx.nd.ones((3, 2, 4)), mx.nd.ones((2, 2)), use_data_lengths=True)"),
    ("mp_sgd_f32_weight32_f16", "mx.nd.mp_sgd_update(mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16'), lr=0.1)"),
    ("multi_sgd_num0", "mx.nd.multi_sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), lrs=(0.1,), wds=(0.0,), num_weights=0)"),
    ("adamw_shape", "mx.nd.contrib.adamw_update(mx.nd.ones((2,)), mx.nd.ones((3,)), mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((1,)), lr=0.1, eta=1.0)"),
    ("lamb2_r_shape", "mx.nd.lamb_update_phase2(mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((1,)), lr=0.1)"),
    ("pdf_bad_param_dtype", "mx.nd.random_pdf_normal(mx.nd.ones((2, 2)), mx.nd.zeros((2,), dtype='int32'), mx.nd.ones((2,), dtype='int32'))"),
    ("amp_multicast_zero", "mx.nd.amp_multicast(num_outputs=0)"),
    ("svm_label_shape", "mx.nd.SVMOutput(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))"),
]
for nm, call in ATTRS:
    case(f"s5_bad_attr_{nm}", "y = " + call + "\nprint(y if not isinstance(y, (list, tuple)) else [v.shape for v in y])")
