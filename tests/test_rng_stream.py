"""MXNet 1.9.1's CPU random stream: GeneratorPool against recorded MXNet values.

The literals in `rng_mxnet_literals.py` come from the real MXNet; the NumPy
oracle below (`np.random.RandomState` is the same MT19937 with the same
`init_genrand` seeding) checks the generators and the chunking directly.
Samplers that go through the platform's libm (double `log`/`pow`, `expf`,
`tanf`, `lgammaf`) are compared bit for bit on glibc, where MXNet ran, and to a
few ulps elsewhere; uniform, float32 normal (glibc's logf is transcribed),
randint, multinomial and shuffle are pure arithmetic and exact everywhere.
"""
import hashlib
import platform

import numpy as np
import pytest

from mxnb._rng import GeneratorPool, plan

try:
    import rng_mxnet_literals as L
except ImportError:             # tests/ imported as a package
    from tests import rng_mxnet_literals as L

GLIBC = platform.libc_ver()[0] == "glibc"
LIBM = {"exponential", "gamma", "poisson"}


def digest(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


def draw(pool, sampler, n, dtype, *args):
    out = np.empty(n, dtype)
    getattr(pool, sampler)(out, *args)
    return out


def assert_matches(out, ref, exact=True):
    """Compare with a (digest, {index: value}) literal from MXNet."""
    h, picks = ref
    flat = out.reshape(-1)
    for i, v in picks.items():
        if exact:
            assert flat[i] == flat.dtype.type(v), (i, flat[i], v)
        else:
            rtol = {8: 1e-14, 4: 4e-7, 2: 2e-3}[flat.dtype.itemsize]   # a few ulps
            np.testing.assert_allclose(flat[i], v, rtol=rtol)
    if exact:
        assert digest(out) == h


def oracle_raw(seed, generator, n, device_id=0):
    rs = np.random.RandomState((seed * 127 + device_id + generator) % 2**32)
    return rs._bit_generator.random_raw(n).astype(np.uint32)


# ---------------------------------------------------------------------------
# the stream itself
# ---------------------------------------------------------------------------
def test_plan_is_mxnets_chunking():
    assert plan(1) == (1, 1)
    assert plan(64) == (1, 64)
    assert plan(65) == (2, 33)
    assert plan(1000) == (16, 63)
    assert plan(65537) == (1024, 65)
    assert plan(4096 * 4096) == (1024, 16384)
    assert plan(0) == (0, 0)


def test_generators_are_numpys_mt19937_seeded_as_mxnet():
    pool = GeneratorPool(42)
    for g in (0, 1, 1023):
        np.testing.assert_array_equal(pool.raw(1500, g), oracle_raw(42, g, 1500))
    dev1 = GeneratorPool(5, device_id=1)
    np.testing.assert_array_equal(dev1.raw(700, 0), oracle_raw(5, 1, 700))
    np.testing.assert_array_equal(GeneratorPool(-1).raw(3, 0), oracle_raw(-1, 0, 3))


@pytest.mark.parametrize("n", [1, 65, 1000, 65537])
def test_uniform_float32_against_numpy_oracle(n):
    out = draw(GeneratorPool(7), "uniform", n, np.float32)
    nthread, step = plan(n)
    ref = np.empty(n, np.float32)
    for t in range(nthread):
        s, e = t * step, min((t + 1) * step, n)
        if s < e:
            u = oracle_raw(7, t, e - s).astype(np.float32) / np.float32(2.0**32)
            ref[s:e] = np.minimum(u, np.float32(0.99999994))
    np.testing.assert_array_equal(out, ref)


def test_uniform_float64_against_numpy_oracle():
    out = draw(GeneratorPool(3), "uniform", 130, np.float64)
    w = [oracle_raw(3, t, 132).astype(np.float64) for t in range(3)]
    ref = np.concatenate([(a[0::2] + a[1::2] * 2.0**32) / 2.0**64 for a in w])
    np.testing.assert_array_equal(out, np.concatenate([ref[:44], ref[66:110], ref[132:174]]))


@pytest.mark.parametrize("key", sorted(L.STREAM, key=repr))
def test_stream_matches_mxnet(key):
    sampler, seed, n, dtype = key
    out = draw(GeneratorPool(seed), sampler, n, dtype)
    # exact everywhere: float64 normals use mt_core.log_f64, glibc's log transcribed
    assert_matches(out, L.STREAM[key], exact=True)


@pytest.mark.parametrize("key", sorted(L.SCALED, key=repr))
def test_scaled_matches_mxnet(key):
    kind, seed, dtype = key
    pool = GeneratorPool(seed)
    if kind == "uniform_lh":
        out = draw(pool, "uniform", 5000, dtype, -1.7, 3.3)
    else:
        out = draw(pool, "normal", 5000, dtype, 0.3, 2.7)
    assert_matches(out, L.SCALED[key], exact=True)


@pytest.mark.parametrize("seed", [0, 42])
def test_consecutive_draws_continue_the_stream(seed):
    pool = GeneratorPool(seed)
    calls = [("uniform", 3, "f4"), ("uniform", 1, "f4"), ("uniform", 100, "f4"),
             ("normal", 1000, "f4"), ("uniform", 70000, "f4"), ("uniform", 999, "f8"),
             ("normal", 333, "f8"), ("uniform", 64, "f4")]
    got = [digest(draw(pool, s, n, dt)) for s, n, dt in calls]
    for i, (h, (s, n, dt)) in enumerate(zip(L.SEQ[seed], calls)):
        assert got[i] == h, (i, s, n, dt)


def test_three_then_one_is_the_first_four():
    pool = GeneratorPool(42)
    a, b = draw(pool, "uniform", 3, np.float32), draw(pool, "uniform", 1, np.float32)
    np.testing.assert_array_equal(np.concatenate([a, b]),
                                  np.float32([0.82909364, 0.7478349, 0.55818135, 0.5657354]))
    five = draw(GeneratorPool(42), "normal", 5, np.float32)
    ten = draw(GeneratorPool(42), "normal", 10, np.float32)
    np.testing.assert_array_equal(five, ten[:5])


def test_fresh_pool_is_seed_zero_and_reseeding_restarts():
    fresh = draw(GeneratorPool(), "uniform", 5, np.float32)
    np.testing.assert_array_equal(
        fresh, np.float32([0.5488135, 0.5928446, 0.71518934, 0.84426576, 0.60276335]))
    pool = GeneratorPool(9)
    draw(pool, "normal", 777, np.float32)
    pool.seed(0)
    np.testing.assert_array_equal(draw(pool, "uniform", 5, np.float32), fresh)


def test_state_copy_rolls_back():
    pool = GeneratorPool(11)
    draw(pool, "uniform", 50, np.float32)
    snap = pool.state_copy()
    a = draw(pool, "normal", 3000, np.float32)
    b = draw(pool, "uniform", 10, np.float64)
    pool.set_state(snap)
    np.testing.assert_array_equal(draw(pool, "normal", 3000, np.float32), a)
    np.testing.assert_array_equal(draw(pool, "uniform", 10, np.float64), b)


# ---------------------------------------------------------------------------
# the other samplers and the per-parameter forms
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(L.OTHER, key=repr))
def test_other_samplers_match_mxnet(key):
    sampler, seed, dtype = key[:3]
    pool = GeneratorPool(seed)
    if sampler == "randint":
        out = draw(pool, "randint", 3001, dtype, key[3], key[4])
    elif sampler == "exponential":
        out = draw(pool, "exponential", 3001, dtype, 1.0 / key[3])   # MXNet passes lam = 1/scale
    else:
        out = draw(pool, sampler, 3001, dtype, *key[3:])
    assert_matches(out, L.OTHER[key], exact=GLIBC or sampler not in LIBM)


@pytest.mark.parametrize("key", sorted(L.PARAMS, key=repr))
def test_per_parameter_forms_match_mxnet(key):
    kind, seed, pdt, shape, odt = key
    lo = np.array([[0, 1, -3], [2, 5, 10]], pdt)
    hi = np.array([[1, 2, 3], [4, 7.5, 11]], pdt)
    out = np.empty((2, 3) + shape, odt)
    pool = GeneratorPool(seed)
    if kind == "p_uniform":
        pool.uniform_params(out, lo, hi)
    elif kind == "p_normal":
        pool.normal_params(out, lo, hi)
    elif kind == "p_exponential":
        pool.exponential_params(out, np.array(1, pdt) / hi)   # MXNet's Python layer: 1/scale
    elif kind == "p_gamma":
        pool.gamma_params(out, hi, lo + np.array(1.5, pdt))
    else:
        pool.poisson_params(out, hi * np.array(3, pdt))
    libm = kind in ("p_exponential", "p_gamma", "p_poisson")  # normals: log_f64, exact anywhere
    assert_matches(out, L.PARAMS[key], exact=GLIBC or not libm)


def test_per_parameter_batch_layout():
    # one batch of samples per parameter element, parameter-major, on one stream
    lo = np.float32([[0], [10], [20]])
    out = np.empty((3, 4), np.float32)
    GeneratorPool(1).uniform_params(out, lo.ravel(), lo.ravel() + 1)
    u = draw(GeneratorPool(1), "uniform", 12, np.float32).reshape(3, 4)
    np.testing.assert_array_equal(out, lo + u)


@pytest.mark.parametrize("sampler,args,mean,var", [
    ("uniform", (-2.0, 3.0), 0.5, 25 / 12),
    ("normal", (1.5, 2.0), 1.5, 4.0),
    ("exponential", (4.0,), 0.25, 1 / 16),
    ("gamma", (0.4, 2.0), 0.8, 1.6),
    ("gamma", (7.3, 0.5), 3.65, 1.825),
    ("poisson", (3.0,), 3.0, 3.0),
    ("poisson", (40.0,), 40.0, 40.0),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_moments(sampler, args, mean, var, dtype):
    n = 200_000
    x = draw(GeneratorPool(123), sampler, n, dtype, *args).astype(np.float64)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n)
    assert abs(x.var() - var) < 0.03 * var


def test_randint_range_and_moments():
    x = draw(GeneratorPool(5), "randint", 100_000, np.int64, -3, 17)
    assert x.min() == -3 and x.max() == 16
    counts = np.bincount(x + 3)
    assert np.all(np.abs(counts - 5000) < 5 * np.sqrt(5000))


# ---------------------------------------------------------------------------
# the single generator: multinomial and shuffle
# ---------------------------------------------------------------------------
PROBS = [[0.1, 0.2, 0.3, 0.4, 0.0], [0.7, 0.1, 0.1, 0.05, 0.05], [0.2, 0.2, 0.2, 0.2, 0.2]]


@pytest.mark.parametrize("pdt", ["float32", "float64"])
def test_multinomial_matches_mxnet(pdt):
    pool = GeneratorPool(42)
    out, logp = np.empty((3, 7), np.int32), np.empty((3, 7), pdt)
    pool.multinomial(out, np.array(PROBS, np.float32).astype(pdt), logp)
    np.testing.assert_array_equal(out, L.MULTINOMIAL_42[0])
    np.testing.assert_array_equal(logp, np.float32(L.MULTINOMIAL_42[1]).astype(pdt))
    assert [digest(out), digest(logp)] == L.SINGLE[("multinomial", 42, pdt)]


@pytest.mark.parametrize("key", sorted((k for k in L.SINGLE if k[0] == "shuffle"), key=repr))
def test_shuffle_matches_mxnet(key):
    _, seed, shape = key
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    assert digest(x[GeneratorPool(seed).shuffle_index(shape[0], len(shape))]) == L.SINGLE[key]


def test_seed_single_is_mxnets_seed_with_a_context():
    # MXNet 1.9.1: mx.random.seed(42, ctx=mx.cpu()); multinomial([[.5, .5]], shape=8)
    pool = GeneratorPool(7)
    pool.seed(42)
    pool.seed_single(42)
    out = np.empty((1, 8), np.int32)
    pool.multinomial(out, np.float32([[0.5, 0.5]]))
    assert out.tolist() == [[0, 1, 1, 0, 1, 1, 1, 1]]
    np.testing.assert_array_equal(draw(pool, "uniform", 3, np.float32),
                                  np.float32([0.82909364, 0.7478349, 0.55818135]))


def test_shuffle_small_literals():
    assert GeneratorPool(42).shuffle_index(10, ndim=1).tolist() == L.SHUFFLE_42_1D
    assert GeneratorPool(42).shuffle_index(10, ndim=2).tolist() == L.SHUFFLE_42_2D


@pytest.mark.parametrize("seed", [0, 42])
def test_single_generator_is_separate_from_the_pool(seed):
    pool = GeneratorPool(seed)
    a = draw(pool, "uniform", 100, np.float32)
    b = np.empty((1, 3), np.int32)
    pool.multinomial(b, np.float32([[0.1, 0.2, 0.3, 0.4]]))
    c = draw(pool, "uniform", 5, np.float32)
    d = np.arange(10.0)[pool.shuffle_index(10, ndim=1)]
    e = np.empty((1, 4), np.int32)
    pool.multinomial(e, np.float32([[0.5, 0.5]]))
    got = [digest(a), digest(b), digest(c), digest(d.astype(np.float32)), digest(e)]
    assert got == L.SINGLE[("single_mix", seed)]


# ---------------------------------------------------------------------------
# threads: nothing depends on the thread count
# ---------------------------------------------------------------------------
CASES = [("uniform", np.float32, ()), ("normal", np.float32, (0.5, 2.0)),
         ("poisson", np.float64, (20.0,))]


@pytest.mark.parametrize("sampler,dtype,args", CASES)
def test_serial_and_parallel_kernels_agree(sampler, dtype, args):
    ser, par = GeneratorPool(8, parallel=False), GeneratorPool(8, parallel=True)
    for n in (100_003, 7, 4096):
        np.testing.assert_array_equal(draw(ser, sampler, n, dtype, *args),
                                      draw(par, sampler, n, dtype, *args))


def test_one_and_two_threads_agree():
    from mxnb._jit import numba

    nb = numba()
    if nb.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread")
    before = nb.get_num_threads()
    got = []
    try:
        for threads in (1, 2):
            nb.set_num_threads(threads)
            pool = GeneratorPool(21, parallel=True)
            got.append((draw(pool, "uniform", 300_001, np.float32),
                        draw(pool, "normal", 300_001, np.float32)))
    finally:
        nb.set_num_threads(before)
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# kernels' helpers
# ---------------------------------------------------------------------------
def test_logf_is_glibcs():
    from mxnb._rng.cpu_kernels import logf_array as logf_all

    x = np.array([float.fromhex(a) for a, _ in L.GLIBC_LOGF], np.float32)
    out = np.empty_like(x)
    logf_all(x, out)
    np.testing.assert_array_equal(out, np.array([float.fromhex(b) for _, b in L.GLIBC_LOGF],
                                                np.float32))
    x = np.random.default_rng(0).random(100_000, dtype=np.float32) * np.float32(2.0)
    x = np.concatenate([x[x > 0], np.float32(2.0) ** -np.arange(1, 126, dtype=np.float32)])
    out = np.empty_like(x)
    logf_all(x, out)
    ref = np.log(x.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(out - ref) / ulp) < 1.0


def test_uniform_chunk_vectorises():
    from mxnb._jit import njit
    from mxnb._rng import cpu_kernels

    fn = njit(cache=False, nogil=True)(cpu_kernels._uniform_f32_run.py_func)
    u64 = np.uint64
    mt = np.zeros((1, 624), np.uint32)
    out = np.empty(10, np.float32)
    fn(mt, u64(0), u64(624), out, u64(0), u64(10), np.float32(0), np.float32(1))
    ir = fn.inspect_llvm(fn.signatures[0])
    assert "<8 x float>" in ir or "<16 x float>" in ir


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, mxnb._rng; mxnb._rng.GeneratorPool(3); print('numba' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# bad input: clear errors, and nothing changes
# ---------------------------------------------------------------------------
def _unchanged(pool, out, call, exc, match=None):
    snap = pool.state_copy()
    before = out.copy() if isinstance(out, np.ndarray) else None
    with pytest.raises(exc, match=match):
        call()
    if before is not None:
        np.testing.assert_array_equal(out, before)
    after = pool.state_copy()
    assert all(np.array_equal(a, b) for a, b in zip(snap[1:], after[1:]))


def test_bad_input_raises_and_leaves_everything_unchanged():
    pool = GeneratorPool(4)
    draw(pool, "uniform", 77, np.float32)
    i32 = np.full(5, 7, np.int32)
    f32 = np.full(5, 7, np.float32)
    _unchanged(pool, i32, lambda: pool.uniform(i32), TypeError, "dtype")
    _unchanged(pool, i32, lambda: pool.normal(i32), TypeError, "dtype")
    _unchanged(pool, f32, lambda: pool.uniform(f32, 2.0, 1.0), ValueError, "less or equal")
    _unchanged(pool, f32, lambda: pool.uniform(f32, np.nan, 1.0), ValueError)
    _unchanged(pool, f32, lambda: pool.normal(f32, 0.0, 0.0), ValueError, "positive")
    _unchanged(pool, i32, lambda: pool.randint(i32, 5, 5), ValueError, "less than")
    _unchanged(pool, i32, lambda: pool.randint(i32, 6, 5), ValueError)
    _unchanged(pool, i32, lambda: pool.randint(i32, 1.5, 5), TypeError)
    _unchanged(pool, f32, lambda: pool.randint(f32, 0, 5), TypeError)
    _unchanged(pool, f32, lambda: pool.exponential(f32, 0.0), ValueError, "positive")
    _unchanged(pool, f32, lambda: pool.gamma(f32, -1.0), ValueError, "alpha")
    _unchanged(pool, f32, lambda: pool.gamma(f32, 1.0, 0.0), ValueError, "beta")
    _unchanged(pool, f32, lambda: pool.poisson(f32, -1.0), ValueError, "non-negative")
    _unchanged(pool, f32, lambda: pool.uniform(f32, "a"), TypeError)
    _unchanged(pool, f32, lambda: pool.uniform(list(f32)), TypeError, "ndarray")
    strided = np.zeros((4, 4), np.float32)[:, ::2]
    _unchanged(pool, strided, lambda: pool.uniform(strided), ValueError, "contiguous")
    ro = np.zeros(4, np.float32)
    ro.flags.writeable = False
    _unchanged(pool, ro, lambda: pool.uniform(ro), ValueError, "read-only")
    out = np.zeros((2, 3), np.float32)
    _unchanged(pool, out, lambda: pool.uniform_params(out, [0, 1], [1, 2, 3]), ValueError)
    _unchanged(pool, out, lambda: pool.uniform_params(out, [0, 1, 2, 3], [1] * 4), ValueError)
    _unchanged(pool, out, lambda: pool.gamma_params(out, [1.0, -1.0], [1.0, 1.0]),
               ValueError, "alpha")
    idx = np.zeros((3, 2), np.int32)
    _unchanged(pool, idx, lambda: pool.multinomial(idx, np.ones((3, 4), np.int64)), TypeError)
    _unchanged(pool, idx, lambda: pool.multinomial(idx, np.ones((2, 4), np.float32)),
               ValueError)
    with pytest.raises(TypeError):
        pool.seed(1.5)
    with pytest.raises(ValueError):
        pool.shuffle_index(-1)


def test_empty_and_float16_outputs():
    pool = GeneratorPool(42)
    snap = pool.state_copy()
    pool.uniform(np.empty(0, np.float32))
    assert all(np.array_equal(a, b) for a, b in zip(snap[1:], pool.state_copy()[1:]))
    out = np.empty((2, 3), np.float16)
    pool.uniform(out)
    assert out.dtype == np.float16 and np.all((out >= 0) & (out <= 1))
