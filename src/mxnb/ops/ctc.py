"""The CTC loss: `CTCLoss` (aliases `ctc_loss`, `contrib.CTCLoss`, `contrib.ctc_loss`).

MXNet 1.9.1's conventions, checked against it:

* data (T, N, C) holds activations before the softmax; the op applies it.
* blank_label='first': class 0 is the blank, labels are 1..C-1 and a label row
  ends at its first 0. 'last': class C-1 is the blank, labels are 0..C-2 and a
  row ends at its first -1. use_label_lengths=True takes the lengths from
  `label_lengths` instead; use_data_lengths=True takes each item's number of
  time steps from `data_lengths` (later steps get a zero gradient).
* The loss of an item whose label cannot fit (length + repeats > time steps)
  is 0, with a zero gradient, as MXNet gives.
* The gradient with respect to data is computed with the loss (a hidden second
  output, as MXNet keeps it) and scaled by the loss's head gradient.

mxnb also accepts float64 (MXNet 1.9.1 computes float32 only) and rejects label
values outside [0, C), which MXNet reads out of bounds [FIX]. The gradient is
first-order only: differentiating it again raises.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_BLANKS = ("first", "last")


def _parts(op, inputs, attrs):
    """(data, label, data_lengths or None, label_lengths or None) from the given inputs."""
    want = 2 + bool(attrs["use_data_lengths"]) + bool(attrs["use_label_lengths"])
    if len(inputs) != want:
        names = ["data", "label"] + (["data_lengths"] if attrs["use_data_lengths"] else []) + (
            ["label_lengths"] if attrs["use_label_lengths"] else [])
        raise MXNetError(f"{op.name}: Operator {op.name} expects {want} inputs, but got "
                         f"{len(inputs)} instead ({', '.join(names)} with use_data_lengths="
                         f"{bool(attrs['use_data_lengths'])} and use_label_lengths="
                         f"{bool(attrs['use_label_lengths'])})")
    rest = list(inputs[2:])
    dl = rest.pop(0) if attrs["use_data_lengths"] else None
    ll = rest.pop(0) if attrs["use_label_lengths"] else None
    return inputs[0], inputs[1], dl, ll


def _infer(op, inputs, attrs):
    x, label, dl, ll = _parts(op, inputs, attrs)
    if attrs["blank_label"] not in _BLANKS:
        raise MXNetError(f"{op.name}: Invalid Input: '{attrs['blank_label']}', valid values are: "
                         "{'first', 'last'} (argument blank_label)")
    if x.ndim != 3:
        raise MXNetError(f"{op.name}: The number of dimensions of data array must be 3 (time, "
                         f"batch, alphabet), got {fmt_shape(x.shape)}")
    if label.ndim != 2:
        raise MXNetError(f"{op.name}: The label array must be 2-D (batch, max label length), "
                         f"got {fmt_shape(label.shape)}")
    if label.shape[0] != x.shape[1]:
        raise MXNetError(f"{op.name}: The batch size for the labels and data arrays must be the "
                         f"same (data {fmt_shape(x.shape)}, label {fmt_shape(label.shape)})")
    if label.shape[1] > x.shape[0]:
        raise MXNetError(f"{op.name}: The max number of labels cannot exceed the maximum "
                         f"sequence length of the data (label {fmt_shape(label.shape)}, data "
                         f"{fmt_shape(x.shape)})")
    for name, a in (("data lengths", dl), ("label lengths", ll)):
        if a is not None and tuple(a.shape) != (x.shape[1],):
            raise MXNetError(f"{op.name}: The batch size for the data and {name} must be the "
                             f"same (data {fmt_shape(x.shape)}, {name} {fmt_shape(a.shape)})")
    dt = np.dtype(x.dtype)
    if dt not in (_F32, _F64):
        raise MXNetError(f"{op.name}: data must be float32 (or float64), got {dt.name}")
    return [((x.shape[1],), dt), (tuple(x.shape), dt)]


def _lengths(op, attrs, x, label, dl, ll):
    """(flat int labels, offsets, label lengths, time lengths, blank)."""
    Tm, N, C = x.shape
    first = attrs["blank_label"] == "first"
    blank = 0 if first else C - 1
    lab = np.asarray(label).astype(np.int64)
    if ll is not None:
        lens = np.asarray(ll).astype(np.int64)
        if (lens < 0).any() or (lens > lab.shape[1]).any():
            raise MXNetError(f"{op.name}: label_lengths {lens.tolist()} must lie in [0, "
                             f"{lab.shape[1]}] (label {fmt_shape(lab.shape)})")
    else:
        pad = 0 if first else -1
        hit = lab == pad
        lens = np.where(hit.any(1), hit.argmax(1), lab.shape[1]).astype(np.int64)
    if dl is not None:
        tl = np.asarray(dl).astype(np.int64)
        if (tl < 0).any() or (tl > Tm).any():
            raise MXNetError(f"{op.name}: data_lengths {tl.tolist()} must lie in [0, {Tm}] "
                             f"(data {fmt_shape(x.shape)})")
    else:
        tl = np.full(N, Tm, np.int64)
    flat = np.concatenate([lab[n, :lens[n]] for n in range(N)]) if N else lab.reshape(-1)
    if flat.size and (flat.min() < 0 or flat.max() >= C):
        raise MXNetError(f"{op.name}: label values must lie in [0, {C}) for an alphabet of {C} "
                         f"(blank_label='{attrs['blank_label']}'), got {flat.min()}..{flat.max()}")
    off = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    return np.ascontiguousarray(flat), off, lens, tl, blank


def _forward(op, ins, outs, attrs):
    x, label, dl, ll = _parts(op, ins, attrs)
    flat, off, lens, tl, blank = _lengths(op, attrs, x, label, dl, ll)
    Tm, N, C = x.shape
    acts = np.ascontiguousarray(x).reshape(-1)
    lp = np.zeros(acts.size, x.dtype)
    costs = np.zeros(N, x.dtype)
    grads = np.zeros(acts.size, x.dtype)
    if N and C:
        from ..kernels import ctc_kernels

        work = Tm * N * (C + 2 * label.shape[1] + 1)
        ctc_kernels.run(x.dtype, work, acts, lp, flat, off, lens, tl, N, C, blank, costs, grads)
    outs[0][...] = costs
    outs[1][...] = grads.reshape(x.shape)


def _scale(dy, grad):
    return dy.reshape(1, -1, 1) * grad


def _backward(op, dys, ins, outs, attrs):
    return [_scale(dys[0], outs[1])] + [None] * (len(ins) - 1)


def _vjp(op, dys, ins, outs, attrs):
    return [nd._ctc_loss_backward(dys[0], outs[1])] + [None] * (len(ins) - 1)


def _ctc_inputs(rng):
    return [rng.uniform(-2, 2, (5, 2, 4)), np.array([[1, 2], [3, 0]], np.float64)]


register(Op("CTCLoss", ("data", "label", "data_lengths", "label_lengths"),
            aliases=("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss"),
            attrs=(("use_data_lengths", False), ("use_label_lengths", False),
                   ("blank_label", "first")),
            infer=_infer, forward=_host(_forward), backward=_backward, vjp=_vjp,
            nondiff_inputs=(1, 2, 3), optional_inputs=("data_lengths", "label_lengths"),
            num_visible=lambda attrs: 1,
            test={"inputs": _ctc_inputs, "wrt": [0], "order": 1},
            doc="""Connectionist Temporal Classification loss, one value per batch item.

data (T, N, C) holds unnormalised activations; label (N, L) the label rows,
padded with 0 (blank_label='first', blank = class 0) or -1 ('last', blank =
class C - 1). The gradient with respect to data is first-order only.

>>> mx.nd.ctc_loss(mx.nd.zeros((2, 1, 3)), mx.nd.array([[1]]))
[1.0986123]"""))


def _cb_infer(op, inputs, attrs):
    dy, g = inputs
    if g.ndim != 3 or tuple(dy.shape) != (g.shape[1],):
        raise MXNetError(f"{op.name}: head gradient {fmt_shape(dy.shape)} does not match the CTC "
                         f"gradient {fmt_shape(g.shape)}")
    return [(g.shape, np.dtype(g.dtype))]


def _first_order_only(op, dys, ins, outs, attrs):
    raise MXNetError(f"Operator {op.name} is non-differentiable: mxnb gives the CTC loss "
                     "first-order gradients only")


register(Op("_ctc_loss_backward", ("grad", "ctc_grad"), infer=_cb_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(outs[0], _scale(*ins))),
            vjp=_first_order_only, nondiff_inputs=(1,),
            test={"skip": "first-order only: its VJP raises (tests/test_ctc.py checks that)"},
            doc="The CTC loss's data gradient: the saved gradient times the head gradient."))
