"""Builds, caches and picks compiled kernels: one dispatcher per (op, direction, variant, dtype).

Every kernel is a template from `templates.py` (or `cuda_templates.py`) whose
code object is copied with the op's scalar functions bound as globals. The
qualname carries a hash of the op's source, the template's source and the
mxnb version, so a change to any of them never loads a stale cached kernel,
while an unchanged kernel loads from numba's on-disk cache in ~2 ms.

This module imports numba (through `mxnb._jit`); it is itself imported only
when the first kernel is launched.
"""
import hashlib
import math
import os
import threading
import types

import numpy as np

from .. import __version__
from .. import _blas
from .._jit import cache_enabled, numba
from ..base import settings
from . import templates

_nb = numba()
_kernels = {}
_device_fns = {}
_build_lock = threading.RLock()

# ---------------------------------------------------------------- dtype environments


def _ident(v):
    return v


_jit_inline = _nb.njit(inline="always")
_IDENT = _jit_inline(_ident)


def _caster(dtype):
    tp = dtype.type
    src = f"def _store_{dtype.name}(v):\n    return _tp(v)\n"
    ns = {"_tp": tp}
    exec(src, ns)  # a named function per dtype, so numba types each cast separately
    return _jit_inline(ns[f"_store_{dtype.name}"])


_F16 = np.dtype(np.float16)
_INTS = tuple(np.dtype(t) for t in (np.int8, np.uint8, np.int32, np.int64))
_STORES = {d: _caster(d) for d in _INTS}


def _f64_load(v):
    return np.float64(v)


_F64_LOAD = _jit_inline(_f64_load)


def storage_view(arr):
    """The array a kernel sees: float16 as its uint16 bits, everything 1-D."""
    if arr.dtype == _F16:
        return arr.reshape(-1).view(np.uint16)
    return arr.reshape(-1)


def _math_env(compute, target):
    """Bindings for the names of `ops/_math.py` for one compute type and target."""
    env = {n: getattr(math, n) for n in ("exp", "expm1", "log", "log1p", "log2", "log10",
                                          "tanh", "sqrt", "sin", "cos", "tan", "asin", "acos",
                                          "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
                                          "erf", "fabs", "copysign",
                                          "pow", "hypot", "isnan")}
    # math.floor/ceil/trunc return int64 in numba (wrong for NaN, inf and large values) and
    # math.fmod is not supported: the NumPy ufuncs keep the float type.
    env.update(floor=np.floor, ceil=np.ceil, trunc=np.trunc, fmod=np.fmod, cbrt=np.cbrt)
    if compute == np.float32 and target == "cpu":
        from .intrinsics import cbrtf

        env["cbrt"] = cbrtf
        fm = _fastmath()
        if fm is not None:
            for name in ("exp", "log", "tanh", "expm1", "log1p", "erf"):
                fn = getattr(fm, f"{name}_f32", None)
                if fn is not None:
                    env[name] = _jit_inline(fn)
        # exp and log are glibc's expf and logf bit for bit (MXNet's numbers), still
        # vectorised; MXNB_FAST_MATH=1 keeps mxnb's float32 polynomials (about 1 ulp, about
        # twice as fast on large arrays)
        if not FAST_MATH:
            env.update(_glibc_f32())
    return env


FAST_MATH = os.environ.get("MXNB_FAST_MATH") == "1"
_GLIBC = {}


def _glibc_f32():
    if not _GLIBC:
        from .libm_f32 import expf_for_host, logf_for_host

        _GLIBC.update(exp=_jit_inline(expf_for_host()), log=_jit_inline(logf_for_host()))
    return _GLIBC


def _fastmath():
    try:
        from . import fastmath
    except ImportError:
        return None
    return fastmath


def dtype_env(dtype, exact, target="cpu"):
    """(T, LOAD, STORE, math names) for a storage dtype.

    float16 computes in float32 through two LLVM conversions; integer dtypes
    compute in their own type for ops closed over integers (`exact`), and in
    float64 otherwise, truncating on store as MXNet does.
    """
    dtype = np.dtype(dtype)
    if dtype == _F16:
        from .intrinsics import f2h, h2f

        return np.float32, h2f, f2h, _math_env(np.float32, target)
    if dtype.kind == "f":
        return dtype.type, _IDENT, _IDENT, _math_env(dtype.type, target)
    if exact:
        return dtype.type, _IDENT, _STORES[dtype], _math_env(np.float64, target)
    return np.float64, _F64_LOAD, _STORES[dtype], _math_env(np.float64, target)


# ---------------------------------------------------------------- building


_file_hashes = {}


def _file_digest(path):
    d = _file_hashes.get(path)
    if d is None:
        try:
            with open(path, "rb") as f:
                d = hashlib.sha1(f.read()).hexdigest()
        except OSError:
            d = ""
        _file_hashes[path] = d
    return d


def _source_hash(*objs):
    """Hash of the files the kernel's code comes from (op module, templates, math helpers).

    numba's cache checks only the template file's timestamp, so any edit to an
    op's file or a helper must change the qualname, or a stale kernel loads.
    """
    h = hashlib.sha1(__version__.encode())
    if FAST_MATH:  # another float32 exp and log: other kernels, under other names in the cache
        h.update(b"MXNB_FAST_MATH")
    here = os.path.dirname(__file__)
    files = {os.path.join(here, f) for f in ("templates.py", "builder.py", "fastmath.py",
                                             "libm_f32.py", "intrinsics.py", "cuda_templates.py",
                                             "cuda_build.py")}
    for obj in objs:
        if obj is not None:
            files.add(obj.__code__.co_filename)
    for f in sorted(files):
        h.update(_file_digest(f).encode())
    return h.hexdigest()[:10]


def rebind(fn, env, name, wrap=None, _memo=None):
    """Copy scalar function `fn` with globals overridden by `env` (T, exp, ... per dtype).

    Plain-Python helpers of the op modules that `fn` calls (`_mod`, `_sign`)
    are rebound the same way and wrapped with `wrap` (an inlining njit, or
    cuda.jit(device=True)), so op files stay ordinary Python.
    """
    if wrap is None:
        wrap = _jit_inline
    memo = {} if _memo is None else _memo
    g = dict(fn.__globals__)
    g.update(env)
    for n in fn.__code__.co_names:
        v = g.get(n)
        if (n not in env and isinstance(v, types.FunctionType)
                and getattr(v, "__module__", "").startswith("mxnb.ops")):
            if v not in memo:
                memo[v] = wrap(rebind(v, env, f"{name}_{v.__name__.strip('_')}", wrap, memo))
            g[n] = memo[v]
    new = types.FunctionType(fn.__code__, g, name, fn.__defaults__, None)
    new.__qualname__ = name
    return new


def compile_cpu(template, qualname, bindings, parallel, contract=True):
    """Compile `template` with `bindings` as globals, cached on disk under `qualname`.

    `contract=False` keeps every multiply and add rounded on its own (no FMA), as MXNet's
    CPU build computes: for ops whose result must be MXNet's bits where a fused
    multiply-add would round differently (hard_sigmoid's alpha * x + beta)."""
    g = {"__name__": templates.__name__, "__builtins__": __builtins__, "prange": _nb.prange,
         "min": min, "CHUNK": templates.CHUNK}
    g.update(bindings)
    fn = types.FunctionType(template.__code__, g, qualname, None, None)
    fn.__qualname__ = qualname
    fn.__module__ = templates.__name__
    opts = dict(cache=cache_enabled(), fastmath={"contract"} if contract else False,
                error_model="numpy",
                boundscheck=False, nogil=True)
    if parallel:
        opts["parallel"] = True
    return _nb.njit(**opts)(fn)


def built_once(table, key, build):
    """`table[key]`, made by `build()` the first time (once per process, whichever thread
    asks first); after that a dict lookup."""
    k = table.get(key)
    if k is None:
        with _build_lock:
            k = table.get(key)
            if k is None:
                k = table[key] = build()
    return k


def elementwise_kernel(op, direction, template, variant, dtype):
    """The compiled kernel for an elementwise op; built on first use, then a dict lookup."""
    key = (op.kernel_name, direction, template.__name__, variant, dtype.char)
    k = _kernels.get(key)
    if k is not None:
        return k
    return built_once(_kernels, key, lambda: _build_elementwise(op, direction, template,
                                                                 variant, np.dtype(dtype)))


def _build_elementwise(op, direction, template, variant, dtype):
    tag = f"{op.kernel_name.strip('_')}_{direction}_{template.__name__}_{variant}_{dtype.name}"
    fns = {"F": op.fwd} if direction == "fwd" else (
        {"GA": op.bwd[0], "GB": op.bwd[1]} if isinstance(op.bwd, tuple) else {"G": op.bwd})
    if variant == "cuda":
        from . import cuda_build  # the CUDA target has its own dtype and math environment

        return cuda_build.build(op, direction, template, dtype, fns, tag)
    T, LOAD, STORE, menv = dtype_env(dtype, op.exact, "cpu")
    env = dict(menv, T=T)
    bind = {"T": T, "LOAD": LOAD, "STORE": STORE}
    for slot, fn in fns.items():
        bind[slot] = _nb.njit(inline="always")(rebind(fn, env, f"{tag}_{slot}"))
    h = _source_hash(template, *fns.values())
    contract = op.contract or (direction == "fwd" and T is np.float32 and _polynomial(op.fwd))
    nc = "" if contract else "_nc"
    return compile_cpu(template, f"{tag}{nc}_{h}", bind, variant == "par", contract)


def _polynomial(fn):
    """Whether float32 scalar function `fn` calls one of mxnb's polynomials (not the C library's
    bits, so MXNet's unfused rounding buys nothing there, and fused multiply-adds make tanh's
    forward about 10% faster on 1e7 elements)."""
    names = {"tanh", "expm1", "log1p", "erf"} | ({"exp", "log"} if FAST_MATH else set())
    return bool(names.intersection(fn.__code__.co_names))


def plain_kernel(template, variant, dtype, extra=None):
    """A kernel with no op functions (where, copies): keyed by template, variant and dtype."""
    key = ("", template.__name__, variant, np.dtype(dtype).char)
    tag = f"{template.__name__}_{variant}_{np.dtype(dtype).name}"
    return built_once(_kernels, key, lambda: compile_cpu(
        template, f"{tag}_{_source_hash(template)}", extra or {}, variant == "par"))


# ---------------------------------------------------------------- variant choice

_par = {"layer": None, "factor": 1, "forked": False}
_wq_lock = threading.Lock()


def _after_fork():
    _par["forked"] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def use_parallel(n, cost):
    """Whether a call of `n` elements of an op costing `cost` should run the parallel kernel.

    Thresholds from numba-facts Q2; a child forked after OpenMP ran must stay
    serial (OpenMP aborts it), and the workqueue layer is 30x costlier.
    """
    if n * cost < settings.par_min * _par["factor"]:
        return False
    if settings.num_threads == 1 or _nb.config.NUMBA_NUM_THREADS < 2:
        return False
    if _par["forked"] and _par["layer"] in (None, "omp"):
        return False
    if _blas.spinning():  # OpenBLAS threads may hold the CPUs (see mxnb._blas)
        return False
    return True


def note_parallel_layer():
    """Read the threading layer once, after the first parallel call."""
    if _par["layer"] is None:
        try:
            layer = _nb.threading_layer()
        except ValueError:
            return
        _par["layer"] = layer
        _par["factor"] = {"omp": 1, "tbb": 2, "workqueue": 30}.get(layer, 1)


def run_sized(get_kernel, n_work, cost, *args):
    """Run `get_kernel(parallel)` on `args`: the parallel kernel if `use_parallel` says so."""
    if use_parallel(n_work, cost):
        run_parallel(get_kernel(True), get_kernel(False), *args)
    else:
        get_kernel(False)(*args)


def run_parallel(kernel_par, kernel_ser, *args):
    """Run the parallel kernel, or the serial one where the layer cannot take this call."""
    if _par["layer"] == "workqueue":
        # workqueue aborts the process on concurrent entry: one caller at a time.
        if not _wq_lock.acquire(False):
            return kernel_ser(*args)
        try:
            return kernel_par(*args)
        finally:
            _wq_lock.release()
    kernel_par(*args)
    if _par["layer"] is None:
        note_parallel_layer()


def set_num_threads(n):
    """Threads for parallel kernels (1 = serial only). Applies to the calling thread in numba."""
    n = int(n)
    if n < 1:
        raise ValueError("number of threads must be at least 1")
    settings.num_threads = n
    if n > 1:
        _nb.set_num_threads(min(n, _nb.config.NUMBA_NUM_THREADS))
