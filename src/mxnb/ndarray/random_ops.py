"""MXNet's sampler ops under their op names, with the ops' own signatures.

`mx.nd.random_uniform(low, high, shape, ctx, dtype)` and the other `random_*` ops take `ctx`
before `dtype` (`mx.nd.random.uniform` takes `dtype` first); the `sample_*` ops take NDArray
parameters under the ops' names (`sample_normal(mu, sigma)`), and both exponential ops take the
rate `lam`, not the scale that `mx.nd.random.exponential` takes. The samples come from the same
stream as `mx.nd.random.*`.

>>> mx.random.seed(0); a = mx.nd.random_exponential(4.0, shape=(2,))
>>> mx.random.seed(0); b = mx.nd.random.exponential(0.25, shape=(2,))
>>> bool((a == b).min())
True
"""
from . import random as _r
from .random import _Null

__all__ = ["random_uniform", "random_normal", "random_randint", "random_poisson",
           "random_exponential", "random_gamma", "random_negative_binomial",
           "random_generalized_negative_binomial", "uniform", "normal", "sample_uniform",
           "sample_normal", "sample_poisson", "sample_gamma", "sample_exponential",
           "sample_multinomial", "sample_negative_binomial", "sample_generalized_negative_binomial"]

# `_sample_exponential` takes rates; mx.nd.random.exponential's sampler takes scales and
# inverts them (the `is _EXPONENTIAL` test in _sample_params), this twin does not.
_EXP_RATE = _r._Sampler("exponential", ("lam",), _r._check_exponential, "exponential",
                        "exponential_params")


def _ctx(ctx):
    return None if ctx is _Null else ctx


def _scalar_op(s, defaults):
    names = s.params

    def fn(*args, shape=_Null, ctx=_Null, dtype=_Null, out=None, name=None, **kwargs):
        given = list(args)
        # positional: the parameters, then shape, ctx, dtype (the op's order)
        params = [given.pop(0) if given else kwargs.pop(n, d) for n, d in zip(names, defaults)]
        for n in ("shape", "ctx", "dtype"):
            if given:
                if n in kwargs or (n == "shape" and shape is not _Null) or \
                        (n == "ctx" and ctx is not _Null) or (n == "dtype" and dtype is not _Null):
                    raise TypeError(f"_random_{s.name}() got multiple values for argument '{n}'")
                v = given.pop(0)
                shape, ctx, dtype = ((v, ctx, dtype) if n == "shape" else
                                     (shape, v, dtype) if n == "ctx" else (shape, ctx, v))
        if given:
            raise TypeError(f"_random_{s.name}() got too many positional arguments")
        rate = s is _r._EXPONENTIAL and isinstance(params[0], _r.NDArray)
        return _r._random_helper(_EXP_RATE if rate else s, params, shape, dtype, _ctx(ctx), out,
                                 kwargs)

    fn.__name__ = fn.__qualname__ = "random_" + s.name
    fn.__doc__ = (f"random_{s.name}({', '.join(names)}, shape, ctx, dtype, out=None, name=None): "
                  f"MXNet's _random_{s.name} op.")
    return fn


def _sample_op(s, names):
    def fn(*args, shape=_Null, dtype=_Null, out=None, name=None, **kwargs):
        given = list(args)
        params = [given.pop(0) if given else kwargs.pop(n, None) for n in names]
        if given:
            shape = given.pop(0)
        if given:
            dtype = given.pop(0)
        if given:
            raise TypeError(f"_sample_{s.name}() got too many positional arguments")
        for n, p in zip(names, params):
            if not isinstance(p, _r.NDArray):
                raise AssertionError(f"Argument {n} must have NDArray type, but got {p}")
        return _r._random_helper(s, params, shape, dtype, None, out, kwargs)

    fn.__name__ = fn.__qualname__ = "sample_" + s.name
    fn.__doc__ = (f"sample_{s.name}({', '.join(names)}, shape, dtype, out=None, name=None): "
                  f"MXNet's _sample_{s.name} op (one draw set per parameter element).")
    return fn


random_uniform = uniform = _scalar_op(_r._UNIFORM, (0.0, 1.0))
random_normal = normal = _scalar_op(_r._NORMAL, (0.0, 1.0))
random_randint = _scalar_op(_r._RANDINT, (None, None))
random_poisson = _scalar_op(_r._POISSON, (1.0,))
random_exponential = _scalar_op(_r._EXPONENTIAL, (1.0,))
random_gamma = _scalar_op(_r._GAMMA, (1.0, 1.0))
random_negative_binomial = _scalar_op(_r._NEGBIN, (1, 1.0))
random_generalized_negative_binomial = _scalar_op(_r._GNEGBIN, (1.0, 1.0))

sample_uniform = _sample_op(_r._UNIFORM, ("low", "high"))
sample_normal = _sample_op(_r._NORMAL, ("mu", "sigma"))
sample_poisson = _sample_op(_r._POISSON, ("lam",))
sample_gamma = _sample_op(_r._GAMMA, ("alpha", "beta"))
sample_exponential = _sample_op(_EXP_RATE, ("lam",))
sample_negative_binomial = _sample_op(_r._NEGBIN, ("k", "p"))
sample_generalized_negative_binomial = _sample_op(_r._GNEGBIN, ("mu", "alpha"))


def sample_multinomial(data=None, shape=_Null, get_prob=False, dtype="int32", out=None,
                       name=None, **kwargs):
    """MXNet's `_sample_multinomial` op: as mx.nd.random.multinomial, `dtype` before `out`."""
    return _r.multinomial(data, shape=shape, get_prob=get_prob, out=out, dtype=dtype, **kwargs)
