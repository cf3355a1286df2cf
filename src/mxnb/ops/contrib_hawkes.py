"""`_contrib_hawkesll`: the log-likelihood of K independent univariate Hawkes processes with
exponential kernels, observed as left-aligned ragged sequences (MXNet 1.9.1's hawkesll).

Intensity of mark k: lda_k + alpha_k * beta_k * sum_{t_i < t, y_i = k} exp(-beta_k (t - t_i)).
Outputs: the log-likelihood per sample on (0, max_time] (N,), and the state
s_k(max_time) = sum_{t_i} exp(-beta_k (max_time - t_i)) (+ the decayed input state), (N, K).

Gradients, as MXNet's: lda, alpha and beta get them; the input state gets none (MXNet
returns zeros for it), nor do lags, marks, valid_length and max_time (MXNet refuses to
compute those). One deliberate difference: MXNet's backward ignores the head gradient of the
state output; mxnb adds its contribution to beta's gradient (d state / d beta), so
`ll.backward()` gives MXNet's numbers and a loss that uses the state gets the true gradient.

The forward and fused backward are Numba kernels (kernels/hawkes_kernels.py) in float64 on
the host; the VJP replays the recurrence in mxnb ops (vectorised over samples and marks, one
step per sequence position), so gradients of any order work.

>>> ll, s = mx.nd.contrib.hawkesll(mx.nd.ones((1, 1)), mx.nd.array([0.5]), mx.nd.array([1.]),
...                                mx.nd.zeros((1, 1)), mx.nd.array([[1.]]),
...                                mx.nd.array([[0]], dtype='int32'), mx.nd.array([1.]),
...                                mx.nd.array([2.]))
>>> round(float(ll.asscalar()), 5), round(float(s.asnumpy()[0, 0]), 5)
(-2.31606, 0.36788)
"""

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_IN = ("lda", "alpha", "beta", "state", "lags", "marks", "valid_length", "max_time")
_NDIM = (2, 1, 1, 2, 2, 2, 1, 1)
_K = []


def _kernels():
    if not _K:
        from ..kernels import hawkes_kernels

        _K.append(hawkes_kernels)
    return _K[0]


def _infer(op, inputs, attrs):
    if len(inputs) != 8:
        raise MXNetError(f"{op.name}: expects 8 inputs ({', '.join(_IN)}), got {len(inputs)}")
    shapes = [tuple(a.shape) for a in inputs]
    for name, shp, nd_ in zip(_IN, shapes, _NDIM):
        if len(shp) != nd_:
            raise MXNetError(f"{op.name}: {name} must be {nd_}-D, got shape {fmt_shape(shp)}")
    n, t = shapes[4]
    k = shapes[0][1]
    want = ((n, k), (k,), (k,), (n, k), (n, t), (n, t), (n,), (n,))
    for name, shp, w in zip(_IN, shapes, want):
        if shp != w:
            raise MXNetError(f"{op.name}: Shape inconsistent, {name} has shape {fmt_shape(shp)}, "
                             f"expected {fmt_shape(w)} (N={n} samples, T={t} points, K={k} "
                             "marks)")
    dt = np.dtype(inputs[0].dtype)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: lda must be floating point, got {dt.name}")
    for i, (name, a) in enumerate(zip(_IN, inputs)):
        want_dt = np.dtype(np.int32) if name == "marks" else dt
        if np.dtype(a.dtype) != want_dt:
            raise MXNetError(f"{op.name}: Type inconsistent at {name}, Provided = "
                             f"{np.dtype(a.dtype).name}, inferred type = {want_dt.name}")
    return [((n,), dt), ((n, k), dt)]


def _prepare(op, ins):
    """float64 C-contiguous copies, and the number of valid points per sample."""
    mu, alpha, beta, state, lags, marks, vl, mt = ins
    f = [np.ascontiguousarray(a, dtype=np.float64) for a in (mu, alpha, beta, state, lags, mt)]
    n, t = lags.shape
    k = mu.shape[1]
    # MXNet loops `j < valid_length[i]`: a fractional length counts its last partial point.
    counts = np.ceil(np.asarray(vl, np.float64)).clip(0, None).astype(np.int64)
    if n and counts.max() > t:
        raise MXNetError(f"{op.name}: valid_length must be at most T = {t} (the length of lags), "
                         f"got {float(np.max(vl))}")
    m = np.ascontiguousarray(marks, dtype=np.int32)
    valid = np.arange(t)[None, :] < counts[:, None]
    if valid.any() and (m[valid].min() < 0 or m[valid].max() >= k):
        raise MXNetError(f"{op.name}: marks must lie in [0, K) = [0, {k}), got values from "
                         f"{m[valid].min()} to {m[valid].max()}")
    return f[:4], f[4], m, counts, f[5]


def _forward(op, ins, outs, attrs):
    (mu, alpha, beta, state), lags, marks, counts, mt = _prepare(op, ins)
    n, k = mu.shape
    ll = np.empty(n)
    sout = np.empty((n, k))
    _kernels().hawkes_forward(mu, alpha, beta, state, lags, marks, counts, mt, ll, sout,
                              np.empty((n, k)))
    outs[0][...] = ll
    outs[1][...] = sout


def _backward(op, dys, ins, outs, attrs):
    (mu, alpha, beta, state), lags, marks, counts, mt = _prepare(op, ins)
    n, k = mu.shape
    g = [np.empty((n, k)) for _ in range(7)]
    _kernels().hawkes_backward(mu, alpha, beta, state, lags, marks, counts, mt, *g)
    gmu, galpha, gbeta, dsout = g[:4]
    g0 = np.asarray(dys[0], np.float64)[:, None]
    g1 = np.asarray(dys[1], np.float64)
    dt = ins[0].dtype
    return [(g0 * gmu).astype(dt), (g0 * galpha).sum(0).astype(dt),
            (g0 * gbeta + g1 * dsout).sum(0).astype(dt), None, None, None, None, None]


def _steps(lags, marks, counts, max_time, k):
    """The parameter-free part of the recurrence: for each position j, the (N, K) mask of the
    mark hit by each sample's point j and the time since that mark's previous point; then the
    time from each mark's last point to max_time."""
    n = lags.shape[0]
    rows = np.arange(n)
    t = np.zeros(n)
    last = np.zeros((n, k))
    steps = []
    for j in range(int(counts.max()) if n else 0):
        live = counts > j
        t = t + np.where(live, lags[:, j], 0.0)
        oh = np.zeros((n, k))
        dd = np.zeros((n, k))
        c = marks[:, j].clip(0, k - 1)
        oh[rows[live], c[live]] = 1.0
        dd[rows[live], c[live]] = t[live] - last[rows[live], c[live]]
        last[rows[live], c[live]] = t[live]
        steps.append((oh, dd))
    return steps, max_time[:, None] - last


def _const(a, like):
    return NDArray(np.ascontiguousarray(a, dtype=np.dtype(like.dtype)), like.context)


def _vjp(op, dys, ins, outs, attrs):
    mu, alpha, beta, state = ins[:4]
    host = [x.asnumpy() for x in ins]
    _, lags, marks, counts, mt = _prepare(op, host)
    steps, dfin = _steps(lags, marks, counts, mt, mu.shape[1])
    s = state
    ds = nd.zeros_like(state)
    gmu = galpha = gbeta = nd.zeros_like(mu)
    for oh_np, d_np in steps:
        oh, d = _const(oh_np, mu), _const(d_np, mu)
        e = nd.exp(beta * d * -1.0)
        bse = beta * s * e
        lam = mu + alpha * bse
        r = oh / (lam * oh + (1.0 - oh))  # 1 / lam where the mark is hit, 0 elsewhere
        gmu = gmu + r - oh * d
        galpha = galpha + r * bse - oh * s * (1.0 - e)
        gbeta = (gbeta + r * alpha * e * (s * (1.0 - beta * d) + beta * ds)
                 - oh * alpha * (ds * (1.0 - e) + s * d * e))
        ds, s = ds + oh * (e * (ds - d * s) - ds), s + oh * (1.0 + s * e - s)
    d = _const(dfin, mu)
    e = nd.exp(beta * d * -1.0)
    gmu = gmu - d
    galpha = galpha - s * (1.0 - e)
    gbeta = gbeta - alpha * (ds * (1.0 - e) + s * d * e)
    dsout = e * (ds - d * s)
    g0 = nd.reshape(dys[0], shape=(-1, 1))
    return [g0 * gmu, nd.sum(g0 * galpha, axis=0), nd.sum(g0 * gbeta + dys[1] * dsout, axis=0),
            None, None, None, None, None]


def _test_inputs(rng):
    n, t, k = 2, 3, 2
    lags = rng.uniform(0.1, 0.6, (n, t))
    return [rng.uniform(0.5, 1.5, (n, k)), rng.uniform(0.1, 0.6, k), rng.uniform(0.5, 2.0, k),
            rng.uniform(0.0, 0.5, (n, k)), lags, np.array([[0, 1, 0], [1, 1, 0]], np.int32),
            np.array([3.0, 2.0]), lags.sum(1) + 0.5]


register(Op("_contrib_hawkesll", _IN, infer=_infer, forward=_host(_forward),
            backward=_backward, vjp=_vjp, num_outputs=2, nondiff_inputs=(3, 4, 5, 6, 7),
            test={"skip": "marks must be int32 (as in MXNet) and the walk casts every input to "
                          "float64; tests/test_contrib_nlp.py checks the gradients to order 2 "
                          "from _test_inputs"},
            doc="Log-likelihood of K univariate Hawkes processes with exponential kernels "
                "(background lda (N, K), branching ratio alpha (K,), decay beta (K,)) on "
                "ragged sequences of interarrival times `lags` and `marks` (N, T); outputs the "
                "log-likelihood (N,) and the final state (N, K)."))

