"""`mx.nd.RNN`: MXNet's fused RNN operator (rnn_relu, rnn_tanh, lstm, gru), written as a
composition of recorded mxnb ops (FullyConnected, split, sigmoid, tanh, where, stack, ...), so
autograd, `create_graph=True` and GPU arrays come for free.

The flat `parameters` vector has MXNet's layout: first every weight, layer by layer and, within
a layer, direction by direction (`i2h` of shape (G*H, in), `h2h` (G*H, P or H), then `h2r`
(P, H) with a projection), then every bias in the same order (`i2h`, `h2h`, each G*H). Gates are
ordered i, f, g, o (LSTM) and r, z, n (GRU), with GRU's candidate
n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) as in cuDNN and MXNet.

`use_sequence_length`, `projection_size` and the LSTM state clips follow cuDNN (MXNet's GPU
path): MXNet 1.9.1's CPU path ignores the first and the clips (oneDNN), or refuses them, and
crashes on a projection. Padded steps give zero outputs and leave the state unchanged, so the
final states are those of each sequence's last valid step; the reverse direction starts at
each sequence's own last step. Dropout `p` acts on every layer's output but the last, in
training mode only, drawn from mxnb's stream (MXNet's oneDNN CPU path ignores it; its native
path uses `rand_r`): not the numbers MXNet draws.

>>> T, N, I, H = 3, 2, 3, 2
>>> x = mx.nd.ones((T, N, I))
>>> params = mx.nd.ones((4 * H * (I + H) + 8 * H,)) * 0.1
>>> h0 = c0 = mx.nd.zeros((1, N, H))
>>> out, hy, cy = mx.nd.RNN(x, params, h0, c0, state_size=H, num_layers=1, mode='lstm',
...                         state_outputs=True)
>>> out.shape, hy.shape, cy.shape
((3, 2, 2), (1, 2, 2), (1, 2, 2))
"""
import numpy as np

from ..base import MXNetError
from . import _api as nd
from .creation import array as _array, zeros as _zeros
from .ndarray import NDArray

__all__ = ["RNN"]

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}
_FLOATS = ("float16", "float32", "float64")


def _attr_str(attrs):
    return ", ".join(f'{k}="{v}"' for k, v in sorted(attrs.items()) if v is not None)


def _as_int(name, v, attrs, kind="int (non-negative)"):
    if v is None:
        raise MXNetError(f"RNN: Required parameter {name} of {kind} is not presented, in "
                         f'operator RNN(name="", {_attr_str(attrs)})')
    try:
        iv = int(v)
    except (TypeError, ValueError):
        raise MXNetError(f"RNN: Invalid Parameter format for {name} expect {kind} but value="
                         f"'{v}', in operator RNN(name=\"\", {_attr_str(attrs)})") from None
    if iv < 0:
        raise MXNetError(f"RNN: value {v} for Parameter {name} should be greater equal to 0")
    return iv


def _as_bool(v):
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1")
    return bool(v)


def _opt_float(v):
    return None if v is None or v == "None" else float(v)


def _parse(state_size, num_layers, bidirectional, mode, p, state_outputs, projection_size,
           clip_min, clip_max, clip_nan, use_sequence_length):
    """MXNet's RNNParam: validated settings, raising MXNet's messages."""
    shown = {"state_size": state_size, "num_layers": num_layers, "mode": mode}
    if mode is not None and mode not in _GATES:
        raise MXNetError(f"RNN: Invalid Input: '{mode}', valid values are: {{'gru', 'lstm', "
                         f"'rnn_relu', 'rnn_tanh'}}, in operator RNN(name=\"\", "
                         f"{_attr_str(shown)})")
    H = _as_int("state_size", state_size, shown)
    L = _as_int("num_layers", num_layers, shown)
    if mode is None:
        raise MXNetError(f"RNN: Required parameter mode of int is not presented, in operator "
                         f'RNN(name="", {_attr_str(shown)})')
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise MXNetError(f"RNN: value {p:g} for Parameter p exceed bound [0,1]")
    P = None if projection_size is None or projection_size == "None" else int(projection_size)
    if P is not None and mode != "lstm":
        raise MXNetError("RNN: Check failed: param_.mode == rnn_enum::kLstm : "
                         "Projection is only supported for LSTM.")
    if P is not None and not 0 < P < H:
        raise MXNetError(f"RNN: Check failed: param_.projection_size.value() < "
                         f"param_.state_size : projection_size ({P}) must be positive and "
                         f"smaller than state_size ({H})")
    return dict(H=H, L=L, D=2 if _as_bool(bidirectional) else 1, mode=mode, G=_GATES[mode],
                p=p, state_outputs=_as_bool(state_outputs), P=P, clip_min=_opt_float(clip_min),
                clip_max=_opt_float(clip_max), clip_nan=_as_bool(clip_nan),
                use_seq=_as_bool(use_sequence_length))


def _layout(cfg, input_size):
    """[(layer, dir, name, offset, shape)] of every tensor in the flat vector, and its size."""
    H, L, D, G, P = cfg["H"], cfg["L"], cfg["D"], cfg["G"], cfg["P"]
    R = P or H
    entries, off = [], 0
    for l in range(L):
        ins = input_size if l == 0 else D * R
        for d in range(D):
            for name, shape in (("i2h_weight", (G * H, ins)), ("h2h_weight", (G * H, R))) + (
                    (("h2r_weight", (P, H)),) if P else ()):
                entries.append((l, d, name, off, shape))
                off += shape[0] * shape[1]
    for l in range(L):
        for d in range(D):
            for name in ("i2h_bias", "h2h_bias"):
                entries.append((l, d, name, off, (G * H,)))
                off += G * H
    return entries, off


def _shape_error(given, want):
    inferred = ",".join(map(str, want)) + ("," if len(want) == 1 else "")  # a Python tuple
    raise MXNetError(f"RNN: Shape inconsistent, Provided = [{','.join(map(str, given))}], "
                     f"inferred shape=({inferred})")


def _inputs(cfg, data, parameters, state, state_cell, sequence_length):
    """Match MXNet's input list (the given arrays, in order) to the op's named inputs."""
    given = [a for a in (data, parameters, state, state_cell, sequence_length) if a is not None]
    for a in given:
        if not isinstance(a, NDArray):
            raise AssertionError(f"Argument must have NDArray type, but got {a}")
    want = 3 + (cfg["mode"] == "lstm") + cfg["use_seq"]
    if len(given) != want:
        raise MXNetError(f"RNN: Check failed: num_inputs == infered_num_inputs ({len(given)} vs."
                         f" {want}) : Operator RNN expects {want} inputs, but got {len(given)} "
                         "instead.")
    data, parameters, state = given[:3]
    cell = given[3] if cfg["mode"] == "lstm" else None
    seq = given[-1] if cfg["use_seq"] else None
    return data, parameters, state, cell, seq


def _check(cfg, data, parameters, state, cell, seq):
    if data.ndim != 3:
        raise MXNetError(f"RNN: Check failed: dshape.ndim() == 3U ({data.ndim} vs. 3) : Input "
                         "data should be rank-3 tensor of dim [sequence length, batch size, "
                         "input size]")
    T, N, I = data.shape
    LD = cfg["L"] * cfg["D"]
    if state.shape != (LD, N, cfg["P"] or cfg["H"]):
        _shape_error(state.shape, (LD, N, cfg["P"] or cfg["H"]))
    if cell is not None and cell.shape != (LD, N, cfg["H"]):
        _shape_error(cell.shape, (LD, N, cfg["H"]))
    if seq is not None and seq.shape != (N,):
        _shape_error(seq.shape, (N,))
    _, size = _layout(cfg, I)  # MXNet infers the states' shapes first
    if parameters.shape != (size,):
        _shape_error(parameters.shape, (size,))
    dt = data.dtype
    if np.dtype(dt).name not in _FLOATS:
        raise MXNetError(f"RNN: This operation only support floating point types, not "
                         f"{np.dtype(dt).name}")
    for nm, a in (("parameters", parameters), ("state", state), ("state_cell", cell)):
        if a is not None and a.dtype != dt:
            raise MXNetError(f"RNN: Check failed: (*in_type)[i] == dtype : This layer requires "
                             f"uniform type. Expected '{np.dtype(dt).name}' v.s. given "
                             f"'{np.dtype(a.dtype).name}' at '{nm}'")


def _weights(cfg, parameters, input_size):
    """{(layer, dir): {name: NDArray}}, each a recorded slice of the flat vector."""
    entries, _ = _layout(cfg, input_size)
    w = {}
    for l, d, name, off, shape in entries:
        n = int(np.prod(shape))
        piece = nd.slice_axis(parameters, axis=0, begin=off, end=off + n)
        w.setdefault((l, d), {})[name] = nd.reshape(piece, shape=shape)
    return w


def _cell_step(cfg, x_t, h, c, w):
    """One step of one direction: (new h, new c) from the projected input x_t = W_i x + b_i."""
    mode, H = cfg["mode"], cfg["H"]
    hw = nd.FullyConnected(h, w["h2h_weight"], w["h2h_bias"], num_hidden=cfg["G"] * H)
    if mode == "rnn_tanh":
        return nd.tanh(x_t + hw), None
    if mode == "rnn_relu":
        return nd.relu(x_t + hw), None
    if mode == "gru":
        xr, xz, xn = nd.split(x_t, num_outputs=3, axis=1)
        hr, hz, hn = nd.split(hw, num_outputs=3, axis=1)
        r = nd.sigmoid(xr + hr)
        z = nd.sigmoid(xz + hz)
        n = nd.tanh(xn + r * hn)
        return (1 - z) * n + z * h, None
    i, f, g, o = nd.split(x_t + hw, num_outputs=4, axis=1)
    c = nd.sigmoid(f) * c + nd.sigmoid(i) * nd.tanh(g)
    c = _clip_state(cfg, c)
    h = nd.sigmoid(o) * nd.tanh(c)
    if cfg["P"]:
        h = nd.FullyConnected(h, w["h2r_weight"], no_bias=True, num_hidden=cfg["P"])
    return h, c


def _clip_state(cfg, c):
    """cuDNN's cell clip, with the bounds exact in the data's dtype (a float64 state is not
    clipped at float32(bound)); NaN passes unless `lstm_state_clip_nan`, which sends it to the
    lower bound as fmin(fmax(c, lo), hi) does."""
    lo, hi = cfg["clip_min"], cfg["clip_max"]
    if lo is None and hi is None:
        return c
    lo = -np.inf if lo is None else lo
    hi = np.inf if hi is None else hi
    lo_a = _array(np.full(c.shape, lo, c.dtype), ctx=c.context, dtype=c.dtype)
    hi_a = _array(np.full(c.shape, hi, c.dtype), ctx=c.context, dtype=c.dtype)
    # comparisons are false on NaN, so these keep it
    c = nd.where(c < lo_a, lo_a, c)
    c = nd.where(c > hi_a, hi_a, c)
    if cfg["clip_nan"]:
        c = nd.where(c == c, c, lo_a)
    return c


def _direction(cfg, xs, h, c, w, reverse, masks, zeros):
    """Run one direction over the projected inputs xs[t]; outputs in time order."""
    T = len(xs)
    ys = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        h_new, c_new = _cell_step(cfg, xs[t], h, c, w)
        if masks is None:
            h, c = h_new, c_new
            ys[t] = h
        else:
            # padded steps keep the state and output zeros (cuDNN's padded layout)
            h = nd.where(masks[t], h_new, h)
            if c is not None:
                c = nd.where(masks[t], c_new, c)
            ys[t] = nd.where(masks[t], h, zeros)
    return ys, h, c


def _time_split(x, T):
    parts = nd.split(x, num_outputs=T, axis=0, squeeze_axis=True)
    return [parts] if T == 1 else list(parts)


def _seq_masks(seq, T, dtype, ctx):
    lengths = seq.asnumpy().astype(np.int64)
    if lengths.size and (lengths.min() < 0 or lengths.max() > T):
        raise MXNetError(f"RNN: sequence_length values must lie in [0, {T}], got "
                         f"{lengths.tolist()}")
    steps = np.arange(T)[:, None] < lengths[None, :]
    return [_array(steps[t].astype(dtype), ctx=ctx, dtype=dtype) for t in range(T)]


def _forward(cfg, data, parameters, state, cell, seq):
    T, N, I = data.shape
    H, L, D, G, P = cfg["H"], cfg["L"], cfg["D"], cfg["G"], cfg["P"]
    w = _weights(cfg, parameters, I)
    masks = zeros = None
    if seq is not None:
        masks = _seq_masks(seq, T, data.dtype, data.context)
        zeros = _zeros((N, P or H), ctx=data.context, dtype=data.dtype)
    x, hys, cys = data, [], []
    for l in range(L):
        if l > 0 and cfg["p"] > 0:
            x = nd.Dropout(x, p=cfg["p"])
        outs = []
        for d in range(D):
            k = l * D + d
            wd = w[(l, d)]
            xw = nd.FullyConnected(x, wd["i2h_weight"], wd["i2h_bias"], num_hidden=G * H,
                                   flatten=False)
            h0 = nd.reshape(nd.slice_axis(state, axis=0, begin=k, end=k + 1), shape=(N, P or H))
            c0 = None if cell is None else nd.reshape(
                nd.slice_axis(cell, axis=0, begin=k, end=k + 1), shape=(N, H))
            ys, h, c = _direction(cfg, _time_split(xw, T), h0, c0, wd, d == 1, masks, zeros)
            outs.append(nd.stack(*ys, axis=0))
            hys.append(h)
            cys.append(c)
        x = outs[0] if D == 1 else nd.concat(*outs, dim=2)
    if not cfg["state_outputs"]:
        return [x]
    res = [x, nd.stack(*hys, axis=0)]
    if cfg["mode"] == "lstm":
        res.append(nd.stack(*cys, axis=0))
    return res


def RNN(data=None, parameters=None, state=None, state_cell=None, sequence_length=None,
        state_size=None, num_layers=None, bidirectional=False, mode=None, p=0.0,
        state_outputs=False, projection_size=None, lstm_state_clip_min=None,
        lstm_state_clip_max=None, lstm_state_clip_nan=False, use_sequence_length=False,
        out=None, name=None, **kwargs):
    """MXNet's fused recurrent layer: `out` of shape (T, N, D*H) (D*P with a projection), and
    with `state_outputs=True` also the final hidden states (L*D, N, H or P) and, for LSTM, the
    final cells (L*D, N, H).

    >>> x, h0 = mx.nd.ones((4, 1, 2)), mx.nd.zeros((1, 1, 3))
    >>> y = mx.nd.RNN(x, mx.nd.ones((21,)) * 0.1, h0, state_size=3, num_layers=1,
    ...               mode='rnn_tanh')
    >>> y.shape
    (4, 1, 3)
    """
    cfg = _parse(state_size, num_layers, bidirectional, mode, p, state_outputs,
                 projection_size, lstm_state_clip_min, lstm_state_clip_max,
                 lstm_state_clip_nan, use_sequence_length)
    data, parameters, state, cell, seq = _inputs(cfg, data, parameters, state, state_cell,
                                                 sequence_length)
    _check(cfg, data, parameters, state, cell, seq)
    res = _forward(cfg, data, parameters, state, cell, seq)
    if out is not None:
        targets = out if isinstance(out, (list, tuple)) else [out]
        for o, r in zip(targets, res):
            o[:] = r
        return out
    return res[0] if len(res) == 1 else res
