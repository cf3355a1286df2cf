"""The optimizer updates on float16 CPU arrays, bit for bit as MXNet 1.9.1: NumPy float16 steps.

MXNet computes float16 updates in mshadow's `half_t`, whose every operator converts both
operands to float32, computes, and rounds the result back to float16 (`1.f - beta1` too). NumPy's
float16 arithmetic does exactly that per operation, so each update below is MXNet's expression
written as NumPy float16 operations in MXNet's order, scalars included as float16. It takes
several passes over the arrays, unlike the one-loop float32/float64 kernels: float16 on the CPU
is rare, and exactness is the point here. Checked against MXNet 1.9.1 on 4000-element cases
(tests/test_optimizer_exact.py).

Each function takes the flat output, state, weight and gradient arrays (float16) and the
parameters as float16 scalars (in `mxnb.ndarray.optimizer_ops._SPEC` order), and writes the
output and the states in place. Every new value is computed before anything is written, so the
output may be the weight.
"""
import numpy as np

H = np.float16
_ONE = H(1)


def _clip(x, b):
    return np.where(x > b, b, np.where(x < -b, -b, x))


def _sgn(x):
    return (x > 0).astype(H) - (x < 0).astype(H)


def _rescaled(g, rs, cg):
    r = rs * g
    return _clip(r, cg) if cg >= 0 else r


def sgd(out, w, g, lr, wd, rs, cg):
    if cg >= 0:
        new = (_ONE - lr * wd) * w - lr * _clip(rs * g, cg)
    else:
        new = (_ONE - lr * wd) * w - (lr * rs) * g
    out[:] = new


def sgd_mom(out, mom, w, g, lr, mo, wd, rs, cg):
    if cg >= 0:
        m = mo * mom - lr * wd * w - lr * _clip(rs * g, cg)
    else:
        m = mo * mom - lr * wd * w - lr * rs * g
    new = w + m
    mom[:] = m
    out[:] = new


def nag(out, mom, w, g, lr, mo, wd, rs, cg, alias):
    rg = _rescaled(g, rs, cg)
    m = mo * mom
    new = w - m + (mo + _ONE) * (m - lr * (rg + wd * w))
    m = m - lr * (rg + wd * (new if alias else w))  # MXNet rereads the weight it just wrote
    mom[:] = m
    out[:] = new


def adam(out, mean, var, w, g, lr, b1, b2, eps, wd, rs, cg):
    gr = g * rs + w * wd
    if cg >= 0:
        gr = _clip(gr, cg)
    m = b1 * mean + (_ONE - b1) * gr
    v = b2 * var + (_ONE - b2) * gr * gr
    new = w - lr * m / (np.sqrt(v) + eps)
    mean[:] = m
    var[:] = v
    out[:] = new


def rmsprop(out, n, w, g, lr, g1, eps, wd, rs, cg, cw):
    gr = rs * g + wd * w
    if cg >= 0:
        gr = _clip(gr, cg)
    nn = (_ONE - g1) * (gr * gr) + g1 * n
    new = w - lr * (gr / np.sqrt(nn + eps))
    if cw >= 0:
        new = _clip(new, cw)
    n[:] = nn
    out[:] = new


def rmspropalex(out, n, gs, delta, w, g, lr, g1, g2, eps, wd, rs, cg, cw):
    gr = rs * g + wd * w
    if cg >= 0:
        gr = _clip(gr, cg)
    om = _ONE - g1
    nn = om * gr * gr + g1 * n
    gg = om * gr + g1 * gs
    d = g2 * delta - lr * gr / np.sqrt(nn - gg * gg + eps)
    new = w + d
    if cw >= 0:
        new = _clip(new, cw)
    n[:] = nn
    gs[:] = gg
    delta[:] = d
    out[:] = new


def ftrl(out, z, n, w, g, lr, l1, beta, wd, rs, cg):
    gr = g * rs
    if cg >= 0:
        gr = _clip(gr, cg)
    zz = z + (gr - (np.sqrt(n + gr * gr) - np.sqrt(n)) * w / lr)
    nn = n + gr * gr
    new = (_sgn(zz) * l1 - zz) / ((beta + np.sqrt(nn)) / lr + wd) * (np.abs(zz) > l1).astype(H)
    z[:] = zz
    n[:] = nn
    out[:] = new


def signsgd(out, w, g, lr, wd, rs, cg):
    out[:] = (_ONE - lr * wd) * w - lr * _sgn(g)


def signum(out, mom, w, g, lr, mo, wd, rs, cg, wd_lh):
    om = _ONE - mo
    if cg >= 0:
        m = mo * mom - om * wd * w - om * _clip(rs * g, cg)
    else:
        m = mo * mom - om * wd * w - om * rs * g
    new = (_ONE - lr * wd_lh) * w + lr * _sgn(m)
    mom[:] = m
    out[:] = new
