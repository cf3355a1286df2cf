"""Timing probe of the GPU random stream (a lent card only): block size sweep, one profile.

    python bench/gpu_rng_probe.py            # sweep MXNB_RNG_THREADS in subprocesses
    python bench/gpu_rng_probe.py --one      # time this process's configuration
"""
import os
import subprocess
import sys
import time


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
        fn()
        cuda_launch.synchronize()
        ts = []
        for _ in range(5):
            t = time.perf_counter()
            fn()
            cuda_launch.synchronize()
            ts.append(time.perf_counter() - t)
        res.append(f"{name} {np.median(ts) * 1e3:.3f} ms")
    print(f"threads {os.environ.get('MXNB_RNG_THREADS', 'default')}: " + ", ".join(res),
          flush=True)


if __name__ == "__main__":
    if "--one" in sys.argv:
        one()
        sys.exit(0)
    for t in ("128", "256", "512", "1024"):
        env = dict(os.environ, MXNB_RNG_THREADS=t)
        subprocess.run([sys.executable, __file__, "--one"], env=env, timeout=120)
