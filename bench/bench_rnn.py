"""mx.nd.RNN: a 1-layer LSTM (T=35, N=32, I=H=200, float32), recorded forward plus backward
through autograd, and the forward alone outside record(); beside a NumPy forward of the same
LSTM (one input gemm, then per step one gemm and the gate math) in the same run.

Measured on the 2-core box (ms, min): NumPy forward 16-22, mxnb forward 21-24. Before
`mxnb._blas` the mxnb forward took 395-470: every step alternates a threaded OpenBLAS gemm with
parallel (OpenMP) gate kernels, and the gemm's idle threads, still spinning, starved the gate
kernels; now parallel kernels run serially for 0.1 s after such a gemm (`MXNB_BLAS_SPIN_S`).

Run: python -m pytest bench/bench_rnn.py --benchmark-enable --benchmark-group-by=group
"""
import numpy as np

import mxnb as mx

T, N, I, H = 35, 32, 200, 200


def _inputs():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (T, N, I)).astype(np.float32)
    w = rng.uniform(-0.07, 0.07, 4 * H * (I + H) + 8 * H).astype(np.float32)
    h = np.zeros((1, N, H), np.float32)
    return x, w, h, h.copy()


def _lstm(x, w, h, c):
    return mx.nd.RNN(x, w, h, c, state_size=H, num_layers=1, mode="lstm", state_outputs=True)


def _sig(v):
    return 1 / (1 + np.exp(-v))


def numpy_lstm(x, w, h, c):
    """The NumPy forward: out, hy, cy of a 1-layer LSTM in MXNet's parameter layout."""
    G = 4 * H
    wx = w[:G * I].reshape(G, I)
    wh = w[G * I:G * (I + H)].reshape(G, H)
    bx, bh = w[G * (I + H):G * (I + H + 1)], w[G * (I + H + 1):]
    xw = (x.reshape(T * N, I) @ wx.T + (bx + bh)).reshape(T, N, G)
    h, c = h[0], c[0]
    out = np.empty((T, N, H), x.dtype)
    for t in range(T):
        g = xw[t] + h @ wh.T
        c = _sig(g[:, H:2 * H]) * c + _sig(g[:, :H]) * np.tanh(g[:, 2 * H:3 * H])
        h = _sig(g[:, 3 * H:]) * np.tanh(c)
        out[t] = h
    return out, h[None], c[None]


def test_lstm_fwd_bwd_mxnb(benchmark):
    benchmark.group = "LSTM T=35 N=32 I=H=200"
    arrs = [mx.nd.array(a) for a in _inputs()]
    for a in arrs:
        a.attach_grad()

    def step():
        with mx.autograd.record():
            out, hy, cy = _lstm(*arrs)
        out.backward()
        return arrs[1].grad.wait_to_read()

    step()
    benchmark(step)


def test_lstm_fwd_mxnb(benchmark):
    benchmark.group = "LSTM T=35 N=32 I=H=200"
    arrs = [mx.nd.array(a) for a in _inputs()]
    ref = numpy_lstm(*_inputs())
    np.testing.assert_allclose(_lstm(*arrs)[0].asnumpy(), ref[0], rtol=1e-4, atol=1e-5)
    benchmark(lambda: _lstm(*arrs)[0].wait_to_read())


def test_lstm_fwd_numpy(benchmark):
    benchmark.group = "LSTM T=35 N=32 I=H=200"
    args = _inputs()
    benchmark(numpy_lstm, *args)


def test_lstm_shapes():
    out, hy, cy = _lstm(*[mx.nd.array(a) for a in _inputs()])
    assert out.shape == (T, N, H) and hy.shape == cy.shape == (1, N, H)
