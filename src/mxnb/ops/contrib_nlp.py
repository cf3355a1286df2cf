"""MXNet's contrib ops for attention and normalisation: the four interleaved multi-head
attention matmuls GluonNLP's BERT and Transformer call, SyncBatchNorm and BatchNormWithReLU.

Layout of the interleaved attention ops (read off MXNet 1.9.1's runs and transformer.cc):
`queries_keys_values` is (seq, batch, heads * 3 * head_dim), and for each (seq, batch) row the
projections are grouped per head: [q_h0, k_h0, v_h0, q_h1, k_h1, v_h1, ...], each head_dim
long; `keys_values` likewise holds [k_h, v_h] per head. Attention batches run batch-major
(index b * heads + h). The qk ops scale by 1 / sqrt(head_dim).

The forwards are NumPy matmuls (BLAS) on the host (on `mx.gpu()` they run through the host
fallback); their VJPs are written in mxnb ops (reshape, transpose, batch_dot), so gradients of
any order come from the table. MXNet's CPU kernels take float32 only; mxnb also takes float64
(for gradient checks) and float16 (computed in float32), and rejects other dtypes.

SyncBatchNorm in one process is BatchNorm over axis 1 whose extra outputs are the batch mean
and the biased *variance* (BatchNorm's are the mean and inverse std); in prediction mode
MXNet leaves those two unwritten (they read as zeros), and fix_gamma overwrites gamma with
ones even under use_global_stats. BatchNormWithReLU is relu(BatchNorm(...)), same attributes
and extra outputs as BatchNorm (MXNet runs it on its MKL-DNN build only, on 4-d data; mxnb
takes whatever BatchNorm takes).

>>> qkv = mx.nd.ones((3, 2, 12))
>>> mx.nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2).shape
(4, 3, 3)
"""
import math

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .nn_norm import BN_EPS, _bn_backward, _bn_forward, _bn_infer, _bn_vjp
from .registry import Op, fmt_shape, register, same_dtype

_FLOATS = ("float16", "float32", "float64")


def _dtype(op, inputs):
    dt = same_dtype(op, inputs)
    if dt.name not in _FLOATS:
        raise MXNetError(f"{op.name}: Only float32 is supported by MXNet's CPU kernel (mxnb also "
                         f"takes float16 and float64), got {dt.name}")
    return dt


def _heads(op, attrs):
    if attrs.get("heads") is None:
        raise MXNetError(f"{op.name}: Required parameter heads of int is not presented")
    h = int(attrs["heads"])
    if h <= 0:  # MXNet divides by it (SIGFPE at 0)
        raise MXNetError(f"{op.name}: heads must be positive, got {h}")
    return h


def _ndim3(op, x, text):
    if len(x.shape) != 3:
        raise MXNetError(f"{op.name}: Input {text.format(len(x.shape))}")


def _per_head(op, name, x, heads, parts):
    # MXNet does not check this and then reads a garbled layout; mxnb refuses.
    if x.shape[2] % (parts * heads):
        raise MXNetError(f"{op.name}: {name}.shape[2] should be a multiple of {parts} * heads = "
                         f"{parts * heads}, currently is {x.shape[2]} (shape "
                         f"{fmt_shape(x.shape)})")


def _scale(dt, head_dim):
    # MXNet's alpha: 1 / sqrt(float(head_dim)) rounded to float32.
    if np.dtype(dt) == np.float64:
        return 1.0 / math.sqrt(head_dim)
    return float(np.float32(1.0 / math.sqrt(np.float32(head_dim))))


# ---------------------------------------------------------------- NumPy layout helpers


def _cdt(dt):
    return np.dtype(np.float32) if np.dtype(dt) == np.float16 else np.dtype(dt)


def _c(a):
    return a.astype(_cdt(a.dtype), copy=False)


def _split(a, heads, parts, which):
    """Parts `which` of (S, B, heads * parts * D) as (B * heads, S, D) arrays (copies only of
    the parts asked for, in the compute dtype)."""
    s, b, p = a.shape
    d = p // (parts * heads)
    v = a.reshape(s, b, heads, parts, d)
    return [np.ascontiguousarray(v[:, :, :, i].transpose(1, 2, 0, 3),
                                 dtype=_cdt(a.dtype)).reshape(b * heads, s, d) for i in which]


def _merge(blocks, heads, parts, dtype, out=None):
    """{part: (B * heads, S, D)} -> (S, B, heads * parts * D), the other parts zero: the
    inverse of _split."""
    bh, s, d = next(iter(blocks.values())).shape
    b = bh // heads
    if out is None:
        out = np.zeros((s, b, heads * parts * d), dtype)
    v = out.reshape(s, b, heads, parts, d)
    for i, blk in blocks.items():
        v[:, :, :, i] = blk.reshape(b, heads, s, d).transpose(2, 0, 1, 3)
    return out


# ---------------------------------------------------------------- mxnb-op layout helpers


def _split_nd(a, heads, parts):
    s, b, p = a.shape
    d = p // (parts * heads)
    t = nd.transpose(nd.reshape(a, shape=(s, b, heads, parts, d)), axes=(3, 1, 2, 0, 4))
    t = nd.reshape(t, shape=(parts, b * heads, s, d))
    return [nd.reshape(nd.slice_axis(t, axis=0, begin=i, end=i + 1), shape=(b * heads, s, d))
            for i in range(parts)]


def _merge_nd(blocks, heads):
    bh, s, d = blocks[0].shape
    t = nd.stack(*blocks, axis=0) if len(blocks) > 1 else nd.expand_dims(blocks[0], axis=0)
    t = nd.transpose(nd.reshape(t, shape=(len(blocks), bh // heads, heads, s, d)),
                     axes=(3, 1, 2, 0, 4))
    return nd.reshape(t, shape=(s, bh // heads, -1))


# ---------------------------------------------------------------- selfatt_qk


def _sqk_infer(op, inputs, attrs):
    (x,) = inputs
    h = _heads(op, attrs)
    _ndim3(op, x, "queries_keys_values should be 3D in seq_length-batch-proj_dim, "
                  "currently is: {}D")
    _per_head(op, "queries_keys_values", x, h, 3)
    s, b, _ = x.shape
    return [((h * b, s, s), _dtype(op, inputs))]


def _sqk_fwd(op, ins, outs, attrs):
    h = int(attrs["heads"])
    q, k = _split(ins[0], h, 3, (0, 1))
    sc = _scale(ins[0].dtype, q.shape[-1])
    outs[0][...] = np.matmul(q, k.transpose(0, 2, 1)) * np.asarray(sc, q.dtype)


def _sqk_bwd(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    x = ins[0]
    q, k = _split(x, h, 3, (0, 1))
    g = _c(dys[0]) * np.asarray(_scale(x.dtype, q.shape[-1]), q.dtype)
    return [_merge({0: g @ k, 1: g.transpose(0, 2, 1) @ q}, h, 3, x.dtype)]


def _sqk_vjp(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    q, k, _ = _split_nd(ins[0], h, 3)
    g = dys[0] * _scale(ins[0].dtype, q.shape[-1])
    dq = nd.batch_dot(g, k)
    dk = nd.batch_dot(g, q, transpose_a=True)
    return [_merge_nd([dq, dk, nd.zeros_like(q)], h)]


register(Op("_contrib_interleaved_matmul_selfatt_qk", ("queries_keys_values",),
            attrs=(("heads", None),), infer=_sqk_infer, forward=_host(_sqk_fwd),
            backward=_sqk_bwd, vjp=_sqk_vjp,
            test={"shapes": [(3, 2, 12)], "heads": 2,
                  "cases": [{}, {"shapes": [(2, 1, 6)], "heads": 1}]},
            doc="Self-attention scores: (batch*heads, seq, seq) = q k^T / sqrt(head_dim) from "
                "interleaved (seq, batch, heads*3*head_dim) projections."))

# ---------------------------------------------------------------- selfatt_valatt


def _sva_infer(op, inputs, attrs):
    x, att = inputs
    h = _heads(op, attrs)
    _ndim3(op, x, "queries_keys_values should be 3D in seq_length-batch-3*proj_dim, "
                  "currently is: {}D")
    _ndim3(op, att, "attention should be 3D in batch-seq_length-seq_length, currently is: {}D")
    s, b, p = x.shape
    for i in (1, 2):
        if s != att.shape[i]:
            raise MXNetError(f"{op.name}: queries_keys_values.shape[0] and attention.shape[{i}] "
                             f"should be the same, currently are {s} and {att.shape[i]}")
    if p % 3:
        raise MXNetError(f"{op.name}: queries_keys_values.shape[2] should be a multiple of 3, "
                         f"currently is {p}")
    _per_head(op, "queries_keys_values", x, h, 3)
    if att.shape[0] != b * h:  # MXNet reads out of bounds here
        raise MXNetError(f"{op.name}: attention.shape[0] should be equal to "
                         f"queries_keys_values.shape[1] * heads, currently are: {att.shape[0]} "
                         f"and {b}")
    return [((s, b, p // 3), _dtype(op, inputs))]


def _valatt(v, att, heads, out):
    """att @ v per attention batch, written into out (S, B, heads * D)."""
    _merge({0: att @ v}, heads, 1, out.dtype, out=out)


def _sva_fwd(op, ins, outs, attrs):
    h = int(attrs["heads"])
    (v,) = _split(ins[0], h, 3, (2,))
    _valatt(v, _c(ins[1]), h, outs[0])


def _valatt_grads(g, v, att, heads):
    """(dv, datt) of out = att @ v, given g laid out (S, B, heads * D)."""
    (gb,) = _split(g, heads, 1, (0,))
    return att.transpose(0, 2, 1) @ gb, gb @ v.transpose(0, 2, 1)


def _sva_bwd(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    x, att = ins
    (v,) = _split(x, h, 3, (2,))
    dv, datt = _valatt_grads(dys[0], v, _c(att), h)
    return [_merge({2: dv}, h, 3, x.dtype), datt.astype(att.dtype, copy=False)]


def _valatt_grads_nd(g, v, att, heads):
    gb = _split_nd(g, heads, 1)[0]
    return nd.batch_dot(att, gb, transpose_a=True), nd.batch_dot(gb, v, transpose_b=True)


def _sva_vjp(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    x, att = ins
    q, k, v = _split_nd(x, h, 3)
    dv, datt = _valatt_grads_nd(dys[0], v, att, h)
    return [_merge_nd([nd.zeros_like(q), nd.zeros_like(k), dv], h), datt]


register(Op("_contrib_interleaved_matmul_selfatt_valatt", ("queries_keys_values", "attention"),
            attrs=(("heads", None),), infer=_sva_infer, forward=_host(_sva_fwd),
            backward=_sva_bwd, vjp=_sva_vjp,
            test={"shapes": [(3, 2, 12), (4, 3, 3)], "heads": 2},
            doc="Self-attention output: attention (batch*heads, seq, seq) times the values of "
                "interleaved (seq, batch, heads*3*head_dim) projections; (seq, batch, "
                "heads*head_dim)."))

# ---------------------------------------------------------------- encdec_qk


def _eqk_infer(op, inputs, attrs):
    q, kv = inputs
    h = _heads(op, attrs)
    _ndim3(op, q, "queries should be 3D in seq_length-batch-proj_dim, currently is {}D")
    _ndim3(op, kv, "queries should be 3D in seq_length-batch-2*proj_dim, currently is {}D")
    if q.shape[2] * 2 != kv.shape[2]:
        raise MXNetError(f"{op.name}: keys_values.shape[2] should be equal to queries.shape[2] "
                         f"* 2, currently are: {kv.shape[2]} and {q.shape[2]}")
    if q.shape[1] != kv.shape[1]:
        raise MXNetError(f"{op.name}: queries.shape[1] should be equal to keys_values.shape[1], "
                         f"currently are: {q.shape[1]} and {kv.shape[1]}")
    _per_head(op, "queries", q, h, 1)
    return [((q.shape[1] * h, q.shape[0], kv.shape[0]), _dtype(op, inputs))]


def _eqk_fwd(op, ins, outs, attrs):
    h = int(attrs["heads"])
    (q,) = _split(ins[0], h, 1, (0,))
    (k,) = _split(ins[1], h, 2, (0,))
    sc = _scale(ins[0].dtype, q.shape[-1])
    outs[0][...] = np.matmul(q, k.transpose(0, 2, 1)) * np.asarray(sc, q.dtype)


def _eqk_bwd(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    qx, kvx = ins
    (q,) = _split(qx, h, 1, (0,))
    (k,) = _split(kvx, h, 2, (0,))
    g = _c(dys[0]) * np.asarray(_scale(qx.dtype, q.shape[-1]), q.dtype)
    return [_merge({0: g @ k}, h, 1, qx.dtype),
            _merge({0: g.transpose(0, 2, 1) @ q}, h, 2, kvx.dtype)]


def _eqk_vjp(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    qx, kvx = ins
    q = _split_nd(qx, h, 1)[0]
    k, v = _split_nd(kvx, h, 2)
    g = dys[0] * _scale(qx.dtype, q.shape[-1])
    dq = _merge_nd([nd.batch_dot(g, k)], h)
    dkv = _merge_nd([nd.batch_dot(g, q, transpose_a=True), nd.zeros_like(v)], h)
    return [dq, dkv]


register(Op("_contrib_interleaved_matmul_encdec_qk", ("queries", "keys_values"),
            attrs=(("heads", None),), infer=_eqk_infer, forward=_host(_eqk_fwd),
            backward=_eqk_bwd, vjp=_eqk_vjp,
            test={"shapes": [(3, 2, 4), (4, 2, 8)], "heads": 2},
            doc="Encoder-decoder attention scores: (batch*heads, q_seq, kv_seq) = q k^T / "
                "sqrt(head_dim) from queries (q_seq, batch, heads*head_dim) and interleaved "
                "keys_values (kv_seq, batch, heads*2*head_dim)."))

# ---------------------------------------------------------------- encdec_valatt


def _eva_infer(op, inputs, attrs):
    kv, att = inputs
    h = _heads(op, attrs)
    _ndim3(op, kv, "keys_values should be 3D in seq_length-batch-2*proj_dim, currently is {}D")
    _ndim3(op, att, "attention should be 3D in batch-seq_length-seq_length, currently is {}D")
    if kv.shape[0] != att.shape[2]:
        raise MXNetError(f"{op.name}: keys_values.shape[0] should be equal to attention.shape[2]"
                         f", currently are {kv.shape[0]} and {att.shape[2]}")
    if kv.shape[1] * h != att.shape[0]:
        # MXNet's message prints attention.shape[2] where it means shape[0]; mxnb prints shape[0]
        raise MXNetError(f"{op.name}: attention.shape[0] should be equal to keys_values.shape[1]"
                         f" * heads, currently are: {att.shape[0]} and {kv.shape[1]}")
    _per_head(op, "keys_values", kv, h, 2)
    return [((att.shape[1], kv.shape[1], kv.shape[2] // 2), _dtype(op, inputs))]


def _eva_fwd(op, ins, outs, attrs):
    h = int(attrs["heads"])
    (v,) = _split(ins[0], h, 2, (1,))
    _valatt(v, _c(ins[1]), h, outs[0])


def _eva_bwd(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    kvx, att = ins
    (v,) = _split(kvx, h, 2, (1,))
    dv, datt = _valatt_grads(dys[0], v, _c(att), h)
    return [_merge({1: dv}, h, 2, kvx.dtype), datt.astype(att.dtype, copy=False)]


def _eva_vjp(op, dys, ins, outs, attrs):
    h = int(attrs["heads"])
    kvx, att = ins
    k, v = _split_nd(kvx, h, 2)
    dv, datt = _valatt_grads_nd(dys[0], v, att, h)
    return [_merge_nd([nd.zeros_like(k), dv], h), datt]


register(Op("_contrib_interleaved_matmul_encdec_valatt", ("keys_values", "attention"),
            attrs=(("heads", None),), infer=_eva_infer, forward=_host(_eva_fwd),
            backward=_eva_bwd, vjp=_eva_vjp,
            test={"shapes": [(5, 2, 8), (4, 3, 5)], "heads": 2},
            doc="Encoder-decoder attention output: attention (batch*heads, q_seq, kv_seq) times "
                "the values of interleaved keys_values (kv_seq, batch, heads*2*head_dim); "
                "(q_seq, batch, heads*head_dim)."))

# ---------------------------------------------------------------- SyncBatchNorm


def _sbn_attrs(attrs):
    # BatchNorm's machinery over axis 1 (SyncBatchNorm has no axis attribute).
    return dict(attrs, axis=1)


def _sbn_infer(op, inputs, attrs):
    if attrs.get("key") is None:
        raise MXNetError(f"{op.name}: Required parameter key of string is not presented")
    if len(inputs) and len(inputs[0].shape) < 2:
        raise MXNetError(f"{op.name}: data must have a channel axis 1, got shape "
                         f"{fmt_shape(inputs[0].shape)}")
    return _bn_infer(op, inputs, _sbn_attrs(attrs))


def _sbn_fwd(op, ins, outs, attrs):
    out, mean, var = outs
    a = _sbn_attrs(attrs)
    inv = np.empty(var.shape, np.float64)
    _bn_forward(op, ins, [out, mean, inv], a)
    if attrs["fix_gamma"]:  # MXNet sets gamma to one even under use_global_stats
        ins[1][...] = 1
    attrs["_fwd_train"] = a["_fwd_train"]
    if a["_fwd_train"]:
        var[...] = 1.0 / np.square(inv) - float(attrs["eps"])
    else:  # MXNet leaves them unwritten: zeros
        mean[...] = 0
        var[...] = 0


def _sbn_inv(var, eps):
    return 1.0 / np.sqrt(var.astype(np.float64) + eps)


def _sbn_bwd(op, dys, ins, outs, attrs):
    eps = float(attrs["eps"])
    return _bn_backward(op, dys, ins, [outs[0], outs[1], _sbn_inv(outs[2], eps)],
                        _sbn_attrs(attrs))


def _sbn_vjp(op, dys, ins, outs, attrs):
    inv = nd.rsqrt(outs[2] + float(attrs["eps"]))
    return _bn_vjp(op, dys, ins, [outs[0], outs[1], inv], _sbn_attrs(attrs))


def _bn_test(**attrs):
    # The walk's finite differences run outside training mode: check the global-stats form
    # there (tests/test_contrib_nlp.py checks the training form).
    return {"inputs": lambda rng: [rng.uniform(-2, 2, (2, 3, 2)), rng.uniform(0.5, 2, 3),
                                   rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3),
                                   rng.uniform(0.5, 2, 3)],
            "attrs": dict({"use_global_stats": True, "fix_gamma": False}, **attrs)}


_BN_IN = ("data", "gamma", "beta", "moving_mean", "moving_var")
register(Op("_contrib_SyncBatchNorm", _BN_IN,
            attrs=(("eps", 1e-3), ("momentum", 0.9), ("fix_gamma", True),
                   ("use_global_stats", False), ("output_mean_var", False), ("ndev", 1),
                   ("key", None)),
            infer=_sbn_infer, forward=_host(_sbn_fwd), backward=_sbn_bwd, vjp=_sbn_vjp,
            num_visible=lambda attrs: 3 if attrs["output_mean_var"] else 1,
            nondiff_inputs=(3, 4), test=_bn_test(key="k"),
            doc="Batch normalisation over axis 1, synchronised across `ndev` devices in MXNet "
                "(one process here: plain batch statistics). Extra outputs: mean and biased "
                "variance; moving statistics are updated by the backward pass."))

# ---------------------------------------------------------------- BatchNormWithReLU


def _bnr_fwd(op, ins, outs, attrs):
    _bn_forward(op, ins, outs, attrs)
    np.maximum(outs[0], 0, out=outs[0])


def _bnr_bwd(op, dys, ins, outs, attrs):
    dy = dys[0] * (outs[0] > 0)
    return _bn_backward(op, [dy] + list(dys[1:]), ins, outs, attrs)


def _bnr_vjp(op, dys, ins, outs, attrs):
    g = dys[0] * (outs[0] > 0)
    return _bn_vjp(op, [g] + list(dys[1:]), ins, outs, attrs)


register(Op("_contrib_BatchNormWithReLU", _BN_IN,
            attrs=(("eps", BN_EPS), ("momentum", 0.9), ("fix_gamma", True),
                   ("use_global_stats", False), ("output_mean_var", False), ("axis", 1),
                   ("cudnn_off", False), ("min_calib_range", "None"),
                   ("max_calib_range", "None")),
            infer=_bn_infer, forward=_host(_bnr_fwd), backward=_bnr_bwd, vjp=_bnr_vjp,
            num_visible=lambda attrs: 3 if attrs["output_mean_var"] else 1,
            nondiff_inputs=(3, 4), smooth=False, test=_bn_test(),
            doc="relu(BatchNorm(...)) in one op; BatchNorm's attributes and extra outputs "
                "(mean, inverse std)."))
from . import contrib_hawkes  # noqa: F401,E402  (hawkesll: in its own file for size)
