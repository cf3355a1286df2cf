"""Understood differences in the cases_core_*.py files (kinds as in known.py)."""
KNOWN = {
    # ---- fluent methods
    "core_fl_f32_78": "FIX: MXNet's float32 log_softmax is less accurate (as log_softmax in known.py)",
    "core_fl_*_89": "FREE: x.transpose(1, 0) works (MXNet's method passes 1 as axes: TypeError)",
    "core_fl_f16_22": "FREE: float16 norm rounding (1 ulp, as red_norm_float16)",
    "core_fl_argmax_asscalar": "FREE spec 7.3: int() of a size-1 array converts (as prop_int)",
    # ---- call forms
    "core_pos_36": "FREE: too many positional arguments: TypeError (MXNet: AttributeError)",
    "core_out_23": "FREE: out= a NumPy array: TypeError (MXNet: AttributeError 'handle')",
    "core_out_35": "FIX: MXNet's where(..., out=) fails ('missing FInferType'); mxnb casts as core_out_1",
    "core_attr_data_none": "FREE: exp(None): AssertionError as for any non-NDArray (MXNet: MXNetError)",
    "core_attr_float_int_attr": "FREE: integral floats (depth=3.0, k=2.0) accepted for int attributes",
}

for _i in range(38, 46):
    KNOWN[f"core_fl_f16_{_i}"] = "FREE: float16 sort/argsort work in mxnb (MXNet: 'does not support float16')"
for _i in range(75, 82):
    KNOWN[f"core_fl_f16_{_i}"] = ("FREE: float16 softmax accumulates in float32 in mxnb (as softmax_f16); "
                                  "with dtype='float64' MXNet still rounds to float16")
for _i in (1, 2, 6, 9, 10, 12, 13, 16):
    KNOWN[f"core_out_{_i}"] = "FREE: out= of another dtype is cast into (as unary_out_dtype); MXNet raises"
# ---- creation
KNOWN.update({
    "core_arr_src_0": "FREE: mx.nd.array of a list of NDArrays stacks them (as create_array_nested_nd)",
    "core_arr_src_24": "FREE: as core_arr_src_0",
    "core_arr_src_25": "FREE: as core_arr_src_0",
    "core_arr_src_33": "FREE: as core_arr_src_0",
    "core_arr_dtype_2*": "FREE: int16/uint16/uint32: MXNetError naming the dtype (MXNet: KeyError)",
    "core_arange_18": "FIX: MXNet's float16 arange with a fractional step repeats the start (-2 -2 -2 ...)",
    "core_concatenate_mix": "FREE: concatenate of mixed dtypes: MXNetError from concat (MXNet: bare AssertionError)",
})
# ---- indexing
KNOWN.update({
    "core_get_36": "FIX: MXNet's x[np.array(1)] fails in broadcast_to shape inference",
    "core_getitem_0d_nd_idx": "FIX: MXNet's x[mx.nd.array(1)] raises AttributeError ('item')",
    "core_setitem_list_oob": "FIX: MXNet silently ignores an out-of-range index list in setitem",
    "core_getitem_float_slice": "FREE: integral float slice bounds accepted (MXNet: TypeError)",
})
for _i in (51, 52, 53):
    KNOWN[f"core_get_{_i}"] = "FIX: MXNet raises the IndexError late (after printing); same type"
# ---- arithmetic
for _dt in ("int8", "uint8", "int32", "int64"):
    KNOWN[f"core_ar_{_dt}_4"] = "FIX: MXNet dies of SIGFPE on integer division by zero (as div_by_zero_int)"
    KNOWN[f"core_ar_{_dt}_37"] = "FIX: as core_ar_int8_4 (x / x with a 0)"
    KNOWN[f"core_ar_{_dt}_49"] = "FIX: MXNet's integer norm dies (SIGFPE) on this input; mxnb overflows"
    KNOWN[f"core_ar_{_dt}_21"] = ("FREE: integer square overflow is undefined (MXNet squares in "
                                  "double and converts: INT_MIN; mxnb wraps)")
KNOWN.update({
    "core_ar_int_div_zero_scalar": "FIX: as core_ar_int8_4",
    "core_ar_scalar_frac_div0_int8": "FIX: as core_ar_int8_4 (0.3 cast to int8 is 0)",
    "core_ar_float16_43": "FIX: MXNet's float16 sum accumulates in float16 (65504 swallows -7.5; as f16_sum_mean)",
    "core_ar_float16_44": "FIX: as core_ar_float16_43",
    "core_ar_float16_46": "FREE: prod accumulates in a wider type (MXNet overflows to inf*0 = nan)",
    "core_ar_float32_46": "FREE: as core_ar_float16_46",
})
# ---- printing, scalars, save/load, properties
KNOWN.update({
    "core_pr_*_empty": "FIX: MXNet's astype of a zero-size array fails (_copyto shape inference)",
    "core_pr_*_0d": "FREE spec Q27: 0-d arrays work in mxnb (MXNet's astype of 0-d fails)",
    "core_pr_bool_asscalar": "ENV: NumPy 2 names the bool scalar type 'bool' (NumPy 1.23: 'bool_')",
    "core_sc_int_f": "FREE spec 7.3: int() of a size-1 array converts (as prop_int)",
    "core_sl_pathlib": "FREE: a pathlib.Path file name: TypeError (MXNet: AttributeError 'encode')",
    "core_prop_dir_public": "FREE: mxnb has extra fluent methods, one per op taking data (as fluent_*)",
})
# ---- training loops
KNOWN["core_tr_grad_create_graph_loop"] = ("FREE: every mxnb op is differentiable to any order "
                                           "(MXNet: _backward_power_scalar has no FGradient)")
# ---- argument corners
KNOWN.update({
    "core_args_63": "FIX: MXNet prints the empty slice, then fails late (delay_alloc check)",
    "core_args_83": "FIX: MXNet's transpose with repeated axes (0, 0) returns uninitialised memory",
    "core_args_114": "FREE: int16: MXNetError naming the dtype (MXNet: KeyError)",
})
# ---- Python operator forms
KNOWN.update({
    "core_iop_11": "FREE spec Q27: a 0-d operand broadcasts in mxnb (MXNet: shape inference fails)",
    "core_expr_7": "FREE: NDArray has __pos__ (as neg_op)",
    "core_expr_33": "FIX spec 7.6: NDArray op np.ndarray works (as pyop*_numpy)",
    "core_expr_34": "FIX spec 7.6: as core_expr_33",
    "core_expr_35": "FIX spec 7.6: NumPy ufuncs on an NDArray work (MXNet builds an object array of NDArrays)",
    "core_expr_37": "FIX spec 7.6: as core_expr_35",
    "core_expr_38": "FIX spec 7.6: np.asarray(nd) is a float32 view (MXNet: an object array)",
    "core_expr_39": "FIX spec 7.6: NDArray has __array__",
    "core_expr_47": "FREE spec 7.3: float() of a size-1 array converts (as prop_float)",
    "core_expr_48": "ENV: NumPy 1.23 promotes float32 scalar + int to float64 (NumPy 2: float32)",
})
# ---- legacy op-name functions
KNOWN.update({
    "core_legacy_0": "FREE: random_uniform() with no shape draws one value (MXNet: shape inference fails)",
    "core_legacy_26": "FREE: random_uniform with NDArray bounds samples per element (MXNet refuses)",
})
KNOWN.update({
    "core_str2_6": "FREE: full('(2,)', 3) parses the shape string (MXNet's Python full fails: TypeError)",
    "core_str2_10": "FREE: x.reshape('(2, 6)'): ValueError (MXNet: TypeError); both refuse",
})
