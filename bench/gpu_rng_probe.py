"""Timing probe of the GPU random stream (a lent card only): a block-size sweep with a bit check.

    python bench/gpu_rng_probe.py            # sweep MXNB_RNG_THREADS in subprocesses
    python bench/gpu_rng_probe.py --one      # this process's configuration only

Each line: the median and minimum of 20 timed 1e8 float32 uniform and normal fills on gpu(0)
after warm-ups, each ended by a device synchronize; then whether seeded draws on gpu(0)
equal the CPU's bit for bit (uniform float32/float64, per-parameter uniform with float32 and
float64 parameters, randint, normal float32). The simulator cannot show code generation
differences, so the bit check belongs on the card.
"""
import os
import subprocess
import sys
import time


def bits_ok(mx, n=1000003):
    """'bits OK', or which draws differ (odd n: values straddle twists in 1024 chunks)."""
    R = mx.nd.random
    draws = [
        ("uniform32", lambda ctx: R.uniform(-1.5, 2.0, shape=(n,), ctx=ctx)),
        ("uniform64", lambda ctx: R.uniform(0, 1, shape=(n,), ctx=ctx, dtype="float64")),
        ("per-param", lambda ctx: R.uniform(mx.nd.array([0, 10], ctx=ctx),
                                            mx.nd.array([1, 12.5], ctx=ctx), shape=n // 2)),
        ("per-param f64", lambda ctx: R.uniform(mx.nd.array([0, 10], ctx=ctx, dtype="float64"),
                                                mx.nd.array([1, 12.5], ctx=ctx, dtype="float64"),
                                                shape=n // 2, dtype="float32")),
        ("randint", lambda ctx: R.randint(-7, 1000, shape=(n,), ctx=ctx)),
        ("normal32", lambda ctx: R.normal(0.5, 2.0, shape=(n,), ctx=ctx)),
    ]
    bad = []
    for name, fn in draws:
        mx.random.seed(42)
        a = fn(mx.cpu()).asnumpy()
        mx.random.seed(42)
        b = fn(mx.gpu(0)).asnumpy()
        if a.tobytes() != b.tobytes():
            bad.append(f"{name} ({int((a != b).sum())} differ)")
    return "bits OK" if not bad else "BITS DIFFER: " + ", ".join(bad)


def one():
    import numpy as np

    import mxnb as mx
    from mxnb.kernels import cuda_launch

    g = mx.gpu(0)
    n = 10 ** 8
    out = mx.nd.empty((n,), ctx=g)
    res = []
    for name, fn in (("uniform", lambda: mx.nd.random.uniform(0, 1, shape=(n,), ctx=g, out=out)),
                     ("normal", lambda: mx.nd.random.normal(0, 1, shape=(n,), ctx=g, out=out))):
        for _ in range(3):
            fn()
        cuda_launch.synchronize()
        ts = []
        for _ in range(20):
            t = time.perf_counter()
            fn()
            cuda_launch.synchronize()
            ts.append(time.perf_counter() - t)
        res.append(f"{name} {np.median(ts) * 1e3:.3f} ms (min {min(ts) * 1e3:.3f})")
    print(f"threads {os.environ.get('MXNB_RNG_UNIFORM_THREADS', 'default')} (uniform), "
          f"{os.environ.get('MXNB_RNG_THREADS', 'default')} (normal): " + ", ".join(res)
          + f"; {bits_ok(mx)}", flush=True)


if __name__ == "__main__":
    if "--one" in sys.argv:
        one()
        sys.exit(0)
    for t in os.environ.get("SWEEP", "64,128,256").split(","):
        env = dict(os.environ) if t == "default" else dict(
            os.environ, MXNB_RNG_THREADS=t, MXNB_RNG_UNIFORM_THREADS=t)
        r = subprocess.run([sys.executable, os.path.abspath(__file__), "--one"], env=env,
                           timeout=180)
        if r.returncode:
            print(f"threads {t}: failed (exit {r.returncode})", flush=True)
