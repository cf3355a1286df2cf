"""Numba entry point: the only place that imports numba, on first use.

`import mxnb` must stay light (numba costs about 0.25 s to import), so every
kernel module gets its decorators from here, and is itself imported lazily.

The on-disk cache is probed once: numba raises at decoration time when no cache
location is writable, which would break the import of the kernel module. We then
fall back to a private temporary cache directory, and to no cache at all if even
that fails.
"""
import os
import tempfile

_state = {}


def numba():
    """Return the numba module, importing it (and probing the cache) once."""
    nb = _state.get("numba")
    if nb is None:
        import numba as nb

        _state["numba"] = nb
        _state["cache"] = _probe_cache(nb)
        if not (_state["cache"] and _lazy_refresh_on_cache_hit()):
            _skip_blas_probe()
    return nb


def _skip_blas_probe():
    """Spare the first kernel call numba's import of scipy.linalg (about 0.3 s).

    Numba's CPU target, when it first compiles or loads a kernel, imports
    `numba.np.arraymath`, which asks whether BLAS is there by importing
    `scipy.linalg.cython_blas` (the whole of scipy.linalg), only to choose how
    `np.dot` inside jitted code is built. mxnb's kernels never call it. So that
    import runs here with a probe that only asks whether scipy is installed
    (the same answer wherever scipy works), and numba's own `ensure_blas` is put
    back at once: jitted code that does call `np.dot` later still imports and
    checks scipy then. Anything unexpected leaves numba to do as it always does.
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


def _lazy_refresh_on_cache_hit():
    """Let a kernel load from numba's disk cache without initialising the whole compiler.

    Before it reads a cached kernel, numba's `Cache.load_overload` refreshes
    the CPU target: it imports and installs every typing and lowering registry
    (about 0.25 s, over a third of a new process's first `mx.nd.exp`). Machine
    code loaded from the cache needs none of them, only the runtime (NRT) they
    also start; parallel kernels bring their own reload hook for the threading
    layer. So a cache hit here starts the runtime and loads the kernel; a miss,
    or anything unexpected, goes to numba's own method, which refreshes (with
    the BLAS probe spared, see `_skip_blas_probe`) and then compiles as always.
    Every compile refreshes the target itself, so nothing that needs the
    registries runs without them.

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
            _skip_blas_probe()
            return real(self, sig, target_context)
        return res

    cls.load_overload = load_overload
    return True


def cache_enabled():
    numba()
    return _state["cache"]


def _probe_cache(nb):
    if os.environ.get("MXNB_NO_CACHE") == "1":
        return False

    def probe():
        def _mxnb_cache_probe(x):
            return x

        _mxnb_cache_probe.__module__ = __name__
        nb.njit(cache=True)(_mxnb_cache_probe)

    try:
        probe()
        return True
    except Exception:
        pass
    try:
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="mxnb-numba-")
        nb.config.reload_config()
        probe()
        return True
    except Exception:
        return False


def njit(*args, **kwargs):
    """`numba.njit` with `cache=` defaulting to the probed answer."""
    nb = numba()
    kwargs.setdefault("cache", _state["cache"])
    return nb.njit(*args, **kwargs)
