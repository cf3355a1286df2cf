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

Accuracy, measured on the benchmark's layer (batch 32, 64 -> 64 channels, 32x32,
pad 1, standard normal data, weights of scale 0.05) against float64, as
max |error| / max |reference|: float32 Winograd 2.6e-7 (y), 3.3e-7 (dx),
6.0e-7 (dw); float32 im2col 5.0e-7, 2.1e-7, 4.8e-7. So F(2, 3) costs no
accuracy that matters (the target was 1e-5). In float64 the two paths agree
to 1.2e-15.

>>> x = mx.nd.ones((1, 1, 4, 4))
>>> mx.nd.Convolution(x, mx.nd.ones((1, 1, 3, 3)), kernel=(3, 3), pad=(1, 1), num_filter=1,
...                   no_bias=True)[0, 0, 0]
[4. 6. 6. 4.]
"""
import importlib.util

import numpy as np

from .._alloc import empty as _empty

# Turned off by tests that check the im2col path on the geometries Winograd would take.
ENABLED = True

# G of F(2, 3): the weight transform is U = G w G^T, its adjoint dw = G^T dU G.
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
# OpenBLAS (interface/gemm.c) gives a GEMM min(cores, M*N*K / 262144) threads, and one
# below 262144: a block whose GEMMs stay under 2 * 262144 runs on the calling thread.
_ONE_THREAD_MNK = 2 * 262144 - 1
_K = []
_SCIPY = []


def _kern():
    if not _K:
        from ..kernels import builder, nn_winograd_kernels

        _K[:] = [builder, nn_winograd_kernels]
    return _K


def _have_blas():
    # numba's np.dot (inside the kernels) calls BLAS through SciPy.
    if not _SCIPY:
        _SCIPY.append(importlib.util.find_spec("scipy") is not None)
    return _SCIPY[0]


def applies(geo):
    """Whether the Winograd path runs the convolution `geo` (2-D, 3x3, stride 1, dilation 1)."""
    return (ENABLED and geo.ndim == 2 and geo.KH == 3 and geo.KW == 3 and geo.sh == 1
            and geo.sw == 1 and geo.dh == 1 and geo.dw == 1 and _have_blas())


class _Plan:
    """Tile counts, row blocks and the kernel variant of one Winograd pass."""

    def __init__(self, geo, cdt):
        self.geo, self.cdt = geo, cdt
        self.TH, self.TW = (geo.OH + 1) // 2, (geo.OW + 1) // 2
        self.G, self.Fg, self.Cg = geo.G, geo.F // geo.G, geo.C // geo.G
        tp = self.TW + 1
        # Tile rows per block: the block's GEMMs (Fg x Cg x tiles) run on one thread, and
        # its transformed input stays in cache (tens to hundreds of KB).
        fc = self.Fg * self.Cg
        self.RB = max(1, min(self.TH, _ONE_THREAD_MNK // (fc * tp)))
        one_thread = fc * self.RB * tp <= _ONE_THREAD_MNK
        builder, self.wk = _kern()
        work = geo.N * geo.F * geo.C * geo.OH * geo.OW
        # Parallel over images; where a block's GEMMs are too big for one thread, BLAS
        # threads them instead and the images go one after another.
        self.par = geo.N > 1 and one_thread and builder.use_parallel(work, 1)
        self.builder = builder

    def run(self, name, *args):
        ser = self.wk.kernel(name, self.cdt, False)
        if self.par:
            # Images are handed out one at a time rather than split in halves up front: on
            # a loaded machine a thread that is descheduled leaves its images to the other.
            with self.wk._nb.parallel_chunksize(1):
                self.builder.run_parallel(self.wk.kernel(name, self.cdt, True), ser, *args)
        else:
            ser(*args)

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

    def sizes(self):
        g = self.geo
        return g.N, g.C, g.H, g.W, g.ph, g.pw, self.TH, self.TW, self.RB


def _flat(a, cdt):
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


def _result(size, cdt, out):
    if out is not None and out.dtype == cdt:
        return out.reshape(-1)
    return _empty((size,), cdt)


def forward(x, w, b, geo, cdt, out=None):
    """y = conv(x, w) + b, flat, in dtype cdt (written into `out` when it has that dtype)."""
    p = _Plan(geo, cdt)
    bias = np.zeros(1, cdt) if b is None else _flat(b, cdt)
    y = _result(geo.N * geo.F * geo.OH * geo.OW, cdt, out)
    p.run("wino_fwd", _flat(x, cdt), p.weights(w), bias, b is not None, y, *p.sizes())
    return y


def _backward(x, dy, w, geo, cdt, want_dw, out=None):
    p = _Plan(geo, cdt)
    want_dx = w is not None
    Ut = (np.ascontiguousarray(p.weights(w).transpose(0, 1, 3, 2)) if want_dx
          else np.zeros((16, p.G, p.Cg, p.Fg), cdt))
    dx = _result(geo.N * geo.C * geo.H * geo.W, cdt, out) if want_dx else np.zeros(1, cdt)
    dup = np.zeros((geo.N, 16, p.G, p.Fg, p.Cg) if want_dw else (1, 1, 1, 1, 1), cdt)
    xf = _flat(x, cdt) if want_dw else np.zeros(1, cdt)
    p.run("wino_bwd", xf, _flat(dy, cdt), Ut, dx, dup, *p.sizes(), want_dx, want_dw)
    # the per-image partials in a fixed order, in float64: the same on any thread count
    dw = p.wgrad_out(dup.sum(axis=0, dtype=np.float64)) if want_dw else None
    return dw, dx


def dgrad(dy, w, geo, cdt, out=None):
    """The input gradient of conv(x, w) (the transposed convolution of dy), flat."""
    return _backward(None, dy, w, geo, cdt, False, out)[1]


def wgrad(x, dy, geo, cdt, w=None):
    """The weight gradient as (G, Fg, Cg * 9); with `w`, also the input gradient: (dw, dx)."""
    dw, dx = _backward(x, dy, w, geo, cdt, True)
    return dw if w is None else (dw, dx)
