"""`mx.nd.contrib` functions over the ops of ops/misc.py, plus rand_zipfian (composed, as MXNet's).

MXNet runs fft, ifft and count_sketch on the GPU only; mxnb runs them on any context.

>>> mx.nd.contrib.fft(mx.nd.array([[1, 2, 3, 4]])).asnumpy().tolist()
[[10.0, 0.0, -2.0, 2.0, -2.0, 0.0, -2.0, -2.0]]
"""
import math

from ..context import current_context
from . import _api as nd
from .random import uniform as _uniform

__all__ = ["round_ste", "sign_ste", "fft", "ifft", "count_sketch", "rand_zipfian"]


def round_ste(data=None, out=None, name=None):
    """round(data) (halves away from zero), with gradient one (straight-through estimator).

    >>> mx.nd.contrib.round_ste(mx.nd.array([-1.5, 0.4])).asnumpy().tolist()
    [-2.0, 0.0]
    """
    return nd._contrib_round_ste(data, out=out)


def sign_ste(data=None, out=None, name=None):
    """sign(data), with gradient one (straight-through estimator).

    >>> mx.nd.contrib.sign_ste(mx.nd.array([-3, 0, 2])).asnumpy().tolist()
    [-1.0, 0.0, 1.0]
    """
    return nd._contrib_sign_ste(data, out=out)


def fft(data=None, compute_size=128, out=None, name=None):
    """FFT of the last axis of real (N, d) or (N1, N2, N3, d) data: (..., 2d), laid out
    real0, imag0, real1, imag1, ...  (`compute_size` only batched MXNet's cuFFT calls.)

    >>> mx.nd.contrib.fft(mx.nd.array([[1, 1]])).asnumpy().tolist()
    [[2.0, 0.0, 0.0, 0.0]]
    """
    return nd._contrib_fft(data, compute_size=compute_size, out=out)


def ifft(data=None, compute_size=128, out=None, name=None):
    """Unnormalised inverse FFT of interleaved (..., 2d) data; the real part, (..., d).
    As in MXNet, ifft(fft(x)) is d * x.

    >>> mx.nd.contrib.ifft(mx.nd.array([[2, 0, 0, 0]])).asnumpy().tolist()
    [[2.0, 2.0]]
    """
    return nd._contrib_ifft(data, compute_size=compute_size, out=out)


def count_sketch(data=None, h=None, s=None, out_dim=None, processing_batch_size=32, out=None,
                 name=None):
    """out[..., h[i]] += data[..., i] * s[i]; h, s of shape (1, d), output (..., out_dim).

    >>> x = mx.nd.array([[1.5, 2.5, 3.25]])
    >>> h, s = mx.nd.array([[0, 3, 4]]), mx.nd.array([[1, -1, 1]])
    >>> mx.nd.contrib.count_sketch(x, h, s, out_dim=5).asnumpy().tolist()
    [[1.5, 0.0, 0.0, -2.5, 3.25]]
    """
    return nd._contrib_count_sketch(data, h, s, out_dim=out_dim,
                                    processing_batch_size=processing_batch_size, out=out)


def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """`num_sampled` classes in [0, range_max) drawn (with replacement) from the approximately
    log-uniform distribution P(c) = log((c + 2) / (c + 1)) / log(range_max + 1); returns
    (samples int64, expected count of each true class float64, expected count of each sample
    float64). Draws from mx.random's stream exactly as MXNet's does.

    >>> s, ct, cs = mx.nd.contrib.rand_zipfian(mx.nd.array([3]), 4, 5)
    >>> s.shape, ct.dtype.__name__
    ((4,), 'float64')
    """
    ctx = current_context() if ctx is None else ctx
    log_range = math.log(range_max + 1)
    rand = _uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    sampled = (rand.exp() - 1).astype("int64") % range_max
    true_cls = true_classes.as_in_context(ctx).astype("float64")
    count_true = ((true_cls + 2.0) / (true_cls + 1.0)).log() / log_range * num_sampled
    s64 = sampled.astype("float64")
    count_sampled = ((s64 + 2.0) / (s64 + 1.0)).log() / log_range * num_sampled
    return sampled, count_true, count_sampled
