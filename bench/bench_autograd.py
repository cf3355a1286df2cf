"""Autograd: forward plus backward through record()/backward(), beside NumPy in the same run.

* `sigmoid(x) * exp(x) + x` at 1e2 and 1e6 float32 elements: mxnb's recorded
  forward and backward against NumPy's forward plus a hand-written backward
  (issue 3 target at 1e6: mxnb at least 2x faster).
* A chain of 20 elementwise ops at 100 elements, reported as µs per op,
  forward plus backward (target: at most 4 µs per op; MXNet 1.9.1 measured
  about 26 µs on the same kind of machine). NumPy's forward alone for the same
  chain is measured beside it as a reference for the machine's speed.
* The engine alone: the same chain's backward() only, and record() overhead
  (recorded forward minus plain forward).

Run: python -m pytest bench/bench_autograd.py --benchmark-enable --benchmark-group-by=group
"""
import numpy as np
import pytest

import mxnb as mx

nd = mx.nd
ag = mx.autograd
SIZES = [100, 1_000_000]


def _x(n):
    return np.random.RandomState(0).uniform(-2, 2, n).astype(np.float32)


# ---------------------------------------------------------------- sigmoid(x) * exp(x) + x


def _mxnb_step(x):
    with ag.record():
        y = nd.sigmoid(x) * nd.exp(x) + x
    y.backward()
    return x.grad


def _numpy_step(x):
    s = 1 / (1 + np.exp(-x))
    e = np.exp(x)
    y = s * e + x
    g = np.ones_like(y)                   # the head gradient, as backward() uses
    se = s * e
    gx = g * se * (1 - s) + g * se + g    # d/dx of s*e + x by the chain rule
    return y, gx


@pytest.mark.parametrize("n", SIZES)
def test_fwd_bwd_mxnb(benchmark, n):
    benchmark.group = f"sigmoid(x)*exp(x)+x fwd+bwd n={n}"
    x = nd.array(_x(n))
    x.attach_grad()
    _mxnb_step(x)
    ref = _numpy_step(x.asnumpy().astype(np.float64))[1]
    np.testing.assert_allclose(x.grad.asnumpy(), ref, rtol=1e-5, atol=1e-6)
    benchmark(_mxnb_step, x)


@pytest.mark.parametrize("n", SIZES)
def test_fwd_bwd_numpy(benchmark, n):
    benchmark.group = f"sigmoid(x)*exp(x)+x fwd+bwd n={n}"
    benchmark(_numpy_step, _x(n))


# ---------------------------------------------------------------- a chain of 20 ops at n=100

CHAIN = 20


def _chain_mxnb(x):
    y = x
    for i in range(CHAIN // 4):
        y = nd.sigmoid(y)
        y = y * 1.5
        y = nd.tanh(y)
        y = y + 0.25
    return y


def _chain_numpy(x):
    y = x
    for i in range(CHAIN // 4):
        y = 1 / (1 + np.exp(-y))
        y = y * np.float32(1.5)
        y = np.tanh(y)
        y = y + np.float32(0.25)
    return y


def _per_op(benchmark):
    benchmark.extra_info["us_per_op"] = benchmark.stats.stats.median * 1e6 / CHAIN


def test_chain_fwd_bwd_mxnb(benchmark):
    benchmark.group = "chain of 20 ops, n=100 (divide by 20 for us/op)"
    x = nd.array(_x(100))
    x.attach_grad()

    def step():
        with ag.record():
            y = _chain_mxnb(x)
        y.backward()

    step()
    benchmark(step)
    _per_op(benchmark)


def test_chain_fwd_plain_mxnb(benchmark):
    benchmark.group = "chain of 20 ops, n=100 (divide by 20 for us/op)"
    x = nd.array(_x(100))
    _chain_mxnb(x)
    benchmark(_chain_mxnb, x)
    _per_op(benchmark)


def test_chain_fwd_recorded_mxnb(benchmark):
    benchmark.group = "chain of 20 ops, n=100 (divide by 20 for us/op)"
    x = nd.array(_x(100))
    x.attach_grad()

    def step():
        with ag.record():
            return _chain_mxnb(x)

    step()
    benchmark(step)
    _per_op(benchmark)


def test_chain_bwd_only_mxnb(benchmark):
    benchmark.group = "chain of 20 ops, n=100 (divide by 20 for us/op)"
    x = nd.array(_x(100))
    x.attach_grad()

    def setup():
        with ag.record():
            y = _chain_mxnb(x)
        return (y,), {}

    benchmark.pedantic(lambda y: y.backward(), setup=setup, rounds=2000, warmup_rounds=50)
    _per_op(benchmark)


def test_chain_fwd_numpy(benchmark):
    benchmark.group = "chain of 20 ops, n=100 (divide by 20 for us/op)"
    benchmark(_chain_numpy, _x(100))
    _per_op(benchmark)
