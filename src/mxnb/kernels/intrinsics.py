"""Scalar bit-level helpers for Numba kernels: float32 <-> int32 bits, float16 load/store.

Each helper is a plain Python function on NumPy scalars (so kernel code still runs
uncompiled, for debugging) that is also registered with Numba's lowering, so that
inside ``@njit`` code it becomes a few LLVM instructions and vectorises:

- ``f32_as_i32(x)``: the bits of a float32 as an int32 (``builder.bitcast``).
- ``i32_as_f32(i)``: an integer's low 32 bits read as a float32.
- ``h2f(u)``: float16 bits (uint16) to float32, exact.
- ``f2h(x)``: float32 to float16 bits (uint16), round to nearest even.
- ``f64_as_i64(x)``, ``i64_as_f64(i)``: the same for float64 and int64.
- ``fma64(a, b, c)``: ``a * b + c`` in float64 with one rounding (LLVM's ``llvm.fma``: one
  instruction where the CPU has FMA, the C library's ``fma`` elsewhere).
- ``cbrtf(x)``: the C library's float32 cube root (MXNet's; NumPy's float32 cbrt calls it
  too, Numba's goes through double and rounds, an ulp away for about 1 input in 10).

float16 arrays are passed to kernels as ``arr.view(np.uint16)`` (Numba rejects the
float16 dtype), loaded with ``h2f`` and stored with ``f2h``. Both give the same
bits as NumPy's ``astype`` for every input, NaN payloads included (NumPy keeps a
signalling NaN signalling, F16C quiets it, so NaNs are patched with a select).
Where the target has F16C they use LLVM's ``fpext half`` / ``fptrunc half``
(``vcvtph2ps``/``vcvtps2ph``). Without it (``NUMBA_CPU_NAME=generic``, old x86,
other architectures) LLVM would lower those to a runtime-library call that Numba's
JIT cannot resolve, and the process would crash, so there the same results come
from integer and float32 instructions (also vectorised, 2 to 3x slower).

This module imports numba: import it only from kernel-building code, never from
``import mxnb``. Registration happens once, on import.

>>> import numpy as np
>>> from mxnb.kernels.intrinsics import h2f, f2h
>>> float(h2f(np.uint16(0x3C00)))
1.0
>>> hex(int(f2h(np.float32(65520.0))))   # ties to even, here up to inf
'0x7c00'
"""
import numpy as np

from mxnb._jit import numba as _numba

__all__ = ["f32_as_i32", "i32_as_f32", "f64_as_i64", "i64_as_f64", "fma64", "h2f", "f2h",
           "cbrtf"]


# ---------------------------------------------------------------------------
# Plain Python versions (the reference semantics; also used under CUDASIM)


def f32_as_i32(x):
    """Bits of float32 ``x`` as a signed 32-bit integer.

    Jitted, it is an int32 (a float64 argument is a typing error); Numba promotes
    int32 arithmetic to int64, so this Python version returns an int64, and kernel
    code computes alike in both.

    >>> hex(int(f32_as_i32(np.float32(1.0))))
    '0x3f800000'
    """
    return np.int64(np.float32(x).view(np.int32))


def i32_as_f32(i):
    """The low 32 bits of integer ``i`` read as a float32.

    >>> float(i32_as_f32(np.int32(0x3F800000)))
    1.0
    """
    return np.uint32(int(i) & 0xFFFFFFFF).view(np.float32)


def h2f(u):
    """float16 bits (uint16) to the float32 they encode; exact, same bits as NumPy.

    >>> float(h2f(np.uint16(0xC000)))
    -2.0
    """
    return np.uint16(int(u) & 0xFFFF).view(np.float16).astype(np.float32)


def f2h(x):
    """float32 to float16 bits (uint16), round to nearest even, same bits as NumPy.

    >>> hex(int(f2h(np.float32(-2.0))))
    '0xc000'
    """
    with np.errstate(over="ignore"):
        return np.float32(x).astype(np.float16).view(np.uint16)


def cbrtf(x):
    """The C library's cbrtf of float32 ``x`` (NumPy's float32 cbrt calls it).

    >>> float(cbrtf(np.float32(-8.0)))
    -2.0
    """
    return np.cbrt(np.float32(x))


# ---------------------------------------------------------------------------
# Numba lowering

# None: use F16C instructions when the target CPU has them. Tests set False to
# check the portable path on any machine.
def f64_as_i64(x):
    """Bits of float64 ``x`` as a signed 64-bit integer.

    >>> hex(int(f64_as_i64(1.0)))
    '0x3ff0000000000000'
    """
    return np.float64(x).view(np.int64)


def i64_as_f64(i):
    """The 64 bits of integer ``i`` read as a float64.

    >>> float(i64_as_f64(0x3FF0000000000000))
    1.0
    """
    return np.int64(np.uint64(int(i) & 0xFFFFFFFFFFFFFFFF).view(np.int64)).view(np.float64)


def fma64(a, b, c):
    """``a * b + c`` for float64 values, rounded once (exact rational arithmetic here).

    >>> fma64(0.1, 10.0, -1.0)    # 0.1 * 10 is 1 + 2**-54 exactly, so not 0.0
    5.551115123125783e-17
    """
    from fractions import Fraction

    a, b, c = float(a), float(b), float(c)
    if not all(map(np.isfinite, (a, b, c))):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


_HW_HALF = None


def _hw_half(context):
    if _HW_HALF is not None:
        return _HW_HALF
    # NOTE: numba's CPU codegen keeps the target features it compiles for here
    # (empty under NUMBA_CPU_NAME=generic); CUDA contexts have none and take the
    # portable path, which is correct on every target.
    features = getattr(context.codegen(), "_tm_features", "") or ""
    return "+f16c" in features.split(",")


def _register():
    nb = _numba()
    from llvmlite import ir
    from numba.core import types
    from numba.core.extending import lower_builtin, type_callable

    i16, i32, f32 = ir.IntType(16), ir.IntType(32), ir.FloatType()

    def c32(v):
        return ir.Constant(i32, v)

    def i16c(v):
        return ir.Constant(i16, v)

    def to_i32(builder, val, ty):
        if ty.bitwidth > 32:
            return builder.trunc(val, i32)
        if ty.bitwidth < 32:
            ext = builder.sext if ty.signed else builder.zext
            return ext(val, i32)
        return val

    def float_bits(fn, ftype, itype, ir_int):
        # NOTE: the exact float type only, so a float64 slip in float32 kernel code fails to
        # compile instead of silently reinterpreting a rounded value.
        @type_callable(fn)
        def _type(context):
            def typer(x):
                if x == ftype:
                    return itype

            return typer

        @lower_builtin(fn, ftype)
        def _lower(context, builder, sig, args):
            return builder.bitcast(args[0], ir_int)

    # -- f32_as_i32, f64_as_i64 ------------------------------------------------
    i64, f64 = ir.IntType(64), ir.DoubleType()
    float_bits(f32_as_i32, types.float32, types.int32, i32)
    float_bits(f64_as_i64, types.float64, types.int64, i64)

    # -- i32_as_f32 ----------------------------------------------------------
    @type_callable(i32_as_f32)
    def _type_i32_as_f32(context):
        def typer(i):
            if isinstance(i, types.Integer):
                return types.float32

        return typer

    @lower_builtin(i32_as_f32, types.Integer)
    def _lower_i32_as_f32(context, builder, sig, args):
        return builder.bitcast(to_i32(builder, args[0], sig.args[0]), f32)

    # -- i64_as_f64, fma64 --------------------------------------------------------
    @type_callable(i64_as_f64)
    def _type_i64_as_f64(context):
        def typer(i):
            if isinstance(i, types.Integer) and i.bitwidth == 64:
                return types.float64

        return typer

    @lower_builtin(i64_as_f64, types.Integer)
    def _lower_i64_as_f64(context, builder, sig, args):
        return builder.bitcast(args[0], f64)

    @type_callable(fma64)
    def _type_fma64(context):
        def typer(a, b, c):
            if a == b == c == types.float64:
                return types.float64

        return typer

    @lower_builtin(fma64, types.float64, types.float64, types.float64)
    def _lower_fma64(context, builder, sig, args):
        return builder.fma(*args)

    # -- h2f -----------------------------------------------------------------
    @type_callable(h2f)
    def _type_h2f(context):
        def typer(u):
            if isinstance(u, types.Integer):
                return types.float32

        return typer

    @lower_builtin(h2f, types.Integer)
    def _lower_h2f(context, builder, sig, args):
        b = builder
        h16 = args[0] if sig.args[0].bitwidth == 16 else b.trunc(args[0], i16)
        if _hw_half(context):
            # F16C sets the quiet bit of a NaN; NumPy copies it from the half. Put
            # the half's bit 9 back (xor) on NaN lanes only: a few 16-bit ops.
            is_nan = b.icmp_unsigned(">", b.and_(h16, i16c(0x7FFF)), i16c(0x7C00))
            flip = b.select(is_nan, b.and_(b.not_(h16), i16c(0x200)), i16c(0))
            value = b.bitcast(b.fpext(b.bitcast(h16, ir.HalfType()), f32), i32)
            return b.bitcast(b.xor(value, b.shl(b.zext(flip, i32), c32(13))), f32)
        h = b.zext(h16, i32)
        sign = b.shl(b.and_(h, c32(0x8000)), c32(16))
        em = b.and_(h, c32(0x7FFF))
        # Exponent and mantissa shifted into float32 position give the value times
        # 2^-112, for normals and subnormals alike; the multiply by 2^112 is exact.
        scaled = b.fmul(b.bitcast(b.shl(em, c32(13)), f32), ir.Constant(f32, 2.0 ** 112))
        value = b.or_(b.bitcast(scaled, i32), sign)
        # Inf/NaN: all-ones exponent and the significand copied (NumPy's rule).
        special = b.or_(b.or_(c32(0x7F800000), b.shl(b.and_(em, c32(0x3FF)), c32(13))), sign)
        return b.bitcast(b.select(b.icmp_unsigned(">=", em, c32(0x7C00)), special, value), f32)

    # -- f2h -----------------------------------------------------------------
    @type_callable(f2h)
    def _type_f2h(context):
        def typer(x):
            if x == types.float32:
                return types.uint16

        return typer

    @lower_builtin(f2h, types.float32)
    def _lower_f2h(context, builder, sig, args):
        b = builder
        bits = b.bitcast(args[0], i32)
        if _hw_half(context):
            # F16C sets the quiet bit of a NaN; NumPy keeps the float32's quiet bit
            # and turns an all-zero payload into 1. Patch NaN lanes only, in 16 bits.
            h = b.bitcast(b.fptrunc(args[0], ir.HalfType()), i16)
            hi = b.trunc(b.lshr(bits, c32(16)), i16)
            is_nan = b.icmp_unsigned(">", b.and_(h, i16c(0x7FFF)), i16c(0x7C00))
            fixed = b.or_(b.and_(h, i16c(0xFDFF)), b.shl(b.and_(hi, i16c(0x40)), i16c(3)))
            empty = b.icmp_unsigned("==", b.and_(fixed, i16c(0x3FF)), i16c(0))
            fixed = b.or_(fixed, b.zext(empty, i16))
            return b.select(is_nan, fixed, h)
        sign = b.and_(b.lshr(bits, c32(16)), c32(0x8000))
        a = b.and_(bits, c32(0x7FFFFFFF))
        # Normal results: rebias, add the round-to-nearest-even bias, drop 13 bits.
        # A carry out of the mantissa bumps the exponent, up to 0x7C00 (inf).
        odd = b.and_(b.lshr(a, c32(13)), c32(1))
        norm_h = b.lshr(b.add(b.add(a, c32(((15 - 127) << 23) + 0xFFF)), odd), c32(13))
        # Subnormal results: adding 0.5 aligns the 10 kept bits at the bottom of the
        # significand, and the float add itself rounds to nearest even.
        sub = b.fadd(b.bitcast(a, f32), ir.Constant(f32, 0.5))
        sub_h = b.sub(b.bitcast(sub, i32), c32(0x3F000000))
        # NaN: keep the top 10 significand bits, never turning it into inf (NumPy).
        nan_sig = b.lshr(b.and_(a, c32(0x7FFFFF)), c32(13))
        nan_h = b.or_(c32(0x7C00), b.select(b.icmp_unsigned("==", nan_sig, c32(0)),
                                             c32(1), nan_sig))
        h = b.select(b.icmp_unsigned("<", a, c32(0x38800000)), sub_h, norm_h)
        h = b.select(b.icmp_unsigned(">=", a, c32(0x47800000)), c32(0x7C00), h)
        h = b.select(b.icmp_unsigned(">", a, c32(0x7F800000)), nan_h, h)
        return b.trunc(b.or_(h, sign), i16)

    # -- cbrtf ---------------------------------------------------------------
    @type_callable(cbrtf)
    def _type_cbrtf(context):
        def typer(x):
            if x == types.float32:
                return types.float32

        return typer

    @lower_builtin(cbrtf, types.float32)
    def _lower_cbrtf(context, builder, sig, args):
        from numba.core import cgutils

        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(f32, [f32]), "cbrtf")
        return builder.call(fn, args)

    return nb


_register()
