"""Reductions on mx.gpu() through their CUDA kernels: forward and fused backward against the CPU
and a float64 NumPy reference, bit-identical results for any launch configuration, and no
host round trip.

Under the simulator float32 kernels compute in double and round on store, so results are
compared with a tolerance, except where both sides are exact.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_build, cuda_launch, cuda_reduce

GPU, CPU = mx.gpu(0), mx.cpu(0)


@pytest.fixture(autouse=True)
def no_host(monkeypatch):
    """Fail any op that would run through the host (`host_fallback` / `host_backward`)."""
    def boom(*args, **kwargs):
        raise AssertionError("ran through the host")

    monkeypatch.setattr(cuda_launch, "host_fallback", boom)
    monkeypatch.setattr(cuda_launch, "host_backward", boom)


def _ref(name, x, axis, keepdims=False, exclude=False):
    """float64 NumPy reference of reduction `name` of x."""
    ax = tuple(range(x.ndim)) if axis in (None, ()) else (
        (axis,) if isinstance(axis, int) else tuple(axis))
    ax = tuple(a % x.ndim for a in ax)
    if exclude:
        ax = tuple(d for d in range(x.ndim) if d not in ax)
    x = x.astype(np.float64)
    fn = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "nansum": np.nansum,
          "nanprod": np.nanprod, "max": np.max, "min": np.min}[name]
    r = fn(x, axis=ax, keepdims=keepdims)
    return np.atleast_1d(r)


def _run(ctx, name, x, attrs, dy_seed=1):
    a = mx.nd.array(x, ctx=ctx, dtype=x.dtype)
    a.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, name)(a, **attrs)
    dy = np.random.RandomState(dy_seed).uniform(-1, 1, y.shape).astype(x.dtype)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=x.dtype))
    assert y.context == ctx and a.grad.context == ctx
    return y.asnumpy(), a.grad.asnumpy()


CASES = [({}, (3, 4, 5)), ({"axis": 1}, (3, 4, 5)), ({"axis": (0, 2), "keepdims": True}, (3, 4, 5)),
         ({"axis": 1, "exclude": True}, (3, 4, 5)), ({"axis": -1}, (41,)),
         ({"axis": (1, 3)}, (2, 3, 2, 5)), ({"axis": 0}, (37, 3))]


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "nansum", "nanprod", "max", "min"])
@pytest.mark.parametrize("attrs,shape", CASES, ids=lambda v: str(v))
def test_reduction_forward_and_backward_match_cpu(name, attrs, shape):
    rng = np.random.RandomState(len(name) + len(shape))
    lo = 0.7 if "prod" in name else -1.0
    x = rng.uniform(lo, 1.3, shape).astype(np.float32)
    if name.startswith("nan"):
        x.reshape(-1)[::7] = np.nan
    y_gpu, g_gpu = _run(GPU, name, x, attrs)
    y_cpu, g_cpu = _run(CPU, name, x, attrs)
    assert y_gpu.shape == y_cpu.shape and y_gpu.dtype == np.float32
    np.testing.assert_allclose(y_gpu, y_cpu, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(g_gpu, g_cpu, rtol=2e-6, atol=1e-7)
    ref = _ref(name, x, attrs.get("axis"), attrs.get("keepdims", False),
               attrs.get("exclude", False))
    np.testing.assert_allclose(y_gpu, ref.reshape(y_gpu.shape), rtol=2e-6, atol=1e-6)


def test_prod_gradient_at_zeros_and_extreme_ties():
    x = np.array([[1., 0., 2.], [0., 0., 3.], [2., 3., 4.], [5., 5., 1.]], np.float32)
    for name, want in (("prod", [[0, 2, 0], [0, 0, 0], [12, 8, 6], [5, 5, 25]]),
                       ("max", [[0, 0, 1], [0, 0, 1], [0, 0, 1], [1, 1, 0]])):
        a = mx.nd.array(x, ctx=GPU)
        a.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, name)(a, axis=1)
        y.backward()
        np.testing.assert_array_equal(a.grad.asnumpy(), np.array(want, np.float32))


def test_norm_and_argmax_match_cpu():
    rng = np.random.RandomState(3)
    x = rng.uniform(-2, 2, (3, 4, 5)).astype(np.float32)
    x[1, 2, 3] = x[1, 2, 1] = 9.0  # a tie: the first index wins
    for attrs in ({}, {"axis": 1}, {"ord": 1, "axis": (0, 2), "keepdims": True},
                  {"axis": 2, "out_dtype": "float64"}):
        y_gpu, g_gpu = _run(GPU, "norm", x, attrs)
        y_cpu, g_cpu = _run(CPU, "norm", x, attrs)
        np.testing.assert_allclose(y_gpu, y_cpu, rtol=2e-6, err_msg=str(attrs))
        np.testing.assert_allclose(g_gpu, g_cpu, rtol=2e-6, atol=1e-7, err_msg=str(attrs))
    for name in ("argmax", "argmin"):
        for attrs in ({}, {"axis": 1}, {"axis": -1, "keepdims": True}, {"axis": 0}):
            g = getattr(mx.nd, name)(mx.nd.array(x, ctx=GPU), **attrs).asnumpy()
            c = getattr(mx.nd, name)(mx.nd.array(x), **attrs).asnumpy()
            assert g.dtype == np.float32
            np.testing.assert_array_equal(g, c)
    np.testing.assert_array_equal(mx.nd.argmax_channel(mx.nd.array(x, ctx=GPU)).asnumpy(),
                                  np.argmax(x, axis=1).astype(np.float32))


def test_nan_rules():
    x = np.array([[1., np.nan, 3.], [np.nan, 2., np.nan], [4., 5., 6.]], np.float32)
    a = mx.nd.array(x, ctx=GPU)
    np.testing.assert_array_equal(mx.nd.max(a, axis=1).asnumpy(), [np.nan, np.nan, 6])
    np.testing.assert_array_equal(mx.nd.nansum(a, axis=0).asnumpy(), [5, 7, 9])
    np.testing.assert_array_equal(mx.nd.argmax(a, axis=1).asnumpy(), [1, 0, 2])
    np.testing.assert_array_equal(mx.nd.argmin(a, axis=0).asnumpy(), [1, 0, 1])


def test_float32_sums_accumulate_in_float64():
    x = np.ones(300, np.float32)
    x[0] = 2.0 ** 25  # a float32 running sum would drop every 1 after it
    got = mx.nd.sum(mx.nd.array(x, ctx=GPU)).asnumpy()
    assert got[0] == np.float32(2.0 ** 25 + 299)


# int64 products wrap; the simulator runs them as NumPy scalars, in its own threads
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_integer_and_float16_reductions_match_cpu():
    rng = np.random.RandomState(4)
    xi = rng.randint(-2 ** 30, 2 ** 30, (4, 9)).astype(np.int32)
    xh = rng.uniform(-1, 1, (4, 9)).astype(np.float16)
    for x, names in ((xi, ("sum", "mean", "prod", "max", "min", "argmax")),
                     (xh, ("sum", "mean", "max", "argmin", "norm"))):
        for name in names:
            for attrs in ({}, {"axis": 1}, {"axis": 0}):
                g = getattr(mx.nd, name)(mx.nd.array(x, ctx=GPU, dtype=x.dtype), **attrs).asnumpy()
                c = getattr(mx.nd, name)(mx.nd.array(x, dtype=x.dtype), **attrs).asnumpy()
                assert g.dtype == c.dtype, (name, attrs)
                if x.dtype == np.int32:
                    np.testing.assert_array_equal(g, c, err_msg=f"{name} {attrs}")
                else:
                    np.testing.assert_allclose(g, c, rtol=1e-3, err_msg=f"{name} {attrs}")


@pytest.mark.parametrize("name,attrs", [("sum", {}), ("sum", {"axis": 1}), ("mean", {"axis": 0}),
                                        ("max", {"axis": (0, 2)}), ("argmax", {"axis": 1}),
                                        ("prod", {"axis": 1})])
def test_same_bits_for_any_launch_configuration(monkeypatch, name, attrs):
    # Small chunks, so even tiny inputs take several lanes, chunks and passes.
    monkeypatch.setattr(cuda_reduce, "ROWS", 4)
    assert len(cuda_reduce.subpasses(53, 1)) >= 3
    x = np.random.RandomState(5).uniform(0.9, 1.1, (3, 53, 2)).astype(np.float32)
    a = mx.nd.array(x, ctx=GPU)
    results = []
    for threads, blocks in ((8, 4), (1, 1), (32, 2), (3, 7)):
        monkeypatch.setattr(cuda_build.config, "threads", threads)
        monkeypatch.setattr(cuda_build.config, "max_blocks", blocks)
        results.append(getattr(mx.nd, name)(a, **attrs).asnumpy())
    for r in results[1:]:
        assert r.tobytes() == results[0].tobytes()
    np.testing.assert_allclose(results[0], getattr(mx.nd, name)(mx.nd.array(x), **attrs).asnumpy(),
                               rtol=2e-6)


def test_chunked_passes_keep_nan_and_first_index(monkeypatch):
    monkeypatch.setattr(cuda_reduce, "ROWS", 3)
    x = np.zeros((2, 40), np.float32)
    x[0, 17] = x[0, 30] = 5.0
    x[1, 33] = np.nan
    a = mx.nd.array(x, ctx=GPU)
    np.testing.assert_array_equal(mx.nd.argmax(a, axis=1).asnumpy(), [17, 33])
    np.testing.assert_array_equal(mx.nd.max(a, axis=1).asnumpy(), [5, np.nan])
    np.testing.assert_array_equal(mx.nd.sum(a, axis=1).asnumpy(), [10, np.nan])


def test_second_order_gradient_on_the_device(monkeypatch):
    monkeypatch.undo()  # the VJPs use reshape, which still runs through the host
    x = mx.nd.array([[0.5, 1.5, 2.0], [1.0, 3.0, 0.25]], ctx=GPU)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(mx.nd.prod(x, axis=1) * mx.nd.max(x, axis=1))
        (g,) = mx.autograd.grad(y, [x], create_graph=True)
        z = mx.nd.sum(g * g)
    z.backward()
    assert x.grad.context == GPU
    xc = mx.nd.array(x.asnumpy())
    xc.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(mx.nd.prod(xc, axis=1) * mx.nd.max(xc, axis=1))
        (g,) = mx.autograd.grad(y, [xc], create_graph=True)
        z = mx.nd.sum(g * g)
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), xc.grad.asnumpy(), rtol=1e-5)


def test_subpass_plan_converges_with_bounded_work(monkeypatch):
    for rows in (2, 3, 128):
        monkeypatch.setattr(cuda_reduce, "ROWS", rows)
        for n in list(range(1, 300)) + [4096, 123457, 10 ** 8]:
            for inner in (1, 2, 5, 32, 100):
                steps = cuda_reduce.subpasses(n, inner)
                assert steps[0][0] == n and steps[-1][1] == 1 and steps[-1][3] == 1
                assert steps[-1][0] <= rows
                for a, b in zip(steps, steps[1:]):
                    assert b[0] == a[1] * a[3] < a[0]
                assert all(r <= rows for _, _, r, _ in steps)
