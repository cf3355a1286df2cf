"""Understood differences in the session-5 op cases (cases_s5_*.py); kinds as in known.py."""
KNOWN = {
    # ---- RNN
    "s5_rnn_*_f16": "FREE: float16 RNN runs on the CPU in mxnb (MXNet: 'FP16 gemm on cpu not "
                    "implemented')",
    "s5_rnn_*_seqlen": "FIX: MXNet 1.9.1's CPU RNN silently ignores use_sequence_length; mxnb "
                       "follows cuDNN (MXNet's GPU path): padded steps give zeros, final states "
                       "of each sequence's last step",
    "s5_rnn_lstm_clip*": "FIX: MXNet 1.9.1's CPU LSTM silently ignores lstm_state_clip_min/max/"
                         "nan; mxnb clips as cuDNN (MXNet's GPU path) does",
    # ---- detection
    "s5_det_mbprior_f64": "FREE: MultiBoxPrior takes float64 data (MXNet's legacy op: "
                          "'Unsupported data type 1')",
    "s5_det_bilresize_f16": "FREE: float16 BilinearResize2D computes in float32 and rounds once "
                            "(MXNet rounds each half_t step; 1 ulp apart)",
    # ---- spatial
    "s5_sp_gridgen_f64": "FREE: GridGenerator takes float64 (MXNet: 'Other DTypes are not "
                         "supported!')",
    "s5_sp_bilsampler_f16": "FREE: float16 BilinearSampler computes in float32 and rounds once; "
                            "MXNet rounds every half_t step, sampling positions included "
                            "(a few ulp apart)",
    "s5_sp_im2col_1d": "FIX: MXNet infers im2col's 1-D shape, then its kernel fails "
                       "('index = 3 must be in range [0, 3)'); mxnb computes it",
    "s5_sp_corr_bad_shape": "FIX: MXNet's Correlation does not check data2's shape and reads past "
                            "its end; mxnb raises MXNetError",
    "s5_sp_ctc_first_minus1": "FIX: with blank_label='first' MXNet reads label -1 as class -1 "
                              "(memory before the row); mxnb refuses labels outside [0, C)",
    "s5_sp_ctc_f64*": "FREE: float64 CTCLoss works (MXNet declares it, then fails: 'data type "
                      "do not match specified type')",
    "s5_sp_ctc_empty_label": "FIX: an empty label sequence gives MXNet uninitialised values "
                             "(-3.3e32, 0, ...); mxnb gives -log P(all blanks)",
    # ---- image, random_pdf
    "s5_img_to_tensor_grad": "FIX: MXNet's to_tensor backward fails its own shape check "
                             "('expected [3,4,5], got [4,5,3]'); mxnb gives 1/255",
    "s5_img_flips": "FIX: MXNet's flip_left_right leaves the middle column of an odd width "
                    "uninitialised; mxnb copies it",
    "s5_img_random_flip_left_right_0*": "FIX: as s5_img_flips (MXNet's middle column is garbage "
                                        "when it flips)",
    "s5_pdf_normal_f16": "FREE: float16 density computed in float32, rounded once (1 ulp)",
    # ---- optimizers
    "s5_opt_group_adagrad*": "FREE: dense group_adagrad_update works (MXNet: 'not implemented "
                             "for CPU' unless grad is row_sparse; mxnb's numbers equal MXNet's "
                             "with g.tostype('row_sparse'))",
    # ---- misc
    "s5_misc_fft": "FREE: contrib.fft runs on the CPU (MXNet: 'fft is only available for GPU')",
    "s5_misc_ifft": "FREE: as s5_misc_fft",
    "s5_misc_count_sketch*": "FREE: count_sketch runs on the CPU (MXNet: GPU only)",
    "s5_misc_klreg*": "FREE: MXNet's mx.nd frontend cannot pass the moving_avg aux state (only a "
                      "Symbol executor can); mxnb takes it as the 2nd input. Values and gradient "
                      "equal MXNet's Symbol executor's (checked by hand)",
    "s5_misc_bn_v1*": "FREE: as s5_misc_klreg* for BatchNorm_v1's moving_mean/moving_var "
                      "(outputs, the fix_gamma write into gamma and the moving stats updated in "
                      "backward equal MXNet's Symbol executor's)",
    "s5_misc_amp_multicast*": "FIX: MXNet's oneDNN build fails on float16/float64 ('unknown type "
                              "for MKLDNN :2'); mxnb follows MXNet's type rule, checked with "
                              "MXNET_MKLDNN_ENABLED=0",
    # ---- second pass (cases_s5_more.py) and gradients
    "s5_img_flip_grad": "FIX: MXNet registers the flips' gradient as the identity (_copy); "
                        "mxnb mirrors dy back (the flip's true gradient)",
    "s5_misc_fft_grad": "FREE: as s5_misc_fft",
    "s5_more_rnn_lstm_proj_grad": "FREE: LSTM projection trains on the CPU in mxnb (MXNet: 'No "
                                  "training support for LSTM with projection on CPU currently')",
    "s5_more_roialign_edges_aligned": "FIX: MXNet aborts the process (uncaught dmlc::Error "
                                      "'roi_width > 0'); mxnb raises MXNetError",
    "s5_more_roialign_f16": "FREE: float16 ROIAlign accumulates in float32 (MXNet in half_t; "
                            "1 ulp apart)",
    "s5_more_adapool_f16": "FREE: float16 AdaptiveAvgPooling2D accumulates in float32 (1 ulp)",
    "s5_more_corr_f16": "FREE: float16 Correlation accumulates in float32 (1 ulp)",
    "s5_more_adapool_int": "FREE: MXNetError at the call (MXNet infers int32, raises at print)",
    "s5_more_img_resize_f16": "FREE: MXNetError at the call (MXNet raises at print)",
    "s5_more_ctc_data_lengths_too_long": "FIX: data_lengths > T corrupts MXNet's heap (garbage "
                                         "or 'double free'); mxnb raises MXNetError",
    "s5_more_img_jitter_zero": "FIX: random_color_jitter with all factors 0 returns MXNet's "
                               "uninitialised output; mxnb returns the input",
    "s5_more_img_flip_top_bottom_odd": "FIX: as s5_img_flips (middle row of an odd height)",
    "s5_more_rnn_state_outputs_gru_states": "ENV: MXNet's asynchronous backward error of the "
                                            "case before (s5_more_rnn_lstm_proj_grad) surfaces "
                                            "here; run alone, MXNet prints mxnb's numbers",
    # ---- third pass (cases_s5_extra.py)
    "s5_x_iou_int": "FREE: MXNetError at the call (MXNet infers int32, raises at print)",
    "s5_x_ctc_label_too_big": "FIX: a label equal to the alphabet size makes MXNet read past the "
                              "class axis (garbage loss); mxnb raises MXNetError",
    "s5_bad_attr_amp_multicast_zero": "FREE: amp_multicast with no inputs raises MXNetError "
                                      "(MXNet returns [])",
    "s5_x_mbtarget_f64": "FREE: as s5_det_mbprior_f64 (MultiBoxTarget takes float64)",
    "s5_x_mbdet_f64": "FREE: as s5_det_mbprior_f64 (MultiBoxDetection takes float64)",
    "s5_x_encode_f16": "FREE: float16 box_encode computes in float32 and rounds once (MXNet "
                       "rounds every half_t step, log included; 2-3 ulp)",
}
