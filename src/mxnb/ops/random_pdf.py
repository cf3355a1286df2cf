"""MXNet 1.9.1's `_random_pdf_*` ops (`mx.nd.random_pdf_normal`, ...): densities of samples.

`random_pdf_<dist>(sample, *params, is_log=False)`: the parameters are arrays of one shape,
equal to the leading axes of `sample` (`sample.shape[:p.ndim]`); each parameter entry applies
to every sample in the trailing axes ("per-row" parameters). The output has the sample's shape.
Dirichlet's `alpha` has shape `sample.shape[:alpha.ndim - 1] + (k,)` for vectors of length k
in the last sample axis, and the output drops that axis (a single 1-D sample gives shape (1,)).
Anything else is MXNet's "Shape inconsistent" error. All inputs share one float dtype.

The formulas are MXNet's (`src/operator/random/pdf_op.h`): uniform 1 / (high - low) with no
support check, normal, gamma (shape alpha, rate beta), exponential (rate lam), poisson,
negative binomial (k, p: MXNet's `p` multiplies as p**k), generalized negative binomial
(limit 1/alpha, prob 1/(mu*alpha + 1)), dirichlet. They are written in mxnb ops (`gammaln`,
`_polygamma`), so the VJPs are differentiable again (no fused backward: the VJP serves both).

Gradients, as MXNet defines them: every parameter gets the true derivative, summed over the
samples it applies to; the sample gets the true derivative for normal, gamma, exponential and
dirichlet, and zero for uniform, poisson and both negative binomials (MXNet's choice for the
discrete ones). On `mx.gpu()` the forward runs the same recipe of mxnb ops on the device
(kernels/cuda_vision.py).
"""
import math

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register, same_dtype

# MXNet's normalizer is sqrt(2.0 * PI) * sigma with PI a float constant [COPY]
_SQRT_2PI = math.sqrt(2.0 * float(np.float32(math.pi)))
_LOG_SQRT_2PI = math.log(_SQRT_2PI)


def _params_shape(op, shapes, vector):
    """MXNet's PdfOpShape: the parameters' common shape, checked against the sample's."""
    s = shapes[0]
    for i in range(2, len(shapes)):
        if shapes[i] != shapes[1]:
            raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(shapes[i])}, "
                             f"inferred shape={fmt_shape(shapes[1])}")
    p = shapes[1]
    if len(p) > len(s):
        raise MXNetError(f"{op.name}: dimension of input samples ({len(s)}) must be at least "
                         f"dimension of distribution parameters ({len(p)})")
    want = tuple(s[:len(p)])
    if vector and want:
        want = want[:-1] + (s[-1],)
    if p != want:
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(p)}, inferred "
                         f"shape={fmt_shape(want)}")
    return p


def _infer(vector):
    def infer(op, inputs, attrs):
        if len(inputs) != len(op.inputs):
            raise MXNetError(f"Operator {op.name} expects {len(op.inputs)} inputs, but got "
                             f"{len(inputs)} instead.")
        dt = same_dtype(op, inputs)
        if dt.kind != "f":
            raise MXNetError(f"{op.name}: samples and parameters must be float16, float32 or "
                             f"float64, got {dt.name}")
        shapes = [tuple(a.shape) for a in inputs]
        _params_shape(op, shapes, vector)
        s = shapes[0]
        out = ((1,) if len(s) == 1 else s[:-1]) if vector else s
        return [(out, dt)]
    return infer


def _spread(p, sample_ndim, vector):
    """A parameter array reshaped to broadcast against the samples."""
    if vector:   # (..., k) -> (..., 1, ..., 1, k)
        shape = p.shape[:-1] + (1,) * (sample_ndim - p.ndim) + p.shape[-1:]
    else:
        shape = p.shape + (1,) * (sample_ndim - p.ndim)
    return nd.reshape(p, shape=shape)


def _fold(g, pshape, vector):
    """Sum a sample-shaped gradient back onto the parameter's shape."""
    if vector:
        lead = len(pshape) - 1
        g = nd.reshape(g, shape=tuple(pshape[:-1]) + (-1, pshape[-1]))
        return nd.sum(g, axis=lead)
    g = nd.reshape(g, shape=tuple(pshape) + (-1,))
    return nd.sum(g, axis=len(pshape))


# ---------------------------------------------------------------- the distributions
# Each: lpdf(x, *params) -> log-density; pdf(...) MXNet's direct density where it has one;
# grads(x, *params) -> d lpdf / d (x, *params) (sample entry None where MXNet gives zero).


def _uniform_lpdf(x, lo, hi):
    return nd.broadcast_add(nd.zeros_like(x), -nd.log(hi - lo))


def _uniform_pdf(x, lo, hi):
    return nd.broadcast_add(nd.zeros_like(x), 1.0 / (hi - lo))


def _uniform_grads(x, lo, hi):
    return [None, 1.0 / (hi - lo), 1.0 / (lo - hi)]


def _normal_lpdf(x, u, s):
    d = nd.broadcast_sub(x, u)
    return nd.broadcast_sub(nd.broadcast_div(-0.5 * d * d, s * s), nd.log(s) + _LOG_SQRT_2PI)


def _normal_pdf(x, u, s):
    d = nd.broadcast_sub(x, u)
    return nd.broadcast_div(nd.exp(nd.broadcast_div(-0.5 * d * d, s * s)),
                            s * _SQRT_2PI)


def _normal_grads(x, u, s):
    d = nd.broadcast_sub(x, u)
    s2 = s * s
    return [nd.broadcast_div(-d, s2), nd.broadcast_div(d, s2),
            nd.broadcast_div(nd.broadcast_sub(d * d, s2), s2 * s)]


def _gamma_lpdf(x, a, b):
    t = nd.broadcast_mul(a - 1.0, nd.log(x)) - nd.broadcast_mul(b, x)
    return nd.broadcast_add(t, a * nd.log(b) - nd.gammaln(a))


def _gamma_grads(x, a, b):
    return [nd.broadcast_sub(nd.broadcast_div(a - 1.0, x), b),
            nd.broadcast_add(nd.log(x), nd.log(b) - nd._polygamma(a, n=0)),
            nd.broadcast_sub(a / b, x)]


def _exponential_lpdf(x, lam):
    return nd.broadcast_sub(nd.log(lam), nd.broadcast_mul(lam, x))


def _exponential_pdf(x, lam):
    return nd.broadcast_mul(lam, nd.exp(-nd.broadcast_mul(lam, x)))


def _exponential_grads(x, lam):
    return [nd.broadcast_mul(-lam, nd.ones_like(x)), nd.broadcast_sub(1.0 / lam, x)]


def _poisson_lpdf(x, lam):
    return nd.broadcast_sub(nd.broadcast_mul(x, nd.log(lam)) - nd.gammaln(x + 1.0), lam)


def _poisson_grads(x, lam):
    return [None, nd.broadcast_div(x, lam) - 1.0]


def _nb_lpdf(x, k, p):
    t = nd.gammaln(nd.broadcast_add(x, k)) - nd.gammaln(x + 1.0)
    t = nd.broadcast_sub(t, nd.gammaln(k))
    return nd.broadcast_add(t, k * nd.log(p)) + nd.broadcast_mul(x, nd.log(1.0 - p))


def _nb_grads(x, k, p):
    gk = nd.broadcast_add(nd._polygamma(nd.broadcast_add(x, k), n=0),
                          nd.log(p) - nd._polygamma(k, n=0))
    gp = nd.broadcast_sub(k / p, nd.broadcast_div(x, 1.0 - p))
    return [None, gk, gp]


def _gnb_kp(mu, alpha):
    return 1.0 / alpha, 1.0 / (mu * alpha + 1.0)


def _gnb_lpdf(x, mu, alpha):
    return _nb_lpdf(x, *_gnb_kp(mu, alpha))


def _gnb_grads(x, mu, alpha):
    _, gk, gp = _nb_grads(x, *_gnb_kp(mu, alpha))
    den = mu * alpha + 1.0
    den2 = den * den
    return [None, nd.broadcast_mul(gp, -alpha / den2),
            nd.broadcast_mul(gk, -1.0 / (alpha * alpha)) - nd.broadcast_mul(gp, mu / den2)]


def _dirichlet_lpdf(x, a):
    t = nd.sum(nd.broadcast_mul(a - 1.0, nd.log(x)), axis=-1)
    c = nd.gammaln(nd.sum(a, axis=-1)) - nd.sum(nd.gammaln(a), axis=-1)
    return nd.broadcast_add(t, c)


def _dirichlet_grads(x, a):
    psum = nd._polygamma(nd.sum(a, axis=-1, keepdims=True), n=0)
    return [nd.broadcast_div(a - 1.0, x),
            nd.broadcast_add(nd.log(x), psum - nd._polygamma(a, n=0))]


# ---------------------------------------------------------------- op plumbing


def _nds(arrays):
    from ..context import cpu
    from ..ndarray.ndarray import NDArray

    return [NDArray(a, cpu()) for a in arrays]


def _density(dist, x, ps, is_log):
    lpdf, pdf, vector = dist["lpdf"], dist.get("pdf"), dist["vector"]
    sp = [_spread(p, x.ndim, vector) for p in ps]
    if is_log:
        return lpdf(x, *sp)
    return pdf(x, *sp) if pdf is not None else nd.exp(lpdf(x, *sp))


def _shape_out(y, x, vector):
    if vector and x.ndim == 1:
        return nd.reshape(y, shape=(1,))
    return y


def _make_forward(dist):
    def forward(op, ins, outs, attrs):
        from .. import autograd

        work = [a.astype(np.float32) if a.dtype == np.float16 else a for a in ins]
        with autograd.pause():
            x, *ps = _nds(work)
            y = _shape_out(_density(dist, x, ps, bool(attrs["is_log"])), x, dist["vector"])
            np.copyto(outs[0], y.asnumpy().reshape(outs[0].shape), casting="unsafe")
    return forward


def _make_vjp(dist):
    def vjp(op, dys, ins, outs, attrs):
        x, *ps = ins
        vector = dist["vector"]
        scale = dys[0]
        if not attrs["is_log"]:   # d pdf = pdf * d lpdf; recomputed so that it is recorded
            scale = scale * nd.reshape(_density(dist, x, ps, False), shape=scale.shape)
        if vector:   # one density per vector of k: spread it over the vector's entries
            scale = nd.reshape(scale, shape=x.shape[:-1] + (1,))
        grads = dist["grads"](x, *[_spread(p, x.ndim, vector) for p in ps])
        out = []
        for k, g in enumerate(grads):
            if g is None:
                out.append(nd.zeros_like(x))
                continue
            g = nd.broadcast_mul(g, scale)
            out.append(g if k == 0 else _fold(g, ps[k - 1].shape, vector))
        return out
    return vjp


DISTS = {}   # op name -> its formulas (kernels/cuda_vision runs them on device arrays)


def _pdf_op(name, params, dist, test):
    dist["vector"] = dist.get("vector", False)
    DISTS["_random_pdf_" + name] = dist
    register(Op("_random_pdf_" + name, ("sample",) + params, aliases=("random_pdf_" + name,),
                attrs=(("is_log", False),), infer=_infer(dist["vector"]),
                forward=_host(_make_forward(dist)), vjp=_make_vjp(dist),
                doc=f"The {name} density (or its log, is_log=True) of samples under per-row "
                    f"parameters {', '.join(params)}.", test=test))


_BOTH = [{"attrs": {"is_log": False}}, {"attrs": {"is_log": True}}]

_pdf_op("uniform", ("low", "high"),
        {"lpdf": _uniform_lpdf, "pdf": _uniform_pdf, "grads": _uniform_grads},
        {"shapes": [(2, 3), (2,), (2,)], "domain": ((0.0, 1.0), (-2.0, -1.0), (1.5, 3.0)),
         "wrt": [1, 2], "cases": _BOTH})
_pdf_op("normal", ("mu", "sigma"),
        {"lpdf": _normal_lpdf, "pdf": _normal_pdf, "grads": _normal_grads},
        {"shapes": [(2, 3), (2,), (2,)], "domain": ((-1.0, 1.0), (-0.5, 0.5), (0.7, 1.5)),
         "cases": _BOTH})
_pdf_op("gamma", ("alpha", "beta"), {"lpdf": _gamma_lpdf, "grads": _gamma_grads},
        {"shapes": [(2, 3), (2,), (2,)], "domain": ((0.5, 2.0), (1.2, 3.0), (0.5, 2.0)),
         "cases": _BOTH})
_pdf_op("exponential", ("lam",),
        {"lpdf": _exponential_lpdf, "pdf": _exponential_pdf, "grads": _exponential_grads},
        {"shapes": [(2, 3), (2,)], "domain": ((0.1, 2.0), (0.5, 2.0)), "cases": _BOTH})


def _counts(*params):
    def make(r):
        x = r.randint(0, 6, size=(2, 3)).astype(np.float64)
        return [x] + [r.uniform(lo, hi, size=(2,)) for lo, hi in params]
    return make


_pdf_op("poisson", ("lam",), {"lpdf": _poisson_lpdf, "grads": _poisson_grads},
        {"inputs": _counts((0.5, 3.0)), "wrt": [1], "cases": _BOTH})
_pdf_op("negative_binomial", ("k", "p"), {"lpdf": _nb_lpdf, "grads": _nb_grads},
        {"inputs": _counts((1.0, 4.0), (0.2, 0.8)), "wrt": [1, 2], "cases": _BOTH})
_pdf_op("generalized_negative_binomial", ("mu", "alpha"),
        {"lpdf": _gnb_lpdf, "grads": _gnb_grads},
        {"inputs": _counts((0.5, 3.0), (0.3, 1.5)), "wrt": [1, 2], "cases": _BOTH})


def _simplex(r):
    x = r.uniform(0.5, 2.0, size=(2, 2, 3))
    return [x / x.sum(axis=-1, keepdims=True), r.uniform(0.8, 3.0, size=(2, 3))]


_pdf_op("dirichlet", ("alpha",),
        {"lpdf": _dirichlet_lpdf, "grads": _dirichlet_grads, "vector": True},
        {"inputs": _simplex, "wrt": [1], "cases": _BOTH})
