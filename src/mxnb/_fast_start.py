"""A warm-cache start without numba's compiler set-up.

A new process whose kernels are all in numba's disk cache still paid, on its
first kernel call, for things the cached machine code never uses. Each helper
here removes one of them, checks that numba's internals are as expected, and
leaves numba to do as it always does where they are not (nothing patched):

- `lazy_refresh_on_cache_hit`: numba's typing and lowering registries (0.25 s);
- `skip_blas_probe`: numba's import of scipy.linalg on a compile (0.3 s);
- `cache_nrt_library`: the compile of numba's runtime module (25-40 ms);
- `fast_ndarray_typeof`: the import of `numpy.ma` by numba's typeof (15-25 ms).

`mxnb._jit.numba()` applies them once, right after it imports numba.
"""
import hashlib
import os
import pickle
import tempfile


def skip_blas_probe():
    """Spare the first kernel compile numba's import of scipy.linalg (about 0.3 s).

    Numba's CPU target, when it first compiles a kernel, imports
    `numba.np.arraymath`, which asks whether BLAS is there by importing
    `scipy.linalg.cython_blas` (the whole of scipy.linalg), only to choose how
    `np.dot` inside jitted code is built. mxnb's kernels never call it. So that
    import runs here with a probe that only asks whether scipy is installed
    (the same answer wherever scipy works), and numba's own `ensure_blas` is put
    back at once: jitted code that does call `np.dot` later still imports and
    checks scipy then.
    """
    import importlib.util
    import sys

    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return  # too late to matter, or nothing to save
    try:
        import numba.np.linalg as nb_linalg
    except Exception:
        return
    real = getattr(nb_linalg, "ensure_blas", None)
    if real is None:
        return

    def scipy_installed():
        if importlib.util.find_spec("scipy") is None:
            raise ImportError("scipy 0.16+ is required for linear algebra")

    nb_linalg.ensure_blas = scipy_installed
    try:
        import numba.np.arraymath as nb_arraymath
    except Exception:
        return
    finally:
        nb_linalg.ensure_blas = real
    if getattr(nb_arraymath, "ensure_blas", None) is scipy_installed:
        nb_arraymath.ensure_blas = real


def lazy_refresh_on_cache_hit():
    """Let a kernel load from numba's disk cache without initialising the whole compiler.

    Before it reads a cached kernel, numba's `Cache.load_overload` refreshes
    the CPU target: it imports and installs every typing and lowering registry
    (about 0.25 s). Machine code loaded from the cache needs none of them, only
    the runtime (NRT) they also start; parallel kernels bring their own reload
    hook for the threading layer. So a cache hit here starts the runtime and
    loads the kernel; a miss, or anything unexpected, goes to numba's own
    method, which refreshes (with the BLAS probe spared) and then compiles as
    always. Every compile refreshes the target itself, so nothing that needs
    the registries runs without them.

    Only CPU targets take this path (the CUDA target's cache shares the class).
    Returns False where numba's internals are not as expected (nothing patched).
    """
    try:
        from numba.core import caching
        from numba.core.cpu import CPUContext
        from numba.core.runtime import nrt

        cls = caching.Cache
        real = cls.load_overload
        load = cls._load_overload
        guard = cls._guard_against_spurious_io_errors
        rtsys = nrt.rtsys
    except Exception:
        return False

    def load_overload(self, sig, target_context):
        res = None
        if isinstance(target_context, CPUContext):
            try:
                rtsys.initialize(target_context)
                with guard(self):
                    res = load(self, sig, target_context)
            except Exception:
                res = None
        if res is None:
            skip_blas_probe()
            return real(self, sig, target_context)
        return res

    cls.load_overload = load_overload
    return True


def cache_nrt_library(cache_dir):
    """Keep numba's runtime module as machine code in `cache_dir`, beside mxnb's kernels.

    Numba builds its runtime's reference-counting functions from LLVM IR and
    optimises them in every new process (25-40 ms here), the largest part of a
    cached kernel's first call once numba is imported. Those functions depend
    only on numba's version and the host, so they are compiled once, stored in
    numba's own object-code form, and loaded from then on as numba loads its
    cached kernels. The file's name holds numba's and llvmlite's versions, the
    target triple, CPU and features and the optimisation level; its contents
    carry a SHA-256 that is checked before LLVM sees them. Any failure compiles
    as numba does.
    """
    try:
        from numba.core.cpu import CPUContext
        from numba.core.runtime import nrtdynmod
    except Exception:
        return False
    real = nrtdynmod.compile_nrt_functions
    if getattr(real, "_mxnb", False):
        return True

    def compile_nrt_functions(ctx):
        if not isinstance(ctx, CPUContext):
            return real(ctx)
        codegen = ctx.codegen()
        try:
            path, key = nrt_cache_path(cache_dir, codegen)
        except Exception:
            return real(ctx)
        lib = _load_nrt(codegen, path, key)
        if lib is not None:
            return lib
        ir_mod, lib = nrtdynmod.create_nrt_module(ctx)
        lib.enable_object_caching()  # keeps the machine code to store below
        lib.add_ir_module(ir_mod)
        lib.finalize()
        _store_nrt(lib, path, key)
        return lib

    compile_nrt_functions._mxnb = True
    nrtdynmod.compile_nrt_functions = compile_nrt_functions
    return True


def nrt_cache_path(cache_dir, codegen):
    """The runtime's cache file in `cache_dir` for `codegen`, and the key stored in it."""
    import llvmlite
    import numba
    from numba.core import config

    key = repr((numba.__version__, llvmlite.__version__, codegen.magic_tuple(), config.OPT))
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return os.path.join(cache_dir, f"mxnb-nrt-{digest}.nbo"), key


def _load_nrt(codegen, path, key):
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError:
        return None
    try:
        digest, payload = blob[:32], blob[32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        stored_key, state = pickle.loads(payload)
        if stored_key != key:
            return None
        return codegen.unserialize_library(state)
    except Exception:
        return None


def _store_nrt(lib, path, key):
    try:
        payload = pickle.dumps((key, lib.serialize_using_object_code()), protocol=4)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".mxnb-nrt-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)  # readers see the whole file or none
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:
        pass  # an unwritable cache costs the next process the compile, nothing more


def fast_ndarray_typeof():
    """Type a plain NumPy array for numba without importing `numpy.ma`.

    Numba's typeof for ndarrays first asks `isinstance(val, np.ma.MaskedArray)`,
    and under NumPy 2 `np.ma` is imported on that first access (15-25 ms of a
    new process's first kernel call). An array whose type is exactly
    `np.ndarray` cannot be a MaskedArray, so it is typed here with the same
    three facts numba reads (dtype, layout, writeability); every other object,
    and a dtype numba rejects, goes to numba's own function.
    """
    try:
        import numpy as np
        from numba.core import errors, types
        from numba.core.typing.typeof import typeof_impl
        from numba.np import numpy_support

        real = typeof_impl.dispatch(np.ndarray)
        from_dtype, map_layout = numpy_support.from_dtype, numpy_support.map_layout
    except Exception:
        return False
    if getattr(real, "_mxnb", False):
        return True

    def typeof_ndarray(val, c):
        if type(val) is np.ndarray:
            try:
                dtype = from_dtype(val.dtype)
            except errors.NumbaNotImplementedError:
                return real(val, c)
            return types.Array(dtype, val.ndim, map_layout(val), readonly=not val.flags.writeable)
        return real(val, c)

    typeof_ndarray._mxnb = True
    typeof_ndarray.real = real
    typeof_impl.register(np.ndarray)(typeof_ndarray)
    return True
