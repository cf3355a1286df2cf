"""mx.nd.RNN on mx.gpu(): the composed ops run on the device (or their own host fallback) and
give the CPU's numbers and gradients, sequence lengths and clips included (tiny sizes)."""
import numpy as np
import pytest

import mxnb as mx

T, N, I, H = 2, 2, 2, 1


def _run(ctx, mode, D, extra):
    rng = np.random.RandomState(0)
    G = {"lstm": 4, "gru": 3, "rnn_tanh": 1}[mode]
    n = D * (G * H * (I + H) + 2 * G * H)
    hosts = [rng.uniform(-1, 1, (T, N, I)), rng.uniform(-1, 1, n), rng.uniform(-1, 1, (D, N, H))]
    if mode == "lstm":
        hosts.append(rng.uniform(-1, 1, (D, N, H)))
    xs = [mx.nd.array(h, ctx=ctx, dtype="float64") for h in hosts]
    for x in xs:
        x.attach_grad()
    kw = dict(extra)
    args = list(xs)
    if kw.pop("lengths", None):
        args.append(mx.nd.array([2, 1], ctx=ctx, dtype="int32"))
        kw["use_sequence_length"] = True
    with mx.autograd.record():
        outs = mx.nd.RNN(*args, state_size=H, num_layers=1, bidirectional=D == 2, mode=mode,
                         state_outputs=True, **kw)
    mx.autograd.backward(outs, [mx.nd.ones_like(o) for o in outs])
    return [o.asnumpy() for o in outs], [x.grad.asnumpy() for x in xs]


@pytest.mark.parametrize("mode,D,extra", [
    ("lstm", 2, dict(lengths=True, lstm_state_clip_min=-0.3, lstm_state_clip_max=0.3)),
    ("gru", 1, {}),
    ("rnn_tanh", 2, dict(lengths=True)),
])
def test_rnn_gpu_matches_cpu(mode, D, extra):
    outs_c, grads_c = _run(mx.cpu(), mode, D, extra)
    outs_g, grads_g = _run(mx.gpu(0), mode, D, extra)
    for a, b in zip(outs_g + grads_g, outs_c + grads_c):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
