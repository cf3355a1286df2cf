"""Winograd F(2x2, 3x3) convolution: the fast path of stride-1, dilation-1, 3x3 2-D convolutions.

Convolution, its input gradient (Deconvolution) and its weight gradient all
run here when `applies(geo)`; every other geometry runs im2col (`nn_conv.py`).
Each output 2x2 tile costs 16 multiplications per (filter, channel) pair
instead of im2col's 36, done as 16 GEMMs of (filters x channels) by
(channels x tiles). The kernels (`kernels/nn_winograd_kernels.py`) transform
the images and gradients; the weight transforms are tiny and run in NumPy
in float64.

The backward is the exact adjoint of the forward: with V = B^T d B of the
input tiles and M = A dy A^T of the output-gradient tiles, the weight
gradient is G^T (M V^T) G and the input gradient is B (U^T M) B^T added
tile by tile, so both gradients share V and M. F(2, 3) uses only the
constants 0, 1 and 1/2, so its rounding stays close to im2col's.

Accuracy: TODO measure

>>> x = mx.nd.ones((1, 1, 4, 4))
>>> mx.nd.Convolution(x, mx.nd.ones((1, 1, 3, 3)), kernel=(3, 3), pad=(1, 1), num_filter=1,
...                   no_bias=True)[0, 0, 0]
[4. 6. 6. 4.]
"""
import numpy as np

from .._alloc import empty as _empty

# Turned off by tests that check the im2col path on the geometries Winograd would take.
ENABLED = True
MODE = "serial"
_POOL = []


def _pool():
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor
        _POOL.append(ThreadPoolExecutor(1, thread_name_prefix="mxnb-wino"))
    return _POOL[0]

# G of F(2, 3): the weight transform is U = G w G^T, its adjoint dw = G^T dU G.
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
_K = []


def _kern():
    if not _K:
        from ..kernels import nn_kernels, nn_winograd_kernels

        _K[:] = [nn_kernels, nn_winograd_kernels]
    return _K


def applies(geo):
    """Whether the Winograd path runs the convolution `geo` (2-D, 3x3, stride 1, dilation 1)."""
    return (ENABLED and geo.ndim == 2 and geo.KH == 3 and geo.KW == 3 and geo.sh == 1
            and geo.sw == 1 and geo.dh == 1 and geo.dw == 1)


class _Plan:
    """Tile counts, chunks of images and kernels of one Winograd pass."""

    def __init__(self, geo, cdt, ws_mb):
        self.geo, self.cdt = geo, cdt
        self.TH, self.TW = (geo.OH + 1) // 2, (geo.OW + 1) // 2
        self.G, self.Fg, self.Cg = geo.G, geo.F // geo.G, geo.C // geo.G
        # Images per chunk: the larger transformed buffer fits in the workspace (as im2col's
        # patch matrix does); whole-batch GEMMs are the fast case.
        per = 16 * max(geo.C, geo.F) * self.TH * (self.TW + 1) * cdt.itemsize
        nb = max(1, min(geo.N, (int(ws_mb) << 20) // max(per, 1)))
        self.chunks = [(n0, min(nb, geo.N - n0)) for n0 in range(0, geo.N, nb)]
        self.nk, self.wk = _kern()

    def k(self, name, planes, *args):
        kern = self.nk.kernel(getattr(self.wk, name), self.cdt, MODE == "omp")
        if MODE == "threads" and planes > 1:
            half = planes // 2
            fut = _pool().submit(kern, *args, half, planes)
            kern(*args, 0, half)
            fut.result()
        else:
            kern(*args, 0, planes)

    def buf(self, ch, m):
        """A transformed buffer (16, G, ch / G, m * tiles) for ch channels of m images.

        Each image has TH rows of TW + 1 tiles: the last of a row is a spare (zero) tile
        that lets the kernels run one loop over a whole plane (see the kernels' module).
        """
        return _empty((16, self.G, ch // self.G, m * self.TH * (self.TW + 1)), self.cdt)

    def weights(self, w):
        """U = G w G^T as (16, G, Fg, Cg), computed in float64."""
        t = np.tensordot(np.asarray(w, dtype=np.float64), _G, axes=([3], [1]))  # f c a j
        u = np.tensordot(_G, t, axes=([1], [2])).transpose(0, 3, 1, 2)  # i j f c
        return u.reshape(16, self.G, self.Fg, self.Cg).astype(self.cdt)

    def wgrad_out(self, du):
        """dw = G^T dU G, as (G, Fg, Cg * 9), from dU (16, G, Fg, Cg) summed in float64."""
        t = np.tensordot(_G, du.reshape(4, 4, self.geo.F, self.Cg), axes=([0], [0]))  # a j f c
        dw = np.tensordot(t, _G, axes=([1], [0])).transpose(1, 2, 0, 3)  # f c a b
        return dw.reshape(self.G, self.Fg, self.Cg * 9).astype(self.cdt)

    def tin(self, xf, n0, m):
        g = self.geo
        plane = g.H * g.W
        V = self.buf(g.C, m)
        self.k("wino_in", m * g.C, xf[n0 * g.C * plane:(n0 + m) * g.C * plane], V.reshape(-1), m, g.C,
               g.H, g.W, g.ph, g.pw, self.TH, self.TW)
        return V

    def tdy(self, dyf, n0, m):
        g = self.geo
        plane = g.OH * g.OW
        M = self.buf(g.F, m)
        self.k("wino_dy", m * g.F, dyf[n0 * g.F * plane:(n0 + m) * g.F * plane], M.reshape(-1), m, g.F,
               g.OH, g.OW, self.TH, self.TW)
        return M

    def tdx(self, dV, dx, n0, m):
        g = self.geo
        plane = g.H * g.W
        self.k("wino_dx", m * g.C, dV.reshape(-1), dx[n0 * g.C * plane:(n0 + m) * g.C * plane], m, g.C,
               g.H, g.W, g.ph, g.pw, self.TH, self.TW)


def _flat(a, cdt):
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


def _result(size, cdt, out):
    if out is not None and out.dtype == cdt:
        return out.reshape(-1)
    return _empty((size,), cdt)


def forward(x, w, b, geo, cdt, ws_mb, out=None):
    """y = conv(x, w) + b, flat, in dtype cdt (written into `out` when it has that dtype)."""
    p = _Plan(geo, cdt, ws_mb)
    xf = _flat(x, cdt)
    U = p.weights(w)
    bias = np.zeros(1, cdt) if b is None else _flat(b, cdt)
    plane = geo.OH * geo.OW
    y = _result(geo.N * geo.F * plane, cdt, out)
    for n0, m in p.chunks:
        V = p.tin(xf, n0, m)
        M = p.buf(geo.F, m)
        np.matmul(U, V, out=M)
        p.k("wino_out", m * geo.F, M.reshape(-1), y[n0 * geo.F * plane:(n0 + m) * geo.F * plane], m,
            geo.F, geo.OH, geo.OW, p.TH, p.TW, bias, b is not None)
    return y


def dgrad(dy, w, geo, cdt, ws_mb, out=None):
    """The input gradient of conv(x, w) (the transposed convolution of dy), flat."""
    p = _Plan(geo, cdt, ws_mb)
    dyf = _flat(dy, cdt)
    Ut = p.weights(w).transpose(0, 1, 3, 2)
    dx = _result(geo.N * geo.C * geo.H * geo.W, cdt, out)
    for n0, m in p.chunks:
        M = p.tdy(dyf, n0, m)
        dV = p.buf(geo.C, m)
        np.matmul(Ut, M, out=dV)
        p.tdx(dV, dx, n0, m)
    return dx


def wgrad(x, dy, geo, cdt, ws_mb, w=None):
    """The weight gradient as (G, Fg, Cg * 9); with `w`, also the input gradient: (dw, dx)."""
    p = _Plan(geo, cdt, ws_mb)
    xf, dyf = _flat(x, cdt), _flat(dy, cdt)
    du = np.zeros((16, p.G, p.Fg, p.Cg))
    if w is not None:
        Ut = p.weights(w).transpose(0, 1, 3, 2)
        dx = _empty((geo.N * geo.C * geo.H * geo.W,), cdt)
    for n0, m in p.chunks:
        V = p.tin(xf, n0, m)
        M = p.tdy(dyf, n0, m)
        du += np.matmul(M, V.transpose(0, 1, 3, 2))
        if w is not None:
            # dV = U^T M takes V's buffer: V is not needed any more.
            np.matmul(Ut, M, out=V)
            p.tdx(V, dx, n0, m)
    dw = p.wgrad_out(du)
    return dw if w is None else (dw, dx)
