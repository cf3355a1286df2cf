"""MT19937 and float-conversion primitives shared by the CPU kernels.

Everything here is an `@njit` helper that the kernels in `cpu_kernels.py`
inline; nothing is a kernel by itself. Imported lazily (it imports numba).

Why the odd style: Numba types arithmetic on `uint32` as 64-bit, which stops
LLVM from packing eight generators' words into one AVX register, so every
intermediate is cast back with `_U(...)`. Indices are unsigned (`uint64`):
signed computed indices get wraparound checks that block vectorisation, and
mixing `uint64` with `int64` silently promotes to float64.

The float32 `log` is a transcription of glibc's `logf` (glibc 2.28 and later,
`sysdeps/ieee754/flt-32/e_logf.c`): MXNet's `std::normal_distribution<float>`
calls glibc `logf`, which is not correctly rounded, so only the same algorithm
reproduces MXNet's normal samples bit for bit. It is plain arithmetic, so it
vectorises, and it does not depend on the platform's libm. It was checked
against glibc 2.36 `logf` on every normal float32 in [2**-126, 2]. The double
`log` of the float64 normals is transcribed the same way (`log_f64`), so the
GPU, which has no glibc, gives the CPU's bits.
"""
import numpy as np

from mxnb._jit import njit, numba

_nb = numba()
from numba import types  # noqa: E402  (numba is imported through mxnb._jit first)
from numba.extending import intrinsic  # noqa: E402

from mxnb.kernels import libm_f32 as _libm  # noqa: E402

_U = np.uint32
_U64 = np.uint64
NSTATE = 624                      # words in one MT19937 state
_ONE_BELOW_F32 = np.float32(0.99999994)                 # nextafter(1, 0) in float32
_ONE_BELOW_F64 = 1.0 - 2.0 ** -53
_TWO_M32 = np.float32(2.0 ** -32)


@intrinsic
def _u32_to_f32(typingctx, x):
    """uint32 -> float32, rounded to nearest (one `uitofp`, so it vectorises)."""
    if x != types.uint32:
        return None

    def codegen(context, builder, sig, args):
        return builder.uitofp(args[0], context.get_value_type(types.float32))

    return types.float32(types.uint32), codegen


def _bitcast(name, src, dst, doc):
    """An intrinsic `name` reinterpreting the bits of a `src` value as a `dst` (one bitcast)."""
    def cast(typingctx, x):
        if x != src:
            return None

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], context.get_value_type(dst))

        return dst(src), codegen

    cast.__name__ = cast.__qualname__ = name  # intrinsics are told apart by name
    cast.__doc__ = doc
    return intrinsic(cast)


_f32_bits = _bitcast("_f32_bits", types.float32, types.uint32,
                     "The bits of a float32 as a uint32.")
_bits_f32 = _bitcast("_bits_f32", types.uint32, types.float32,
                     "A uint32 reinterpreted as a float32.")
_f64_bits = _bitcast("_f64_bits", types.float64, types.int64,
                     "The bits of a float64 as an int64 (signed: see `log_f64`).")
_bits_f64 = _bitcast("_bits_f64", types.int64, types.float64,
                     "An int64 reinterpreted as a float64.")


@intrinsic
def _fma(typingctx, a, b, c):
    """Fused multiply-add in float64 (glibc's x86-64 logf and log are built with FMA)."""
    if not (a == b == c == types.float64):
        return None

    def codegen(context, builder, sig, args):
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@njit(inline="always")
def temper(y):
    """MT19937 output tempering of one state word."""
    y = _U(y ^ _U(y >> _U(11)))
    y = _U(y ^ _U(_U(y << _U(7)) & _U(0x9D2C5680)))
    y = _U(y ^ _U(_U(y << _U(15)) & _U(0xEFC60000)))
    return _U(y ^ _U(y >> _U(18)))


@njit(inline="always")
def _mix(a, b, c):
    y = _U(_U(a & _U(0x80000000)) | _U(b & _U(0x7FFFFFFF)))
    return _U(_U(c ^ _U(y >> _U(1))) ^ _U(_U(_U(0) - _U(y & _U(1))) & _U(0x9908B0DF)))


@njit
def twist(mt, g):
    """Regenerate the 624 words of generator row `g` in place.

    Split into the index ranges where `i + 397` does and does not wrap, so
    there is no modulo and each range is a plain loop that LLVM vectorises.
    """
    for i in range(_U64(0), _U64(227)):
        mt[g, i] = _mix(mt[g, i], mt[g, i + _U64(1)], mt[g, i + _U64(397)])
    for i in range(_U64(227), _U64(623)):
        mt[g, i] = _mix(mt[g, i], mt[g, i + _U64(1)], mt[g, i - _U64(227)])
    mt[g, 623] = _mix(mt[g, 623], mt[g, 0], mt[g, 396])


@njit
def init_genrand(mt, g, s):
    """Seed row `g` as `std::mt19937::seed(s)` / `init_genrand` does."""
    x = _U(s)
    mt[g, 0] = x
    for i in range(1, NSTATE):
        x = _U(_U(_U(1812433253) * _U(x ^ _U(x >> _U(30)))) + _U(i))
        mt[g, i] = x


@njit(inline="always")
def raw(mt, g, p):
    """Next tempered word of generator `g` at position `p`: (word, new p)."""
    if p >= _U64(NSTATE):
        twist(mt, g)
        p = _U64(0)
    return temper(mt[g, p]), p + _U64(1)


@njit(inline="always")
def u01_f32(y):
    """`std::generate_canonical<float, 24>` of one raw word (libstdc++)."""
    return min(_u32_to_f32(y) * _TWO_M32, _ONE_BELOW_F32)


@njit(inline="always")
def u01_f64(a, b):
    """`std::generate_canonical<double, 53>` of two raw words (libstdc++)."""
    v = (np.float64(a) + np.float64(b) * 4294967296.0) * (2.0 ** -64)
    return min(v, _ONE_BELOW_F64)


@njit(inline="always")
def draw_f32(mt, g, p):
    """One float32 uniform in [0, 1): (u, new p)."""
    y, p = raw(mt, g, p)
    return u01_f32(y), p


@njit(inline="always")
def draw_f64(mt, g, p):
    """One float64 uniform in [0, 1) from two raw words: (u, new p)."""
    a, p = raw(mt, g, p)
    b, p = raw(mt, g, p)
    return u01_f64(a, b), p


_H = float.fromhex
# glibc's logf table and coefficients: one copy, in kernels.libm_f32
_LOGF_INVC = np.array(_libm.LOGF_INVC)
_LOGF_LOGC = np.array(_libm.LOGF_LOGC)
_LOGF_LN2 = _libm.LOGF_LN2
_LOGF_A0, _LOGF_A1, _LOGF_A2 = _libm.LOGF_A0, _libm.LOGF_A1, _libm.LOGF_A2


# glibc's double `log` (2.28 and later, `sysdeps/ieee754/dbl-64/e_log.c`, from Arm
# Optimized Routines): 128 (invc, logc) pairs, two pairs a line.
_LOG_TAB = np.array([_H(v) for v in """
0x1.734f0c3e0de9fp+0 -0x1.7cc7f79e69000p-2 0x1.713786a2ce91fp+0 -0x1.76feec20d0000p-2
0x1.6f26008fab5a0p+0 -0x1.713e31351e000p-2 0x1.6d1a61f138c7dp+0 -0x1.6b85b38287800p-2
0x1.6b1490bc5b4d1p+0 -0x1.65d5590807800p-2 0x1.69147332f0cbap+0 -0x1.602d076180000p-2
0x1.6719f18224223p+0 -0x1.5a8ca86909000p-2 0x1.6524f99a51ed9p+0 -0x1.54f4356035000p-2
0x1.63356aa8f24c4p+0 -0x1.4f637c36b4000p-2 0x1.614b36b9ddc14p+0 -0x1.49da7fda85000p-2
0x1.5f66452c65c4cp+0 -0x1.445923989a800p-2 0x1.5d867b5912c4fp+0 -0x1.3edf439b0b800p-2
0x1.5babccb5b90dep+0 -0x1.396ce448f7000p-2 0x1.59d61f2d91a78p+0 -0x1.3401e17bda000p-2
0x1.5805612465687p+0 -0x1.2e9e2ef468000p-2 0x1.56397cee76bd3p+0 -0x1.2941b3830e000p-2
0x1.54725e2a77f93p+0 -0x1.23ec58cda8800p-2 0x1.52aff42064583p+0 -0x1.1e9e129279000p-2
0x1.50f22dbb2bddfp+0 -0x1.1956d2b48f800p-2 0x1.4f38f4734ded7p+0 -0x1.141679ab9f800p-2
0x1.4d843cfde2840p+0 -0x1.0edd094ef9800p-2 0x1.4bd3ec078a3c8p+0 -0x1.09aa518db1000p-2
0x1.4a27fc3e0258ap+0 -0x1.047e65263b800p-2 0x1.4880524d48434p+0 -0x1.feb224586f000p-3
0x1.46dce1b192d0bp+0 -0x1.f474a7517b000p-3 0x1.453d9d3391854p+0 -0x1.ea4443d103000p-3
0x1.43a2744b4845ap+0 -0x1.e020d44e9b000p-3 0x1.420b54115f8fbp+0 -0x1.d60a22977f000p-3
0x1.40782da3ef4b1p+0 -0x1.cc00104959000p-3 0x1.3ee8f5d57fe8fp+0 -0x1.c202956891000p-3
0x1.3d5d9a00b4ce9p+0 -0x1.b81178d811000p-3 0x1.3bd60c010c12bp+0 -0x1.ae2c9ccd3d000p-3
0x1.3a5242b75dab8p+0 -0x1.a45402e129000p-3 0x1.38d22cd9fd002p+0 -0x1.9a877681df000p-3
0x1.3755bc5847a1cp+0 -0x1.90c6d69483000p-3 0x1.35dce49ad36e2p+0 -0x1.87120a645c000p-3
0x1.34679984dd440p+0 -0x1.7d68fb4143000p-3 0x1.32f5cceffcb24p+0 -0x1.73cb83c627000p-3
0x1.3187775a10d49p+0 -0x1.6a39a9b376000p-3 0x1.301c8373e3990p+0 -0x1.60b3154b7a000p-3
0x1.2eb4ebb95f841p+0 -0x1.5737d76243000p-3 0x1.2d50a0219a9d1p+0 -0x1.4dc7b8fc23000p-3
0x1.2bef9a8b7fd2ap+0 -0x1.4462c51d20000p-3 0x1.2a91c7a0c1babp+0 -0x1.3b08abc830000p-3
0x1.293726014b530p+0 -0x1.31b996b490000p-3 0x1.27dfa5757a1f5p+0 -0x1.2875490a44000p-3
0x1.268b39b1d3bbfp+0 -0x1.1f3b9f879a000p-3 0x1.2539d838ff5bdp+0 -0x1.160c8252ca000p-3
0x1.23eb7aac9083bp+0 -0x1.0ce7f57f72000p-3 0x1.22a012ba940b6p+0 -0x1.03cdc49fea000p-3
0x1.2157996cc4132p+0 -0x1.f57bdbc4b8000p-4 0x1.201201dd2fc9bp+0 -0x1.e370896404000p-4
0x1.1ecf4494d480bp+0 -0x1.d17983ef94000p-4 0x1.1d8f5528f6569p+0 -0x1.bf9674ed8a000p-4
0x1.1c52311577e7cp+0 -0x1.adc79202f6000p-4 0x1.1b17c74cb26e9p+0 -0x1.9c0c3e7288000p-4
0x1.19e010c2c1ab6p+0 -0x1.8a646b372c000p-4 0x1.18ab07bb670bdp+0 -0x1.78d01b3ac0000p-4
0x1.1778a25efbcb6p+0 -0x1.674f145380000p-4 0x1.1648d354c31dap+0 -0x1.55e0e6d878000p-4
0x1.151b990275fddp+0 -0x1.4485cdea1e000p-4 0x1.13f0ea432d24cp+0 -0x1.333d94d6aa000p-4
0x1.12c8b7210f9dap+0 -0x1.22079f8c56000p-4 0x1.11a3028ecb531p+0 -0x1.10e4698622000p-4
0x1.107fbda8434afp+0 -0x1.ffa6c6ad20000p-5 0x1.0f5ee0f4e6bb3p+0 -0x1.dda8d4a774000p-5
0x1.0e4065d2a9fcep+0 -0x1.bbcece4850000p-5 0x1.0d244632ca521p+0 -0x1.9a1894012c000p-5
0x1.0c0a77ce2981ap+0 -0x1.788583302c000p-5 0x1.0af2f83c636d1p+0 -0x1.5715e67d68000p-5
0x1.09ddb98a01339p+0 -0x1.35c8a49658000p-5 0x1.08cabaf52e7dfp+0 -0x1.149e364154000p-5
0x1.07b9f2f4e28fbp+0 -0x1.e72c082eb8000p-6 0x1.06ab58c358f19p+0 -0x1.a55f152528000p-6
0x1.059eea5ecf92cp+0 -0x1.63d62cf818000p-6 0x1.04949cdd12c90p+0 -0x1.228fb8caa0000p-6
0x1.038c6c6f0ada9p+0 -0x1.c317b20f90000p-7 0x1.02865137932a9p+0 -0x1.419355daa0000p-7
0x1.0182427ea7348p+0 -0x1.81203c2ec0000p-8 0x1.008040614b195p+0 -0x1.0040979240000p-9
0x1.fe01ff726fa1ap-1 0x1.feff384900000p-9 0x1.fa11cc261ea74p-1 0x1.7dc41353d0000p-7
0x1.f6310b081992ep-1 0x1.3cea3c4c28000p-6 0x1.f25f63ceeadcdp-1 0x1.b9fc114890000p-6
0x1.ee9c8039113e7p-1 0x1.1b0d8ce110000p-5 0x1.eae8078cbb1abp-1 0x1.58a5bd001c000p-5
0x1.e741aa29d0c9bp-1 0x1.95c8340d88000p-5 0x1.e3a91830a99b5p-1 0x1.d276aef578000p-5
0x1.e01e009609a56p-1 0x1.07598e598c000p-4 0x1.dca01e577bb98p-1 0x1.253f5e30d2000p-4
0x1.d92f20b7c9103p-1 0x1.42edd8b380000p-4 0x1.d5cac66fb5ccep-1 0x1.606598757c000p-4
0x1.d272caa5ede9dp-1 0x1.7da76356a0000p-4 0x1.cf26e3e6b2ccdp-1 0x1.9ab434e1c6000p-4
0x1.cbe6da2a77902p-1 0x1.b78c7bb0d6000p-4 0x1.c8b266d37086dp-1 0x1.d431332e72000p-4
0x1.c5894bd5d5804p-1 0x1.f0a3171de6000p-4 0x1.c26b533bb9f8cp-1 0x1.067152b914000p-3
0x1.bf583eeece73fp-1 0x1.147858292b000p-3 0x1.bc4fd75db96c1p-1 0x1.2266ecdca3000p-3
0x1.b951e0c864a28p-1 0x1.303d7a6c55000p-3 0x1.b65e2c5ef3e2cp-1 0x1.3dfc33c331000p-3
0x1.b374867c9888bp-1 0x1.4ba366b7a8000p-3 0x1.b094b211d304ap-1 0x1.5933928d1f000p-3
0x1.adbe885f2ef7ep-1 0x1.66acd2418f000p-3 0x1.aaf1d31603da2p-1 0x1.740f8ec669000p-3
0x1.a82e63fd358a7p-1 0x1.815c0f51af000p-3 0x1.a5740ef09738bp-1 0x1.8e92954f68000p-3
0x1.a2c2a90ab4b27p-1 0x1.9bb3602f84000p-3 0x1.a01a01393f2d1p-1 0x1.a8bed1c2c0000p-3
0x1.9d79f24db3c1bp-1 0x1.b5b515c01d000p-3 0x1.9ae2505c7b190p-1 0x1.c2967ccbcc000p-3
0x1.9852ef297ce2fp-1 0x1.cf635d5486000p-3 0x1.95cbaeea44b75p-1 0x1.dc1bd3446c000p-3
0x1.934c69de74838p-1 0x1.e8c01b8cfe000p-3 0x1.90d4f2f6752e6p-1 0x1.f5509c0179000p-3
0x1.8e6528effd79dp-1 0x1.00e6c121fb800p-2 0x1.8bfce9fcc007cp-1 0x1.071b80e93d000p-2
0x1.899c0dabec30ep-1 0x1.0d46b9e867000p-2 0x1.87427aa2317fbp-1 0x1.13687334bd000p-2
0x1.84f00acb39a08p-1 0x1.1980d67234800p-2 0x1.82a49e8653e55p-1 0x1.1f8ffe0cc8000p-2
0x1.8060195f40260p-1 0x1.2595fd7636800p-2 0x1.7e22563e0a329p-1 0x1.2b9300914a800p-2
0x1.7beb377dcb5adp-1 0x1.3187210436000p-2 0x1.79baa679725c2p-1 0x1.377266dec1800p-2
0x1.77907f2170657p-1 0x1.3d54ffbaf3000p-2 0x1.756cadbd6130cp-1 0x1.432eee32fe000p-2
""".split()]).reshape(128, 2)
_LOG_INVC = np.ascontiguousarray(_LOG_TAB[:, 0])
_LOG_LOGC = np.ascontiguousarray(_LOG_TAB[:, 1])
_LOG_LN2HI = _H("0x1.62e42fefa3800p-1")
_LOG_LN2LO = _H("0x1.ef35793c76730p-45")
_LOG_A = tuple(_H(v) for v in (        # log1p(r) ~ r + A[0]*r**2 + ... + A[4]*r**6
    "-0x1.0000000000001p-1", "0x1.555555551305bp-2", "-0x1.fffffffeb4590p-3",
    "0x1.999b324f10111p-3", "-0x1.55575e506c89fp-3"))
_LOG_B = tuple(_H(v) for v in (        # the same to r**12, for x near 1; B[0] == -0.5
    "-0x1p-1", "0x1.5555555555577p-2", "-0x1.ffffffffffdcbp-3", "0x1.999999995dd0cp-3",
    "-0x1.55555556745a7p-3", "0x1.24924a344de3p-3", "-0x1.fffffa4423d65p-4",
    "0x1.c7184282ad6cap-4", "-0x1.999eb43b068ffp-4", "0x1.78182f7afd085p-4",
    "-0x1.5521375d145cdp-4"))
_LOG_OFF = np.int64(0x3FE6000000000000)
_LOG_LO = np.int64(0x3FEE000000000000)          # bits of 1 - 2**-4
_LOG_HI = np.int64(0x3FF1090000000000)          # bits of 1 + 0x1.09p-4
_LOG_ONE = np.int64(0x3FF0000000000000)
_TWO27 = 2.0 ** 27


@njit(inline="always")
def logf(x):
    """glibc's float32 `logf` for positive normal `x` (no special cases).

    Zero, subnormals, negatives, inf and NaN give garbage rather than an
    error; the callers only use those lanes' results after discarding them.
    """
    ix = _f32_bits(x)
    tmp = _U(ix - _U(0x3F330000))
    i = _U64(_U(tmp >> _U(19)) & _U(15))
    k = np.int32(tmp) >> np.int32(23)
    iz = _U(ix - _U(tmp & _U(0xFF800000)))
    z = np.float64(_bits_f32(iz))
    r = _fma(z, _LOGF_INVC[i], -1.0)
    y0 = _fma(np.float64(k), _LOGF_LN2, _LOGF_LOGC[i])
    r2 = r * r
    y = _fma(_LOGF_A1, r, _LOGF_A2)
    y = _fma(_LOGF_A0, r2, y)
    y = _fma(y, r2, y0 + r)
    return np.float32(y)


@njit(inline="always")
def log_f64(x):
    """glibc's double `log` for positive normal `x` in (0, 1] (no special cases).

    The polar sampler's `r2` is the only input, and it is always in (0, 1] and
    at least 2**-128, so zero, subnormals, negatives, inf and NaN are not
    handled. The FMAs are where GCC contracts glibc's C when it builds the
    `-mfma -mavx2` variant that x86-64 CPUs with FMA run (read off its
    machine code), so this is glibc's result bit for bit on any platform;
    checked against glibc 2.36 on 2 * 10**7 polar inputs and 2.3 * 10**7 more
    near 1, at the table's interval edges and down to 2**-60
    (`bench/check_log_f64.py`).
    Integers are signed: for x <= 1 nothing wraps, and the arithmetic shift
    is the one glibc uses for the exponent.

    >>> log_f64(0.3).hex()              # glibc's math.log(0.3) too
    '-0x1.34378fcbda721p+0'
    """
    ix = _f64_bits(x)
    if ix >= _LOG_LO and ix < _LOG_HI:
        if ix == _LOG_ONE:
            return 0.0
        return _log_near1(x - 1.0)
    tmp = ix - _LOG_OFF
    i = (tmp >> np.int64(45)) & np.int64(127)
    k = tmp >> np.int64(52)
    z = _bits_f64(ix - (k << np.int64(52)))
    kd = np.float64(k)
    r = _fma(z, _LOG_INVC[i], -1.0)
    # hi + lo = r + log(c) + k*ln2
    w = _fma(kd, _LOG_LN2HI, _LOG_LOGC[i])
    hi = w + r
    lo = _fma(kd, _LOG_LN2LO, (w - hi) + r)
    r2 = r * r
    p = _fma(_fma(r, _LOG_A[4], _LOG_A[3]), r2, _fma(r, _LOG_A[2], _LOG_A[1]))
    return _fma(r * r2, p, _fma(r2, _LOG_A[0], lo)) + hi


@njit(inline="always")
def _log_near1(r):
    """log1p(r) for |r| < 1/16 as glibc's `log` does it near 1 (r = x - 1 exactly)."""
    r2 = r * r
    r3 = r * r2
    c1 = _fma(r2, _LOG_B[3], _fma(r, _LOG_B[2], _LOG_B[1]))
    c2 = _fma(r2, _LOG_B[6], _fma(r, _LOG_B[5], _LOG_B[4]))
    c3 = _fma(r3, _LOG_B[10], _fma(r2, _LOG_B[9], _fma(r, _LOG_B[8], _LOG_B[7])))
    p = _fma(_fma(c3, r3, c2), r3, c1)
    # r = rhi + rlo with rhi's square exact; -0.5*r**2 is then added in two parts
    rhi = _fma(-r, _TWO27, _fma(r, _TWO27, r))
    rlo = r - rhi
    rhi2 = rhi * rhi
    hi = _fma(rhi2, _LOG_B[0], r)
    lo = _fma(rhi2, _LOG_B[0], r - hi)
    lo = _fma(_LOG_B[0] * rlo, rhi + r, lo)
    return hi + _fma(p, r3, lo)


@njit(inline="always")
def polar_f32(x, y):
    """Marsaglia's polar step in float32: (sample, accepted)."""
    r2 = x * x + y * y
    ok = (r2 <= np.float32(1.0)) and (r2 != np.float32(0.0))
    return y * np.sqrt(np.float32(-2.0) * logf(r2) / r2), ok


@njit(error_model="numpy")
def normal_f32(mt, g, p):
    """`std::normal_distribution<float>` with a fresh object: (z, new p)."""
    while True:
        u, p = draw_f32(mt, g, p)
        v, p = draw_f32(mt, g, p)
        z, ok = polar_f32(np.float32(2.0) * u - np.float32(1.0),
                          np.float32(2.0) * v - np.float32(1.0))
        if ok:
            return z, p


@njit(error_model="numpy")
def normal_f64_once(mt, g, p):
    """One try of the double polar method: (z, new p), z NaN if rejected."""
    u, p = draw_f64(mt, g, p)
    v, p = draw_f64(mt, g, p)
    x = 2.0 * u - 1.0
    y = 2.0 * v - 1.0
    r2 = x * x + y * y
    if r2 <= 1.0 and r2 != 0.0:
        return y * np.sqrt(-2.0 * log_f64(r2) / r2), p
    return np.nan, p


@njit(error_model="numpy")
def normal_f64(mt, g, p):
    """`std::normal_distribution<double>` with a fresh object: (z, new p).

    Uses glibc's `log` as MXNet on Linux does, through its transcription
    `log_f64`: the same bits as the C library on x86-64 glibc, and on any
    other platform too.
    """
    while True:
        u, p = draw_f64(mt, g, p)
        v, p = draw_f64(mt, g, p)
        x = 2.0 * u - 1.0
        y = 2.0 * v - 1.0
        r2 = x * x + y * y
        if r2 <= 1.0 and r2 != 0.0:
            return y * np.sqrt(-2.0 * log_f64(r2) / r2), p
