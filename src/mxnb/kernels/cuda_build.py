"""Builds `@cuda.jit` kernels from `cuda_templates.py` and the op table's scalar functions.

The same recipe as the CPU builder (`builder.py`): each template's code object
is copied with the op's scalar functions bound as globals, after `rebind`
gives those functions the names of `ops/_math.py` for the CUDA target and
wraps them (and the op module's helpers) with `cuda.jit(device=True)`. One
kernel per (op, direction, template, dtype), compiled on its first launch.

On CUDA the math names are `math.*` (numba lowers them to libdevice's float
or double versions by argument type), except floor/ceil/trunc: numba's
`math.floor` returns an integer, so they bind libdevice's float versions
(NumPy's under the simulator, which runs kernels as Python).

This module imports numba and numba.cuda; it is imported only when the first
array is placed on a GPU.
"""
import os
import types

import numpy as np

from .._jit import cache_enabled, numba

_nb = numba()
from numba import cuda  # noqa: E402  (after numba(): the simulator flag is read at numba import)

from . import cuda_templates  # noqa: E402
from .cuda_nofma import FMA_OK  # noqa: E402

SIMULATOR = bool(_nb.config.ENABLE_CUDASIM)


def check_numba_cuda(load=None):
    """Import the CUDA target's NumPy support now, so a numba-cuda that cannot run with this
    NumPy fails here with advice, not inside the first kernel compile. (Seen on a lent
    H200: numba-cuda's import registers `np.row_stack`, which NumPy 2.5 removed.)"""
    if SIMULATOR:
        return
    try:
        if load is None:
            import numba.cuda.cudaimpl  # noqa: F401
        else:
            load()
    except AttributeError as e:
        from ..base import MXNetError

        try:
            from importlib.metadata import version

            which = f"numba-cuda {version('numba-cuda')}"
        except Exception:
            which = f"the CUDA target of numba {_nb.__version__}"
        raise MXNetError(
            f"{which} does not import with NumPy {np.__version__} ({e}). Install a numba-cuda "
            "release made for this NumPy (pip install -U numba-cuda), or a NumPy it supports."
        ) from e


check_numba_cuda()
if not SIMULATOR:
    from . import cuda_nofma

    cuda_nofma.install()
_F16 = np.dtype(np.float16)
_MATH = ("exp", "expm1", "log", "log1p", "log2", "log10", "tanh", "sqrt", "sin", "cos", "tan",
         "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "fabs",
         "copysign", "fmod", "pow", "hypot", "isnan")


def _env_int(name, default):
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


class LaunchConfig:
    """Threads per block and the grid cap of every grid-stride launch.

    The simulator runs each thread as a Python thread, so tests set tiny
    values (`MXNB_CUDA_THREADS=8 MXNB_CUDA_MAX_BLOCKS=4`): small inputs then
    still span several blocks and stride.
    """

    def __init__(self):
        self.threads = _env_int("MXNB_CUDA_THREADS", 32 if SIMULATOR else 256)
        self.max_blocks = _env_int("MXNB_CUDA_MAX_BLOCKS", 8 if SIMULATOR else 0)

    def grid(self, n):
        """(blocks, threads) for `n` elements; 0 max_blocks means 32 blocks per SM."""
        t = self.threads
        cap = self.max_blocks or _sm_blocks()
        return max(1, min(cap, (n + t - 1) // t)), t


config = LaunchConfig()
_sm = []


def _sm_blocks():
    if not _sm:
        try:
            _sm.append(32 * cuda.get_current_device().MULTIPROCESSOR_COUNT)
        except Exception:
            _sm.append(4096)
    return _sm[0]


# ---------------------------------------------------------------- dtype environments

_device = cuda.jit(device=True)
_casts = {}


def _cast_fn(tp, what):
    """A device function `v -> tp(v)`, one per type (named, so each types separately)."""
    key = (tp, what)
    f = _casts.get(key)
    if f is None:
        name = f"_{what}_{np.dtype(tp).name}"
        ns = {"_tp": tp}
        exec(f"def {name}(v):\n    return _tp(v)\n", ns)
        f = _casts[key] = _device(ns[name])
    return f


def _ident(v):
    return v


_IDENT = _device(_ident)


def _float_rounding(compute):
    """floor/ceil/trunc returning the float compute type (numba's math.floor gives an int),
    and cbrt (numba has no math.cbrt)."""
    if SIMULATOR:
        return {"floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "cbrt": np.cbrt}
    from numba.cuda import libdevice

    if compute == np.float32:
        return {"floor": libdevice.floorf, "ceil": libdevice.ceilf, "trunc": libdevice.truncf,
                "cbrt": libdevice.cbrtf, "pow": _pow_f32}
    return {"floor": libdevice.floor, "ceil": libdevice.ceil, "trunc": libdevice.trunc,
            "cbrt": libdevice.cbrt, "pow": _pow_f64}


def _exact_pow(pw):
    """libdevice's pow, exact for the exponents 1 and 2 as the C library's is: on an H200
    `pow(3.0, 1.0)` gave 2.9999999999999996, so the gradient of `x ** 2` was 1 ulp off."""

    def pow_(x, y):
        if y == 1:
            return x
        if y == 2:
            return x * x
        return pw(x, y)

    return _device(pow_)


if not SIMULATOR:
    from numba.cuda import libdevice as _libdevice

    _pow_f32, _pow_f64 = _exact_pow(_libdevice.powf), _exact_pow(_libdevice.pow)


def dtype_env(dtype, exact):
    """(T, LOAD, STORE, math names) for a storage dtype on the CUDA target.

    Mirrors the CPU rules: float16 computes in float32 (converted on load and
    store), integer dtypes compute in their own type for ops closed over
    integers and in float64 otherwise, truncating on store as MXNet does.
    """
    import math

    dtype = np.dtype(dtype)
    st = dtype.type
    if dtype == _F16:
        T, load = np.float32, _cast_fn(np.float32, "load")
    elif dtype.kind == "f" or exact:
        T, load = st, _IDENT
    else:
        T, load = np.float64, _cast_fn(np.float64, "load")
    env = {n: getattr(math, n) for n in _MATH}
    env.update(_float_rounding(np.float32 if T == np.float32 else np.float64))
    return T, load, _cast_fn(st, "store"), env


def acc_type(dtype):
    """The type sums accumulate in: float32 for float16/float32, int64 for integers."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return np.float64 if dtype == np.float64 else np.float32
    return np.int64


# ---------------------------------------------------------------- building


def _takes_lto():
    import inspect

    try:
        return "lto" in inspect.signature(cuda.jit).parameters
    except (TypeError, ValueError):
        return False


_LTO_PARAM = not SIMULATOR and _takes_lto()


def jit_options(name):
    """The `cuda.jit` options of the kernel called `name`: `{"lto": False}` unless the name
    carries FMA_OK (or cuda.jit has no `lto`: numba's own CUDA target links PTX anyway).

    numba-cuda links with nvJitLink's link-time optimisation when it can, and the LTO step
    contracts multiply-adds whatever NVVM was told at compile time: with numba-cuda 0.30.4 and
    nvJitLink 13, the float32 PTX after LTO has fused multiply-adds in 22 kernels that
    cuda_nofma compiled with `-fma=0` (KL's moving average, BatchNorm's moving update, the
    colour ops, resize, ...), the 12 bit-exact failures seen on an H200. Without LTO, NVVM's
    PTX (every add and multiply `.rn`) is what ptxas assembles. NVVM still compiles a kernel's
    IR modules as one program, so device functions are still inlined.
    """
    return {"lto": False} if _LTO_PARAM and FMA_OK not in name else {}


def _jit(fn):
    if SIMULATOR:
        return cuda.jit(fn)
    # The function goes in positionally: numba-cuda 0.30's `cuda.jit(**options)(fn)` drops
    # `lto` on the way to the dispatcher (its decorator re-calls jit without it), which is why
    # an H200 run with {"lto": False} in session 7 changed nothing.
    return cuda.jit(fn, cache=cache_enabled(), **jit_options(fn.__qualname__))


def _make(template, qualname, bindings):
    g = {"__name__": cuda_templates.__name__, "__builtins__": __builtins__, "cuda": cuda}
    g.update(bindings)
    fn = types.FunctionType(template.__code__, g, qualname, None, None)
    fn.__qualname__ = qualname
    fn.__module__ = cuda_templates.__name__
    return _jit(fn)


def build(op, direction, template, dtype, fns, tag):
    """The CUDA kernel for one (op, direction, template, dtype); `fns` maps F/G/GA/GB to scalar fns.

    Called by `builder.elementwise_kernel(..., "cuda", ...)`, which caches it.
    """
    from .builder import _source_hash, rebind

    dtype = np.dtype(dtype)
    if template.__module__ != cuda_templates.__name__:
        template = getattr(cuda_templates, template.__name__)
    T, LOAD, STORE, menv = dtype_env(dtype, op.exact)
    env = dict(menv, T=T)
    bind = {"T": T, "LOAD": LOAD, "STORE": STORE}
    memo = {}
    for slot, fn in fns.items():
        bind[slot] = _device(rebind(fn, env, f"{tag}_{slot}", _device, memo))
    # ops that need not equal the CPU bit for bit may fuse here (see cuda_nofma)
    fused = f"_{FMA_OK}" if getattr(op, "gpu_fma", True) else ""
    return _make(template, f"{tag}{fused}_{_source_hash(template, *fns.values())}", bind)


_plain = {}


def plain(name, dtype, out_dtype=None):
    """A kernel with no op bound (fill, add, sum_to, where, cast, strided_copy) for a dtype.

    `out_dtype` is the output dtype of `cast`, and the condition's dtype of `where`.
    """
    dtype = np.dtype(dtype)
    out_dtype = dtype if out_dtype is None else np.dtype(out_dtype)
    key = (name, dtype.char, out_dtype.char)
    k = _plain.get(key)
    if k is None:
        from .builder import _source_hash

        template = getattr(cuda_templates, name)
        T, LOAD, _, _ = dtype_env(dtype, True)
        if name == "cast":
            ct = np.float32 if dtype == _F16 else dtype.type
            LOAD = _cast_fn(ct, "load") if dtype == _F16 else _IDENT
            if out_dtype == _F16 and dtype.kind != "f":
                LOAD = _cast_fn(np.float32, "load")  # ints reach float16 through float32
        acc = acc_type(dtype)
        bind = {"T": T, "LOAD": LOAD, "STORE": _cast_fn(out_dtype.type, "store"),
                "ACC": _cast_fn(acc, "acc"),
                # float16 conditions compare in float32 (else the test promotes to double)
                "COND": _cast_fn(np.float32, "load") if out_dtype == _F16 else _IDENT}
        tag = f"{name}_cuda_{dtype.name}_{out_dtype.name}"
        k = _plain[key] = _make(template, f"{tag}_{_source_hash(template)}", bind)
    return k


def launch(kernel, n, *args):
    """Launch a grid-stride kernel over `n` elements."""
    blocks, threads = config.grid(n)
    kernel[blocks, threads](*args)
