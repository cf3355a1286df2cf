"""Timings of mxnb on a real NVIDIA GPU beside CuPy and PyTorch on the same card, as one table.

Run by `bench/gpu_check.sh` on a lent H100/H200 (or by hand):

    python bench/gpu_check.py                  # the issue-6 targets, full sizes
    python bench/gpu_check.py --small          # tiny sizes: a dry run (also under the simulator)

Rows (median of several timed calls after a warm-up, each ended by a device synchronize):
elementwise exp and add on 1e8 float32 against a device-to-device copy of the same arrays
(target: at least 80% of the copy's bandwidth); FullyConnected 4096^3 float32 against CuPy's
and PyTorch's matmul (cuBLAS, TF32 off; target: at least 25%) for a few gemm tile shapes;
uniform fill of 1e8 float32 on the GPU against mxnb's own CPU fill (target: at least 10x);
and, for information, sum, softmax, Pooling and Convolution beside PyTorch.
"""
import argparse
import os
import sys
import time

import numpy as np

import mxnb as mx

TILES = ("16,16,8,8,8", "16,16,8,8,16", "16,8,8,8,8")


def _median_time(fn, sync, repeat):
    for _ in range(3):  # compile, then let the clocks settle (one warm-up left outliers)
        fn()
    sync()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def _frameworks():
    """{'cupy': module, 'torch': module} for those importable and seeing the GPU."""
    out = {}
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        out["cupy"] = cupy
    except Exception:
        pass
    try:
        import torch

        if torch.cuda.is_available():
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
            out["torch"] = torch
    except Exception:
        pass
    return out


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, impl, seconds, unit_amount=None, unit="", ref=None, note=""):
        rate = None if unit_amount is None else unit_amount / seconds
        self.rows.append((what, impl, seconds * 1e3, rate, unit, ref, note))
        print(f"  {what:34s} {impl:26s} {seconds * 1e3:10.3f} ms", flush=True)

    def text(self, title):
        lines = [title, f"{'what':34s} {'implementation':26s} {'ms':>10s} {'rate':>14s} "
                        f"{'vs ref':>8s}  note"]
        for what, impl, ms, rate, unit, ref, note in self.rows:
            r = "" if rate is None else f"{rate:10.1f} {unit}"
            v = "" if ref is None else f"{ref:7.0%}"
            lines.append(f"{what:34s} {impl:26s} {ms:10.3f} {r:>14s} {v:>8s}  {note}")
        return "\n".join(lines)


def elementwise(t, n, repeat):
    from mxnb.kernels import cuda_launch

    sync = cuda_launch.synchronize
    g = mx.gpu(0)
    x = mx.nd.random.uniform(0, 1, shape=(n,), ctx=g)
    y = mx.nd.random.uniform(0, 1, shape=(n,), ctx=g)
    out = mx.nd.empty((n,), ctx=g)
    gb = 4 * n / 1e9
    copy = _median_time(lambda: out._data.copy_to_device(x._data), sync, repeat)
    t.add(f"d2d copy {n:.0e} f32", "numba copy_to_device", copy, 2 * gb, "GB/s")
    for name, fn, traffic in (("exp", lambda: mx.nd.exp(x, out=out), 2),
                              ("add", lambda: mx.nd.elemwise_add(x, y, out=out), 3),
                              ("exp (allocating)", lambda: mx.nd.exp(x), 2)):
        s = _median_time(fn, sync, repeat)
        bw = traffic * gb / s
        t.add(f"{name} {n:.0e} f32", "mxnb", s, traffic * gb, "GB/s", bw / (2 * gb / copy),
              "target >= 80% of copy")


def fully_connected(t, m, fw, repeat):
    from mxnb.kernels import cuda_launch

    sync = cuda_launch.synchronize
    rng = np.random.RandomState(0)
    xh = rng.uniform(-1, 1, (m, m)).astype(np.float32)
    wh = rng.uniform(-1, 1, (m, m)).astype(np.float32)
    bh = rng.uniform(-1, 1, (m,)).astype(np.float32)
    flop = 2.0 * m ** 3 / 1e12
    best = None
    for name, mod in fw.items():
        if name == "cupy":
            a, b = mod.asarray(xh), mod.asarray(wh)
            s = _median_time(lambda: a @ b.T, mod.cuda.Device().synchronize, repeat)
        else:
            a, b = mod.from_numpy(xh).cuda(), mod.from_numpy(wh).cuda()
            s = _median_time(lambda: a @ b.T, mod.cuda.synchronize, repeat)
        best = s if best is None else min(best, s)
        t.add(f"matmul {m}^3 f32", f"{name} (cuBLAS, no TF32)", s, flop, "TFLOP/s")
    g = mx.gpu(0)
    x, w, b = (mx.nd.array(h, ctx=g) for h in (xh, wh, bh))
    out = mx.nd.empty((m, m), ctx=g)
    want = None
    for tiles in TILES:
        os.environ["MXNB_CUDA_GEMM"] = tiles
        t0 = time.perf_counter()
        mx.nd.FullyConnected(x, w, b, num_hidden=m, out=out)
        sync()
        compile_s = time.perf_counter() - t0
        s = _median_time(lambda: mx.nd.FullyConnected(x, w, b, num_hidden=m, out=out), sync,
                         repeat)
        got = out.asnumpy()[:64]
        if want is None:
            want = xh[:64].astype(np.float64) @ wh.T.astype(np.float64) + bh
        err = float(np.abs(got - want).max())
        t.add(f"FullyConnected {m}^3 f32", f"mxnb tiles {tiles}", s, flop, "TFLOP/s",
              None if best is None else best / s,
              f"target >= 25% of cuBLAS; 1st call {compile_s:.1f} s; max err {err:.1e}")
    os.environ.pop("MXNB_CUDA_GEMM", None)


def uniform_fill(t, n, repeat):
    from mxnb.kernels import cuda_launch

    g = mx.gpu(0)
    out_g = mx.nd.empty((n,), ctx=g)
    out_c = mx.nd.empty((n,))
    mx.random.seed(1)
    s_g = _median_time(lambda: mx.nd.random.uniform(0, 1, shape=(n,), ctx=g, out=out_g),
                       cuda_launch.synchronize, repeat)
    s_c = _median_time(lambda: mx.nd.random.uniform(0, 1, shape=(n,), out=out_c), lambda: None,
                       max(2, repeat // 5))
    t.add(f"uniform fill {n:.0e} f32", f"mxnb cpu ({os.cpu_count()} cores)", s_c, 4 * n / 1e9,
          "GB/s")
    t.add(f"uniform fill {n:.0e} f32", "mxnb gpu", s_g, 4 * n / 1e9, "GB/s", s_c / s_g,
          "target >= 10x the cpu fill (vs ref = speed-up)")
    # one card, full chunks: each generator crosses several twists; float64 and integers
    # take two words a value, so some straddle a twist
    m = min(n, 10 ** 7)
    for what, draw in (("uniform f32", lambda c: mx.nd.random.uniform(0, 1, shape=(m,), ctx=c)),
                       ("uniform f64", lambda c: mx.nd.random.uniform(
                           -2, 3, shape=(m,), ctx=c, dtype="float64")),
                       ("randint", lambda c: mx.nd.random.randint(-5, 10 ** 6, shape=(m,),
                                                                  ctx=c))):
        mx.random.seed(7)
        a = draw(g).asnumpy()
        mx.random.seed(7)
        c = draw(mx.cpu()).asnumpy()
        t.add(f"{what}: gpu == cpu bits ({m:.0e})", "mxnb", 0.0, note=str(bool((a == c).all())))
    s_g = _median_time(lambda: mx.nd.random.normal(0, 1, shape=(n,), ctx=g, out=out_g),
                       cuda_launch.synchronize, max(2, repeat // 5))
    s_c = _median_time(lambda: mx.nd.random.normal(0, 1, shape=(n,), out=out_c), lambda: None,
                       max(2, repeat // 5))
    t.add(f"normal fill {n:.0e} f32", f"mxnb cpu ({os.cpu_count()} cores)", s_c)
    t.add(f"normal fill {n:.0e} f32", "mxnb gpu", s_g, ref=s_c / s_g, note="(vs ref = speed-up)")


def others(t, fw, small, repeat):
    """sum, softmax, Pooling, Convolution (forward) beside PyTorch, for information."""
    from mxnb.kernels import cuda_launch

    sync = cuda_launch.synchronize
    torch = fw.get("torch")
    g = mx.gpu(0)
    rng = np.random.RandomState(1)
    n = 10 ** 5 if small else 10 ** 8
    rows, cols = (64, 100) if small else (8192, 4096)
    conv_x = (2, 4, 8, 8) if small else (32, 64, 56, 56)
    conv_w = (4, 4, 3, 3) if small else (64, 64, 3, 3)
    cases = []
    v = rng.uniform(-1, 1, n).astype(np.float32)
    cases.append((f"sum {n:.0e} f32", lambda a: mx.nd.sum(a), lambda a: a.sum(), [v]))
    s = rng.uniform(-3, 3, (rows, cols)).astype(np.float32)
    cases.append((f"softmax {rows}x{cols} f32", lambda a: mx.nd.softmax(a),
                  lambda a: torch.softmax(a, -1), [s]))
    p = rng.uniform(-1, 1, conv_x).astype(np.float32)
    cases.append((f"max Pooling 3x3/2 {conv_x}",
                  lambda a: mx.nd.Pooling(a, kernel=(3, 3), stride=(2, 2), pool_type="max"),
                  lambda a: torch.nn.functional.max_pool2d(a, 3, 2), [p]))
    wc = rng.uniform(-1, 1, conv_w).astype(np.float32)
    cases.append((f"Convolution 3x3 {conv_x}x{conv_w[0]}",
                  lambda a, k: mx.nd.Convolution(a, k, kernel=(3, 3), pad=(1, 1),
                                                 num_filter=conv_w[0], no_bias=True),
                  lambda a, k: torch.nn.functional.conv2d(a, k, padding=1), [p, wc]))
    for what, mine, theirs, hosts in cases:
        args = [mx.nd.array(h, ctx=g) for h in hosts]
        s_m = _median_time(lambda: mine(*args), sync, repeat)
        ref = None
        if torch is not None:
            targs = [torch.from_numpy(h).cuda() for h in hosts]
            s_t = _median_time(lambda: theirs(*targs), torch.cuda.synchronize, repeat)
            t.add(what, "torch", s_t)
            ref = s_t / s_m
        t.add(what, "mxnb", s_m, ref=ref, note="vs ref = torch time / mxnb time")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="tiny sizes (a dry run)")
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--only", default="elementwise,fc,uniform,others",
                   help="comma list of the row groups to time")
    a = p.parse_args(argv)
    sim = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    if not sim and mx.context.num_gpus() == 0:
        print("gpu_check: no NVIDIA GPU here: nothing to time")
        return 0
    small = a.small or sim
    n = 10 ** 4 if small else 10 ** 8
    m = 48 if small else 4096
    repeat = 2 if small else a.repeat
    fw = {} if sim else _frameworks()
    from numba import cuda

    try:
        dev = cuda.get_current_device().name
        dev = dev.decode() if isinstance(dev, bytes) else dev
    except Exception:
        dev = "the CUDA simulator"
    t = Table()
    steps = {"elementwise": lambda: elementwise(t, n, repeat),
             "fc": lambda: fully_connected(t, m, fw, repeat),
             "uniform": lambda: uniform_fill(t, n, repeat),
             "others": lambda: others(t, fw, small, repeat)}
    for step in (steps[s] for s in a.only.split(",")):
        try:
            step()
        except Exception as exc:  # report and go on: one broken row must not hide the rest
            t.add("ERROR", type(exc).__name__, 0.0, note=str(exc).splitlines()[0][:160])
    print()
    print(t.text(f"mxnb on {dev} ({', '.join(fw) or 'no CuPy/PyTorch'} beside it)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
