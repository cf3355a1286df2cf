"""Numba entry point: the only place that imports numba, on first use.

`import mxnb` must stay light (numba costs about 0.25 s to import), so every
kernel module gets its decorators from here, and is itself imported lazily.
`_fast_start` then spares a warm-cache start the parts of numba's set-up that
cached machine code does not use.

The on-disk cache is probed once: numba raises at decoration time when no cache
location is writable, which would break the import of the kernel module. We then
fall back to a private temporary cache directory, and to no cache at all if even
that fails.
"""
import os
import tempfile

from . import _fast_start

_state = {}


def numba():
    """Return the numba module, importing it (and probing the cache) once."""
    nb = _state.get("numba")
    if nb is None:
        import numba as nb

        _state["numba"] = nb
        _state["cache"] = _probe_cache(nb)
        _fast_start.fast_ndarray_typeof()
        if _state["cache"] and _state.get("cache_dir"):
            _fast_start.cache_nrt_library(_state["cache_dir"])
        if not (_state["cache"] and _fast_start.lazy_refresh_on_cache_hit()):
            _fast_start.skip_blas_probe()
    return nb


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
        d = nb.njit(cache=True)(_mxnb_cache_probe)
        _state["cache_dir"] = getattr(getattr(d, "_cache", None), "_cache_path", None)

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
