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
}
