"""Differences from MXNet 1.9.1 that are understood, each with its reason.

Keys are case names or fnmatch patterns ('pyop*_numpy'). Kinds:
  FIX    MXNet's behaviour is a bug (garbage memory, crash, accepted nonsense); mxnb is sane
  FREE   unspecified or mxnb-only extra (more lenient, more accurate, extra names)
  ENV    not mxnb's doing (NumPy 2 vs NumPy 1.23, LAPACK, the harness)
  TODO   mxnb should match; the change belongs in a file owned elsewhere or is not done yet
"""
import fnmatch

KNOWN = {
    # ---- FIX: MXNet bugs
    "ag_head_grad_shape": "FIX spec Q4: wrong-size head gradient reads garbage in MXNet",
    "err_mark_variables_len": "FIX spec Q5: MXNet segfaults",
    "err_bn_wrong_gamma": "FIX: MXNet accepts a wrong gamma shape silently",
    "reshape_op_19": "FIX: MXNet's Reshape op accepts a larger total size (reads garbage)",
    "reshape_op_21": "FIX: as reshape_op_19",
    "leaky_rrelu*": "FIX: MXNet's predict-mode rrelu mask output is uninitialised memory",
    "div_by_zero_int": "FIX: MXNet dies of SIGFPE",
    "stack_bad": "FIX: MXNet's async error never surfaces (nothing printed, no exception)",
    "getitem_15": "FIX: MXNet raises the IndexError late (at print); same exception type",
    "norm_grad_zero": "FIX: MXNet's norm gradient at 0 is NaN; mxnb gives 0",
    "softmax_large": "FIX: MXNet's log_softmax of [1000, 0, -1000] is 1.4e-6 instead of 0",
    "log_softmax": "FIX: MXNet's float32 log_softmax is less accurate (1.4e-6 abs)",
    "deconv_adj": "FIX: MXNet's oneDNN refuses adj with pad; mxnb computes it",
    "io_bytes_0d": "FIX: MXNet cannot load its own 0-d file",
    "f16_sum_mean": "FIX: MXNet's float16 norm "
                    "accumulates in float16 (1728 for 1824.4)",
    "ag_prod_grad_zero": "FIX: MXNet's prod gradient divides by x (NaN at 0)",
    "ag_sort_argsort_grad": "FIX: MXNet's sort backward fails to parse its own axis attr",
    "pool_grad_max": "FIX: MXNet 1.9.1 (oneDNN) sends max-pool gradients to non-max positions",
    "bn_f16_params_f32": "FREE: float16 BatchNorm rounding (1 ulp)",
    "nn_f16_ops": "FREE: float16 FullyConnected works on the CPU in mxnb (MXNet: cuDNN only)",
    "f16_dot": "FREE: float16 batch_dot works on the CPU in mxnb",
    # ---- FREE: mxnb extras and leniency
    "create_array_nested_nd": "FREE: mxnb accepts a list of NDArrays",
    "create_full_like": "FREE: mxnb has nd.full_like",
    "prop_handle": "FREE: no C handle in mxnb",
    "prop_float": "FREE spec 7.3: float()/int() of size-1 arrays convert",
    "prop_int": "FREE spec 7.3",
    "prop_index_op": "FREE: integer NDArrays implement __index__",
    "np_array_of_nd": "FIX spec 7.6: np.asarray(nd) is a zero-copy view",
    "pyop*_numpy": "FIX spec 7.6: NDArray op np.ndarray works",
    "np_plus_nd": "FIX spec 7.6",
    "pyop*_0d": "FREE spec Q27: ops on 0-d arrays work in mxnb",
    "unary_0d": "FREE spec Q27",
    "expand_dims_0d": "FREE spec Q27",
    "fn_is_recording_inside": "ENV: MXNet runs Function.backward on its engine thread (prints late)",
    "red_0d": "FREE spec Q27",
    "setitem_0d": "FREE spec Q27",
    "act_int": "FREE: Activation on integer arrays works in mxnb",
    "unary_hard_sigmoid_i32": "FREE: hard_sigmoid on integers works in mxnb",
    "dot_f16": "FREE: float16 dot works on the CPU in mxnb",
    "unary_erfinv_i32": "FREE: NaN -> int32 is undefined (MXNet 0/INT_MIN, mxnb garbage)",
    "cp_cumsum": "FREE: cumsum takes a negative axis (MXNet refuses it)",
    "fluent_*": "FREE: extra NDArray methods (x.negative(), x.erf(), ...)",
    "unary__copy*": "FREE: mx.nd._copy is exported",
    "bin_hypot*": "FREE: mx.nd.hypot is exported",
    "scalar_ops_named": "FREE: mx.nd._plus_scalar etc. are exported",
    "neg_op": "FREE: NDArray has __pos__",
    "unary_out_dtype": "FREE: out= of another dtype is cast into, MXNet raises",
    "cp_khatri_rao_grad": "FREE: khatri_rao is differentiable in mxnb",
    "bool_ops_refused": "FREE: bool + scalar is refused (MXNet returns bool arrays holding 2)",
    "err_exp_kwarg": "FREE: unknown keyword arguments raise TypeError (MXNet ignores some)",
    "err_array_bad_dtype": "FREE: MXNetError instead of KeyError for an unsupported dtype",
    "err_ctx_bad": "FREE: TypeError for a string ctx (MXNet: MXNetError)",
    "err_attach_grad_bad_stype": "FREE: sparse storage unsupported (NotImplementedError)",
    "err_save_bad_fname": "FREE: TypeError instead of AttributeError",
    "err_init_bad_arr": "FREE: TypeError instead of AttributeError",
    "err_record_nested_bad": "FREE: record(train_mode='x') is truthy",
    "err_nd_neg_shape_full": "FREE: MXNetError instead of OverflowError",
    "tu_assert_almost_equal_fail": "FREE: same AssertionError, different message layout",
    "ag_get_symbol": "FREE spec 2.8: node counters depend on history",
    "cp_instnorm_grad": "ENV: float32 cancellation noise in near-zero gradient entries",
    "cp_groupnorm_grad": "ENV: float32 cancellation noise",
    "cp_softmaxact_grad": "ENV: float32 noise",
    "red_norm_float16": "FREE: float16 norm rounding (1 ulp)",
    "softmax_f16": "FREE: float16 softmax accumulates in float32 in mxnb (MXNet in float16)",
    "unary_hard_sigmoid_f16": "TODO elemwise.py: scalar params cast to float16 before use",
    # ---- ENV
    "dtype_py_np.float_": "ENV: np.float_ does not exist in NumPy 2",
    "astype_py_np.float_": "ENV: as dtype_py_np.float_",
    "exact_init_apply_8": "ENV: Orthogonal's SVD signs depend on NumPy/LAPACK",
    "exact_init_dtype_*_Orthogonal": "ENV: as exact_init_apply_8",
    "exact_init_apply_15": "FREE: Bilinear on 2-D raises ValueError (MXNet: IndexError)",
    "exact_init_str_15": "FREE: as exact_init_apply_15",
    "mx_attrs": "TODO: mx.sym/mod/gluon/... are not part of mxnb yet",
    "prop_dir_methods": "FREE: NDArray.as_in_ctx exists (MXNet 1.9.1 lacks it); as_np_ndarray "
                        "raises NotImplementedError (mx.np is not built)",
    "surface_mx": "FREE: mx.num_gpus exists in mxnb",
    "surface_mx_nd": "TODO: mx.nd.register and mx.nd.utils (MXNet internals) are missing; "
                     "mx.nd.imdecode raises NotImplementedError (no OpenCV)",
    "surface_mx_nd_NDArray": "FREE: NDArray.wait_to_write and __dlpack__ exist in mxnb",
    "surface_mx_test_utils": "TODO: symbolic test helpers (check_symbolic_*, ...) missing",
    # ---- TODO: owned elsewhere or not done
    "conv_3d": "TODO nn_conv.py: 3-D convolution missing",
    "linalg_potrf": "TODO: linalg.potrf/potri missing",
    "linalg_trsm": "TODO: linalg.trsm/trmm missing",
    "linalg_extract": "TODO: linalg.extracttrian/maketrian missing",
    "linalg_gelqf": "TODO: linalg.gelqf missing",
    "linalg_syevd": "TODO: linalg.syevd missing",
    "ctc_loss_exists": "TODO: CTCLoss missing",
    "RNN_exists": "TODO: RNN op missing",
    "getitem_list_of_slices": "FREE: IndexError instead of TypeError for x[[slice, 1]]",
}


def _merge_topic_files():
    # Topic files (known_<topic>.py, each with its own KNOWN dict) sit beside their
    # cases_<topic>.py, so work on separate topics never edits the same file.
    import glob
    import importlib.util
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "known_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        KNOWN.update(mod.KNOWN)


_merge_topic_files()


def reason(name):
    """The known reason for case `name`'s difference, or None."""
    if name in KNOWN:
        return KNOWN[name]
    for k, v in KNOWN.items():
        if "*" in k and fnmatch.fnmatchcase(name, k):
            return v
    return None
