"""The optimizer updates of optimizer_ops2 / optimizer_multi / contrib_optim on mx.gpu() arrays.

They run through the host (copied to NumPy, updated, the changed arrays copied back): the
results and every updated state must be the CPU's, bit for bit, and stay on the GPU.
One case of each op from tests/optimizer_more_cases.py.
"""
import os
import sys

import numpy as np

import mxnb as mx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import optimizer_more_cases as C  # noqa: E402


def _run(data, c, ctx):
    arrs = {}

    def conv(v):
        if isinstance(v, str) and v.startswith("@"):
            if v[1:] not in arrs:
                arrs[v[1:]] = mx.nd.array(data[v[1:]], ctx=ctx, dtype=data[v[1:]].dtype)
            return arrs[v[1:]]
        if isinstance(v, list) and v and isinstance(v[0], str) and v[0].startswith("@"):
            return [conv(x) for x in v]
        return v

    args = [conv(a) for a in c["args"]]
    kw = {k: conv(v) for k, v in c["kwargs"].items()}
    if "out" in c:
        kw["out"] = conv(c["out"])
    f = mx
    for p in c["fn"].split("."):
        f = getattr(f, p)
    with np.errstate(all="ignore"):
        r = f(*args, **kw)
    rr = [] if c.get("skip_result") else (list(r) if isinstance(r, (list, tuple)) else [r])
    res = rr + list(arrs.values())
    for x in res:
        assert x.context == ctx, (c["fn"], x.context)
    return [x.asnumpy() for x in res]


def test_updates_on_gpu_match_the_cpu():
    seen = set()
    with np.errstate(all="ignore"):
        data, cases = C.build()
    for c in cases:
        if c["fn"] in seen:
            continue
        seen.add(c["fn"])
        small = {k: v[:40] if v.ndim == 1 and v.size > 40 and not k.endswith(("lrs", "wds"))
                 else v for k, v in data.items()}
        if c.get("rsp") or c["fn"].endswith(("multi_sum_sq", "multi_lars", "phase2")):
            small = data
        cpu = _run(small, c, mx.cpu(0))
        gpu = _run(small, c, mx.gpu(0))
        for a, b in zip(cpu, gpu):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a, b, equal_nan=True), c["fn"]
    assert len(seen) == 25
