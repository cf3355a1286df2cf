"""Elementwise ops on mx.gpu() against a device-to-device copy measured in the same run.

Needs a real NVIDIA GPU (skipped under the simulator or without one). Two ways to run it:

    python bench/bench_cuda.py            # a table: time, GB/s, % of the D2D copy bandwidth
    python -m pytest bench/bench_cuda.py --benchmark-enable

Each op is timed with `out=` (the kernel alone) and without (allocation included:
Numba allocates with cudaMalloc, with no caching pool yet). Traffic counts each
element read and written once; the copy's (read + write) bandwidth is the reference
(issue 6 target: at least 80% of it for elementwise ops on 1e8 float32).
"""
import os
import sys
import time

import numpy as np
import pytest

import mxnb as mx
from mxnb.ops import OPS

N = int(float(os.environ.get("MXNB_BENCH_CUDA_N", "1e8")))
REPEAT = 20


def _gpu_ok():
    return os.environ.get("NUMBA_ENABLE_CUDASIM") != "1" and mx.context.num_gpus() > 0


def _setup(n):
    from mxnb.kernels import cuda_launch

    g = mx.gpu(0)
    x = mx.nd.full((n,), 0.5, ctx=g)
    y = mx.nd.full((n,), 1.5, ctx=g)
    row = mx.nd.full((1000,), 0.25, ctx=g)
    out = mx.nd.empty((n,), ctx=g)
    return cuda_launch, x, y, row, out


def cases(n):
    """(name, callable, bytes moved per call) for the ops timed, plus the copy reference."""
    cl, x, y, row, out = _setup(n)
    xm, om = x.reshape((-1, 1000)), out.reshape((-1, 1000))
    sig = OPS["sigmoid"]
    b4 = 4 * n
    return [
        ("d2d copy", lambda: out._data.copy_to_device(x._data), 2 * b4),
        ("exp (out=)", lambda: mx.nd.exp(x, out=out), 2 * b4),
        ("sigmoid (out=)", lambda: mx.nd.sigmoid(x, out=out), 2 * b4),
        ("tanh (out=)", lambda: mx.nd.tanh(x, out=out), 2 * b4),
        ("relu (out=)", lambda: mx.nd.relu(x, out=out), 2 * b4),
        ("x * 2 (out=)", lambda: mx.nd._mul_scalar(x, scalar=2.0, out=out), 2 * b4),
        ("x + y (out=)", lambda: mx.nd.elemwise_add(x, y, out=out), 3 * b4),
        ("x + row, broadcast (out=)", lambda: mx.nd.broadcast_add(xm, row, out=om), 2 * b4),
        ("sigmoid fused backward", lambda: cl.unary_bwd(sig, x._data, x._data, y._data,
                                                        (0.0, 0.0)), 4 * b4),
        ("exp (allocating)", lambda: mx.nd.exp(x), 2 * b4),
        ("x + y (allocating)", lambda: x + y, 3 * b4),
    ]


def _time(fn, sync, repeat=REPEAT):
    fn()
    sync()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def table(n=N):
    from mxnb.kernels import cuda_launch

    from numba import cuda

    rows = []
    copy_bw = None
    for name, fn, nbytes in cases(n):
        t = _time(fn, cuda_launch.synchronize)
        bw = nbytes / t / 1e9
        copy_bw = copy_bw or bw
        rows.append((name, t * 1e3, bw, 100 * bw / copy_bw))
    try:
        name = cuda.get_current_device().name
        name = name.decode() if isinstance(name, bytes) else name
    except AttributeError:  # the simulator has no devices to name
        name = "the CUDA simulator"
    lines = [f"mxnb elementwise on {name}, n = {n:.0e} float32, median of {REPEAT}",
             f"{'op':28s} {'ms':>8s} {'GB/s':>8s} {'% of copy':>10s}"]
    lines += [f"{r[0]:28s} {r[1]:8.3f} {r[2]:8.0f} {r[3]:9.0f}%" for r in rows]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def gpu_cases():
    if not _gpu_ok():
        pytest.skip("needs a real NVIDIA GPU")
    return {name: (fn, nbytes) for name, fn, nbytes in cases(N)}


@pytest.mark.parametrize("name", ["d2d copy", "exp (out=)", "sigmoid (out=)", "tanh (out=)",
                                  "relu (out=)", "x * 2 (out=)", "x + y (out=)",
                                  "x + row, broadcast (out=)", "sigmoid fused backward"])
def test_cuda_elementwise(benchmark, gpu_cases, name):
    from mxnb.kernels import cuda_launch

    fn, nbytes = gpu_cases[name]

    def run():
        fn()
        cuda_launch.synchronize()

    run()
    benchmark.extra_info["bytes"] = nbytes
    benchmark(run)


if __name__ == "__main__":
    if not _gpu_ok():
        print("bench_cuda: no NVIDIA GPU here (or the simulator is on): nothing to time")
        sys.exit(0)
    print(table())
