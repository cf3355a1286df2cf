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
