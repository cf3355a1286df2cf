"""The same MT19937 stream as `@cuda.jit` kernels (imported only when asked for).

Generator t fills chunk t of MXNet's chunking (see `cpu_kernels.py`), so a GPU
pool gives the CPU pool's numbers; the kernels (`cuda_block.py`) run one CUDA
block per generator. This module holds their device functions and the glue to
`GeneratorPool`. The state is seeded on the host (one CPU kernel call) and
mirrored on the device.

Bit-identity on a real GPU needs care that the simulator does not show:
NVVM contracts `a*b + c` into an FMA, so the float arithmetic goes through
libdevice's `*_rn` functions, which are never contracted, and the float32
and float64 `log`s are the same glibc transcriptions as on the CPU (with
explicit FMAs; the device's own `log` is within an ulp of glibc's, not equal).
Raw words, uniforms, integers and normals are then identical by construction.
Under the simulator (`NUMBA_ENABLE_CUDASIM=1`) the helpers are
NumPy-scalar Python, float32 stays float32, and every sampler here matches the
CPU bit for bit.

Native kernels: uniform, normal, randint. Other samplers on a GPU pool run on
the host state and copy the result to the device (same numbers, slower).
"""
import numpy as np
from numba import config, cuda

from mxnb._rng import mt_core as _c

_SIM = bool(config.ENABLE_CUDASIM)
if not _SIM:
    from mxnb.kernels import cuda_nofma

    cuda_nofma.install()
_U = np.uint32
_F32 = np.float32
_NSTATE = 624

if _SIM:
    from fractions import Fraction

    def _fadd(a, b):
        return _F32(a) + _F32(b)

    def _fmul(a, b):
        return _F32(a) * _F32(b)

    def _dadd(a, b):
        return float(a) + float(b)

    def _dmul(a, b):
        return float(a) * float(b)

    def _fmin(a, b):
        return _F32(a) if a < b else _F32(b)

    def _fma(a, b, c):
        # exact product and sum, one rounding (the simulator's cuda.fma is a*b+c)
        return float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))

    def _f32_bits(x):
        return np.array(x, np.float32).view(np.uint32)[()]

    def _bits_f32(u):
        return np.array(u, np.uint32).view(np.float32)[()]

    def _f64_bits(x):
        return np.array(x, np.float64).view(np.int64)[()]

    def _bits_f64(u):
        return np.array(u, np.int64).view(np.float64)[()]
else:
    from numba.cuda import libdevice

    _fadd, _fmul = libdevice.fadd_rn, libdevice.fmul_rn
    _fmin = libdevice.fminf
    _dadd, _dmul = libdevice.dadd_rn, libdevice.dmul_rn
    _fma = libdevice.fma

    @cuda.jit(device=True)
    def _f32_bits(x):
        return _U(libdevice.float_as_int(x))

    @cuda.jit(device=True)
    def _bits_f32(u):
        return libdevice.int_as_float(np.int32(u))

    @cuda.jit(device=True)
    def _f64_bits(x):
        return libdevice.double_as_longlong(x)

    @cuda.jit(device=True)
    def _bits_f64(u):
        return libdevice.longlong_as_double(u)


_INVC = _c._LOGF_INVC
_LOGC = _c._LOGF_LOGC
_LN2, _A0, _A1, _A2 = _c._LOGF_LN2, _c._LOGF_A0, _c._LOGF_A1, _c._LOGF_A2
_LOG_INVC, _LOG_LOGC = _c._LOG_INVC, _c._LOG_LOGC
_LN2HI, _LN2LO = _c._LOG_LN2HI, _c._LOG_LN2LO
_LA, _LB = _c._LOG_A, _c._LOG_B
_LOG_OFF, _LOG_LO, _LOG_HI, _LOG_ONE = _c._LOG_OFF, _c._LOG_LO, _c._LOG_HI, _c._LOG_ONE
_TWO27 = _c._TWO27


# ---------------------------------------------------------------------------
# device functions
# ---------------------------------------------------------------------------
@cuda.jit(device=True)
def _temper(y):
    y = _U(y ^ _U(y >> _U(11)))
    y = _U(y ^ _U(_U(y << _U(7)) & _U(0x9D2C5680)))
    y = _U(y ^ _U(_U(y << _U(15)) & _U(0xEFC60000)))
    return _U(y ^ _U(y >> _U(18)))


@cuda.jit(device=True)
def _mix(a, b, c):
    y = _U(_U(a & _U(0x80000000)) | _U(b & _U(0x7FFFFFFF)))
    return _U(_U(c ^ _U(y >> _U(1))) ^ _U(_U(_U(0) - _U(y & _U(1))) & _U(0x9908B0DF)))


@cuda.jit(device=True)
def _u01_f32(y):
    # values that round up to 1 become the largest float32 below 1: a min is one
    # instruction, a compare and select two (v is never NaN)
    return _fmin(_F32(y) * _F32(2.0 ** -32), _F32(0.99999994))


@cuda.jit(device=True)
def _u01_f64(a, b):
    v = (float(a) + float(b) * 4294967296.0) * (2.0 ** -64)
    if v >= 1.0:
        v = 1.0 - 2.0 ** -53
    return v


@cuda.jit(device=True)
def _logf(x):
    """glibc's logf, as `mt_core.logf` (positive normal x)."""
    ix = _f32_bits(x)
    tmp = _U(ix - _U(0x3F330000))
    i = int(_U(tmp >> _U(19)) & _U(15))
    k = int(np.int32(tmp)) >> 23
    iz = _U(ix - _U(tmp & _U(0xFF800000)))
    z = float(_bits_f32(iz))
    r = _fma(z, _INVC[i], -1.0)
    y0 = _fma(float(k), _LN2, _LOGC[i])
    r2 = _dmul(r, r)
    y = _fma(_A1, r, _A2)
    y = _fma(_A0, r2, y)
    y = _fma(y, r2, _dadd(y0, r))
    return _F32(y)


@cuda.jit(device=True)
def _log_f64(x):
    """glibc's double log, as `mt_core.log_f64` (positive normal x in (0, 1]).

    Every product and sum is an explicit `_fma`, `_dmul` or `_dadd`: NVVM would
    otherwise contract other `a*b + c` than the ones glibc's build does.
    """
    ix = _f64_bits(x)
    if ix >= _LOG_LO and ix < _LOG_HI:
        if ix == _LOG_ONE:
            return 0.0
        return _log_near1(_dadd(x, -1.0))
    tmp = ix - _LOG_OFF
    i = (tmp >> 45) & 127
    k = tmp >> 52
    z = _bits_f64(ix - (k << 52))
    kd = float(k)
    r = _fma(z, _LOG_INVC[i], -1.0)
    w = _fma(kd, _LN2HI, _LOG_LOGC[i])
    hi = _dadd(w, r)
    lo = _fma(kd, _LN2LO, _dadd(_dadd(w, -hi), r))
    r2 = _dmul(r, r)
    p = _fma(_fma(r, _LA[4], _LA[3]), r2, _fma(r, _LA[2], _LA[1]))
    return _dadd(_fma(_dmul(r, r2), p, _fma(r2, _LA[0], lo)), hi)


@cuda.jit(device=True)
def _log_near1(r):
    """log1p(r) for |r| < 1/16, as `mt_core._log_near1`."""
    r2 = _dmul(r, r)
    r3 = _dmul(r, r2)
    c1 = _fma(r2, _LB[3], _fma(r, _LB[2], _LB[1]))
    c2 = _fma(r2, _LB[6], _fma(r, _LB[5], _LB[4]))
    c3 = _fma(r3, _LB[10], _fma(r2, _LB[9], _fma(r, _LB[8], _LB[7])))
    p = _fma(_fma(c3, r3, c2), r3, c1)
    rhi = _fma(-r, _TWO27, _fma(r, _TWO27, r))
    rlo = _dadd(r, -rhi)
    rhi2 = _dmul(rhi, rhi)
    hi = _fma(rhi2, _LB[0], r)
    lo = _fma(rhi2, _LB[0], _dadd(r, -hi))
    lo = _fma(_dmul(_LB[0], rlo), _dadd(rhi, r), lo)
    return _dadd(hi, _fma(p, r3, lo))


# ---------------------------------------------------------------------------
# glue for GeneratorPool(target="cuda")
# ---------------------------------------------------------------------------
def push_state(pool):
    """Mirror the pool's state on the device (the mirror is then authoritative)."""
    if pool._dev is None:
        mt, pos = pool._state()
        pool._dev = (cuda.to_device(mt), cuda.to_device(pos.astype(np.int64)))
    return pool._dev


def pull_state(pool):
    """Bring the device state back to the host (the host is then authoritative)."""
    if pool._dev is not None:
        d_mt, d_pos = pool._dev
        pool._mt = d_mt.copy_to_host()
        pool._pos = d_pos.copy_to_host().astype(np.uint64)
        pool._dev = None


def check_out(out, name, kinds):
    """Validate a device array `out`; return its flat view."""
    if not (hasattr(out, "__cuda_array_interface__") or hasattr(out, "copy_to_host")):
        raise TypeError(f"{name}: out must be a numpy array or a CUDA device array, "
                        f"got {type(out).__name__}")
    if np.dtype(out.dtype) not in kinds:
        allowed = ", ".join(sorted(k.name for k in kinds))
        raise TypeError(f"{name}: out dtype must be one of {allowed}, got {out.dtype}")
    if not out.flags["C_CONTIGUOUS"]:
        raise ValueError(f"{name}: out must be C-contiguous")
    return out.reshape(out.size)


def fill(pool, out, kernel, *args):
    """Run sampler `kernel` (with the CPU argument list) into device array `out`."""
    flat = out.reshape(out.size)
    n = flat.shape[0]
    if n == 0:
        return
    dt = np.dtype(flat.dtype)
    native = kernel in ("uniform", "normal", "randint") and dt != np.float16
    if not native:
        host = np.empty(n, dt)
        getattr(pool, "_fill")(host, host, kernel, *args)
        flat.copy_to_device(host)
        return
    with pool._lock:
        _launch(pool, flat, dt, kernel, n, args)


def _launch(pool, flat, dt, kernel, n, args):
    from mxnb._rng import cuda_block
    from mxnb._rng.pool import plan

    d_mt, d_pos = push_state(pool)
    nthread, step = plan(n)
    if kernel == "randint":
        low, span, _ = args
        cuda_block.launch("randint", nthread, d_mt, d_pos, flat, nthread, step, low, span,
                          n, 2)
        return
    p0, p1, nb, p32 = args               # float64 arrays; p32: they hold floats
    if kernel == "uniform":
        # MXNet computes (hi - lo) in the parameters' type
        b = (p1.astype(np.float32) - p0.astype(np.float32)).astype(np.float64) if p32 \
            else p1 - p0
        words = 2 if dt == np.float64 else 1
    else:
        b = p1
        words = 4 if dt == np.float64 else 2
    c32 = dt == np.float32 and p32
    if c32:
        p0, b = p0.astype(np.float32), b.astype(np.float32)
    name = kernel + ("_c32" if c32 else "_c64")
    cuda_block.launch(name, nthread, d_mt, d_pos, flat, nthread, step, p0, b, nb, words)
