"""`mx.nd.random.<sampler>_like`: a sampler with the shape, dtype and context of `data`.

MXNet 1.9.1 draws exactly what the sampler with `shape=data.shape, dtype=data.dtype,
ctx=data.context` draws, so each is that call.

>>> mx.random.seed(1)
>>> mx.nd.random.uniform_like(mx.nd.zeros((2,)), low=0, high=1).shape
(2,)
"""
from . import random as _r

__all__ = ["uniform_like", "normal_like", "exponential_like", "gamma_like", "poisson_like",
           "negative_binomial_like", "generalized_negative_binomial_like"]


def _like(sampler, names, defaults):
    def fn(data=None, *args, out=None, name=None, **kwargs):
        from .ndarray import NDArray

        if not isinstance(data, NDArray):
            raise AssertionError(f"Argument data must have NDArray type, but got {data}")
        params = dict(zip(names, defaults))
        params.update(zip(names, args))
        for k in names:
            if k in kwargs:
                params[k] = kwargs.pop(k)
        return sampler(*[params[k] for k in names], shape=data.shape, dtype=data.dtype,
                       ctx=data.context, out=out, **kwargs)

    fn.__name__ = fn.__qualname__ = f"{sampler.__name__}_like"
    args = ", ".join(f"{k}={d!r}" for k, d in zip(names, defaults))
    fn.__doc__ = (f"{fn.__name__}(data, {args}, out=None): `{sampler.__name__}` with data's "
                  "shape, dtype and context.")
    return fn


uniform_like = _like(_r.uniform, ("low", "high"), (0, 1))
normal_like = _like(_r.normal, ("loc", "scale"), (0, 1))
def _exponential_rate(lam=1, **kw):
    # The `_like` op takes the rate, as MXNet's operator does; `exponential` takes the scale.
    return _r.exponential(1.0 / lam, **kw)


_exponential_rate.__name__ = "exponential"
exponential_like = _like(_exponential_rate, ("lam",), (1,))
gamma_like = _like(_r.gamma, ("alpha", "beta"), (1, 1))
poisson_like = _like(_r.poisson, ("lam",), (1,))
negative_binomial_like = _like(_r.negative_binomial, ("k", "p"), (1, 1))
generalized_negative_binomial_like = _like(_r.generalized_negative_binomial, ("mu", "alpha"),
                                           (1, 1))
