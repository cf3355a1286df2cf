"""Accuracy, special values, typing and vectorisation of mxnb.kernels.fastmath.

Each helper runs in the loop shape the kernel builder uses (njit(inline='always')
helper inside an error_model='numpy', fastmath={'contract'} loop), over a dense
sample of float32 inputs: a stratified walk over all bit patterns (every sign and
exponent), a uniform sample of the working domain, and the neighbourhoods of every
threshold. Errors are measured in float32 ulps against NumPy/SciPy in float64, and
must not exceed the bound each docstring states.
"""
import math
import re

import numpy as np
import pytest

from mxnb._jit import numba as _numba

nb = _numba()
from mxnb.kernels import fastmath as fm  # noqa: E402

F = np.float32


def _sigmoid64(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _erf64(x):
    special = pytest.importorskip("scipy.special")
    return special.erf(x)


# name: (helper, float64 reference, dense domain, thresholds whose neighbourhoods matter)
CASES = {
    "exp": (fm.exp_f32, np.exp, (-104.0, 89.0),
            [88.72283935546875, -87.33654, -103.27893, -103.97208, 0.0, 0.34657359]),
    "expm1": (fm.expm1_f32, np.expm1, (-18.0, 89.0),
              [0.5, 0.34657359, -0.34657359, 2.0 ** -25, -(2.0 ** -25), 88.72283935546875,
               -17.32868, 16.98, 0.0]),
    "log": (fm.log_f32, np.log, (0.5, 2.0),
            [1.0, 0.70710677, 1.4142135, 2.0 ** -126, 2.0 ** -149, 3.4028235e38]),
    "log1p": (fm.log1p_f32, np.log1p, (-1.0, 4.0),
              [-1.0, 1.0, 2.0 ** -25, -(2.0 ** -25), -0.29289323, 0.41421357]),
    "tanh": (fm.tanh_f32, np.tanh, (-10.0, 10.0),
             [0.625, -0.625, 2.0 ** -25, 9.01, -9.01, 9.1, -9.1, 0.0]),
    "sigmoid": (fm.sigmoid_f32, _sigmoid64, (-110.0, 30.0),
                [0.0, -88.72284, -87.33654, -103.97208, 16.6355, 17.0]),
    "erf": (fm.erf_f32, _erf64, (-4.5, 4.5),
            [0.95, -0.95, 3.93, -3.93, 2.0 ** -25, 0.0]),
}


def _loop(fn):
    """The kernel builder's loop shape around one helper."""
    f = nb.njit(inline="always")(fn)

    @nb.njit(error_model="numpy", fastmath={"contract"})
    def loop(x, out):
        for i in range(x.size):
            out[i] = f(x[i])

    return loop


_LOOPS = {}


def loop_for(name):
    if name not in _LOOPS:
        _LOOPS[name] = _loop(CASES[name][0])
    return _LOOPS[name]


def run(name, x):
    out = np.empty_like(x)
    loop_for(name)(x, out)
    return out


def ulp_error(y, ref):
    """|y - ref| in float32 ulps of the binade of float64 ref; inf for a miss."""
    with np.errstate(all="ignore"):
        y64 = y.astype(np.float64)
        r32 = ref.astype(np.float32)
        binade = (np.abs(ref).view(np.uint64) & np.uint64(0x7FF0000000000000)).view(np.float64)
        ulp = np.maximum(binade * 2.0 ** -23, 2.0 ** -149)
        err = np.abs(y64 - ref) / ulp
    nan_ref = np.isnan(ref)
    err[nan_ref] = np.where(np.isnan(y[nan_ref]), 0.0, np.inf)
    inf_ref = np.isinf(r32) & ~nan_ref
    err[inf_ref] = np.where(y[inf_ref] == r32[inf_ref], 0.0, np.inf)
    err[~nan_ref & ~inf_ref & ~np.isfinite(y)] = np.inf
    return err


def _around(values, k=64):
    bits = np.asarray(values, np.float32).view(np.int32).astype(np.int64)
    near = (bits[:, None] + np.arange(-k, k + 1)[None, :]).ravel()
    near = near[(near >= -(2 ** 31)) & (near < 2 ** 31)].astype(np.int32)
    return np.concatenate([near.view(np.float32), -near.view(np.float32)])


def sample(name, n_bits=1 << 21, n_dense=1 << 20):
    _, _, (lo, hi), edges = CASES[name]
    rng = np.random.default_rng(20240611)
    stride = (1 << 32) // n_bits
    walk = np.arange(0, 1 << 32, stride, dtype=np.uint64) + rng.integers(0, stride, n_bits).astype(np.uint64)
    walk = walk.astype(np.uint32).view(np.float32)
    dense = rng.uniform(lo, hi, n_dense).astype(np.float32)
    return np.concatenate([walk, dense, _around(edges)])


_ALL = {}


def all_helpers():
    """One scalar kernel calling every helper by name (no wrapping, no FMA contraction)."""
    if "scalar" not in _ALL:

        @nb.njit(error_model="numpy")
        def f(x):
            return (fm.exp_f32(x), fm.expm1_f32(x), fm.log_f32(x), fm.log1p_f32(x),
                    fm.tanh_f32(x), fm.sigmoid_f32(x), fm.erf_f32(x))

        f(np.float32(0.5))
        _ALL["scalar"] = f
    return _ALL["scalar"]


def run_without_fma(name, x):
    """Helper `name` on x as computed without FMA contraction (CPUs without FMA and
    plain Python compute this); all helpers share one loop, to compile once."""
    if "loop" not in _ALL:
        f = all_helpers()

        @nb.njit(error_model="numpy")
        def loop(x, out):
            for i in range(x.size):
                (out[0, i], out[1, i], out[2, i], out[3, i],
                 out[4, i], out[5, i], out[6, i]) = f(x[i])

        _ALL["loop"] = loop
    out = np.empty((len(CASES), x.size), np.float32)
    _ALL["loop"](x, out)
    return out[list(CASES).index(name)]


def documented_bound(fn):
    m = re.search(r"Max error ([0-9.]+) ulp", fn.__doc__)
    assert m, f"{fn.__name__} docstring must state 'Max error N ulp'"
    return float(m.group(1))


@pytest.mark.parametrize("fma", [True, False], ids=["contract", "no-fma"])
@pytest.mark.parametrize("name", list(CASES))
def test_accuracy_within_documented_bound(name, fma):
    fn, ref_fn = CASES[name][:2]
    x = sample(name)
    y = run(name, x) if fma else run_without_fma(name, x)
    with np.errstate(all="ignore"):
        ref = ref_fn(x.astype(np.float64))
    err = ulp_error(y, ref)
    worst = int(np.argmax(err))
    bound = documented_bound(fn)
    assert bound <= 2.0
    assert err[worst] <= bound, (name, x[worst], y[worst], ref[worst], err[worst])


INF, NAN = np.inf, np.nan
SPECIALS = {
    "exp": [(-INF, 0.0), (INF, INF), (NAN, NAN), (0.0, 1.0), (-0.0, 1.0), (88.72284, INF),
            (1000.0, INF), (-103.98, 0.0), (-103.9, 2.0 ** -149), (-1000.0, 0.0)],
    "expm1": [(-INF, -1.0), (INF, INF), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30),
              (-1e-30, -1e-30), (2.0 ** -149, 2.0 ** -149), (-40.0, -1.0), (88.73, INF)],
    "log": [(0.0, -INF), (-0.0, -INF), (-1.0, NAN), (-2.0 ** -149, NAN), (-INF, NAN),
            (INF, INF), (NAN, NAN), (1.0, 0.0)],
    "log1p": [(-1.0, -INF), (-2.0, NAN), (-INF, NAN), (INF, INF), (NAN, NAN), (0.0, 0.0),
              (-0.0, -0.0), (1e-30, 1e-30), (-(2.0 ** -149), -(2.0 ** -149))],
    "tanh": [(INF, 1.0), (-INF, -1.0), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30),
             (-(2.0 ** -149), -(2.0 ** -149)), (20.0, 1.0), (-20.0, -1.0), (9.1, 1.0),
             (-9.1, -1.0), (9.0999994, 1.0), (1e30, 1.0), (-3.4028235e38, -1.0)],
    "sigmoid": [(INF, 1.0), (-INF, 0.0), (NAN, NAN), (0.0, 0.5), (-0.0, 0.5), (100.0, 1.0),
                (-200.0, 0.0)],
    "erf": [(INF, 1.0), (-INF, -1.0), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (4.0, 1.0),
            (-10.0, -1.0)],
}


def _same(a, b):
    """Equal as float32 values, NaN equal to NaN, and the sign of zero must match."""
    a, b = np.float32(a), np.float32(b)
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return bool(a == b and np.signbit(a) == np.signbit(b))


@pytest.mark.parametrize("name", list(CASES))
def test_special_values(name):
    x = np.array([v for v, _ in SPECIALS[name]], np.float32)
    want = [w for _, w in SPECIALS[name]]
    got = run(name, x)
    with np.errstate(all="ignore"):
        plain = [CASES[name][0](v) for v in x]
    for xi, g, p, w in zip(x, got, plain, want):
        assert _same(g, w), (name, xi, g, w)
        assert _same(p, w), (name, "python", xi, p, w)


def test_float32_in_float32_out():
    """No silent promotion: every helper takes and returns float32 in jitted code."""
    (sig,) = all_helpers().nopython_signatures
    assert sig.args == (nb.float32,)
    assert sig.return_type == nb.types.UniTuple(nb.float32, len(CASES))


@pytest.mark.parametrize("name", list(CASES))
def test_python_mode_matches_jitted(name):
    """The helper run as plain Python on float32 scalars computes what jitted code
    computes, bit for bit (without FMA contraction, which may move the last bit)."""
    fn = CASES[name][0]
    rng = np.random.default_rng(7)
    _, _, (lo, hi), edges = CASES[name]
    x = np.concatenate([rng.uniform(lo, hi, 150), rng.standard_normal(50) * 5,
                        np.array(edges), [np.inf, -np.inf, np.nan, 1e-40, -1e-40, 3e38, -3e38]])
    x = x.astype(np.float32)
    jitted = run_without_fma(name, x)
    with np.errstate(all="ignore"):
        plain = [fn(v) for v in x]
    assert all(type(v) is np.float32 for v in plain)
    plain = np.array(plain)
    same = (plain.view(np.uint32) == jitted.view(np.uint32)) | (np.isnan(plain) & np.isnan(jitted))
    assert same.all(), (x[~same], plain[~same], jitted[~same])


def _min_vector_width():
    """8 floats where Numba targets AVX (incl. NUMBA_CPU_NAME overrides), else 4."""
    from numba.core.registry import cpu_target

    features = getattr(cpu_target.target_context.codegen(), "_tm_features", "") or ""
    return 8 if "+avx" in features.split(",") else 4


# A call to a libm function or LLVM math intrinsic: LLVM "vectorises" such loops
# too (<8 x float> loads, @llvm.exp.v8f32) but the backend makes them 8 scalar calls.
_SCALAR_MATH = re.compile(r"call [^\n]*@(llvm\.(exp|exp2|exp10|log|log2|log10|pow|sin|cos|tan|"
                          r"tanh|sinh|cosh)\.|(exp|expm1|log|log1p|tanh|erf|pow)f?\b)")


def vector_arith_widths(ir):
    """Widths of the float vectors that the loop multiplies (real SIMD arithmetic)."""
    return {int(w) for w in re.findall(r"= fmul [a-z ]*<(\d+) x float>", ir)}


@pytest.mark.parametrize("name", list(CASES))
def test_loop_vectorises(name):
    loop = loop_for(name)
    x = np.ones(16, np.float32)
    loop(x, np.empty_like(x))
    ir = loop.inspect_llvm(loop.signatures[0])
    assert max(vector_arith_widths(ir), default=0) >= _min_vector_width(), name
    assert not _SCALAR_MATH.search(ir), _SCALAR_MATH.search(ir).group(0)


def test_vectorisation_check_catches_libm_loops():
    """The check above rejects a loop over math.exp, whose IR also holds <8 x float>."""

    @nb.njit(error_model="numpy", fastmath={"contract"})
    def loop(x, out):
        for i in range(x.size):
            out[i] = math.exp(x[i]) * x[i]

    x = np.ones(16, np.float32)
    loop(x, np.empty_like(x))
    assert _SCALAR_MATH.search(loop.inspect_llvm(loop.signatures[0]))


def test_float64_argument_is_rejected():
    """No silent float64 path: the bit tricks are float32-only."""
    f = nb.njit(fm.exp_f32)
    with pytest.raises(nb.core.errors.TypingError):
        f(1.0)


def test_docstring_examples():
    assert fm.exp_f32(F(1.0)) == F(math.e)
    assert fm.log_f32(F(10.0)) == F(math.log(10.0))


def test_helper_table_lists_every_helper():
    assert {f.__name__ for f in fm.F32_HELPERS.values()} == {c[0].__name__ for c in CASES.values()}
