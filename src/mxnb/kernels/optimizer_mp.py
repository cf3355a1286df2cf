"""The mixed-precision SGD updates on float16 weights as single Numba loops (MXNet 1.9.1's bits).

`mp_sgd_update`, `mp_sgd_mom_update` and `mp_nag_mom_update` (and the multi_mp_sgd forms,
which run the momentum loop per weight) are what float16 training calls every step, so their
common case, float16 weight and gradient with the float32 master copy, is one pass here
instead of NumPy's several: the float16 arrays come in as `uint16` views, are widened with
`h2f` and the new weight stored with `f2h` (the same bits as NumPy's casts), and the
arithmetic is `optimizer_more`'s in the same order, in float32, without FMA contraction.
Other dtypes take `optimizer_more`'s NumPy steps.

This module imports numba; `mxnb.ndarray.optimizer_ops2` imports it on first use.
"""
import types

import numpy as np

from .._jit import cache_enabled, numba
from . import builder
from .intrinsics import f2h, h2f
from .optimizer_kernels import _clip

_nb = numba()
F32 = np.float32


def _sgd(out, w32, g, s):
    c1, lr, lr_rs, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4] != 0, s[5]
    for i in prange(w32.shape[0]):  # noqa: F821
        gi = h2f(g[i])
        if doclip:
            w = c1 * w32[i] - lr * _clip(rs * gi, cg)
        else:
            w = c1 * w32[i] - lr_rs * gi
        w32[i] = w
        out[i] = f2h(w)


def _sgd_mom(out, mom, w32, g, s):
    mo, lr_wd, lr, lr_rs, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4], s[5] != 0, s[6]
    for i in prange(w32.shape[0]):  # noqa: F821
        gi = h2f(g[i])
        w = w32[i]
        if doclip:
            m = mo * mom[i] - lr_wd * w - lr * _clip(rs * gi, cg)
        else:
            m = mo * mom[i] - lr_wd * w - lr_rs * gi
        w = w + m
        mom[i] = m
        w32[i] = w
        out[i] = f2h(w)


def _nag(out, mom, w32, g, s):
    mo, mo1, lr, wd, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4], s[5] != 0, s[6]
    for i in prange(w32.shape[0]):  # noqa: F821
        rg = rs * h2f(g[i])
        if doclip:
            rg = _clip(rg, cg)
        w = w32[i]
        m = mo * mom[i]
        w = w - m + mo1 * (m - lr * (rg + wd * w))
        mom[i] = m - lr * (rg + wd * w)     # MXNet's kernel uses the new weight here
        w32[i] = w
        out[i] = f2h(w)


_TEMPLATES = {"sgd": _sgd, "sgd_mom": _sgd_mom, "nag": _nag}
_COST = {"sgd": 1, "sgd_mom": 1, "nag": 2}
_built = {}


def _compile(name, parallel):
    tmpl = _TEMPLATES[name]
    g = dict(tmpl.__globals__)
    g["prange"] = _nb.prange if parallel else range
    qual = f"_mp16_{name}_{'par' if parallel else 'ser'}"
    fn = types.FunctionType(tmpl.__code__, g, qual, None, None)
    fn.__qualname__ = qual
    opts = dict(cache=cache_enabled(), error_model="numpy", boundscheck=False, nogil=True)
    if parallel:
        opts["parallel"] = True
    return _nb.njit(**opts)(fn)


def _kernel(name, parallel):
    return builder.built_once(_built, (name, parallel), lambda: _compile(name, parallel))


def _launch(name, n, *args):
    if builder.use_parallel(n, _COST[name]):
        builder.run_parallel(_kernel(name, True), _kernel(name, False), *args)
    else:
        _kernel(name, False)(*args)


def mp_sgd(out, w32, g, lr, wd, rs, cg):
    """`optimizer_more.mp_sgd` for flat float16 out and g (uint16 views), float32 w32."""
    s = np.array([F32(1) - lr * wd, lr, lr * rs, rs, cg >= 0, cg], F32)
    _launch("sgd", w32.shape[0], out, w32, g, s)


def mp_sgd_mom(out, mom, w32, g, lr, mo, wd, rs, cg):
    """`optimizer_more.mp_sgd_mom` (and the multi_mp_sgd kernels) for flat float16 out, g."""
    s = np.array([mo, lr * wd, lr, lr * rs, rs, cg >= 0, cg], F32)
    _launch("sgd_mom", w32.shape[0], out, mom, w32, g, s)


def mp_nag(out, mom, w32, g, lr, mo, wd, rs, cg):
    """`optimizer_more.mp_nag` for flat float16 out and g."""
    s = np.array([mo, mo + F32(1), lr, wd, rs, cg >= 0, cg], F32)
    _launch("nag", w32.shape[0], out, mom, w32, g, s)
