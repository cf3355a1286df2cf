"""`mx.nd.random`: MXNet 1.9.1's samplers, drawing from its CPU random stream.

Every draw goes through a `GeneratorPool` (1024 MT19937 generators, MXNet's
chunking, exact conversions; `mxnb._rng`), so after `mx.random.seed(s)` the
numbers are the ones MXNet 1.9.1 prints on the CPU. One pool serves every
CPU context (MXNet seeds all of them with device id 0); each GPU has its own
pool seeded with its device id.

Scalar parameters give `shape` samples (`(1,)` when neither `shape` nor
`out` is given); NDArray parameters give one batch of `shape` samples per
parameter element, laid out as `param.shape + shape`. A call that fails a
check raises before drawing, so `out` and the stream are left as they were.

>>> mx.random.seed(42)
>>> mx.nd.random.uniform(shape=(3,))
<BLANKLINE>
[0.82909364 0.7478349  0.55818135]
<NDArray 3 @cpu(0)>
"""
import threading

import numpy as np

from .._alloc import empty as _pooled_empty
from ..base import DTYPE_TO_FLAG, numeric_types
from ..base import MXNetError as _MXNetError
from ..context import Context as _Context, check_gpu as _check_gpu, current_context
from .ndarray import NDArray

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "shuffle", "randint", "negative_binomial", "generalized_negative_binomial"]


class _NullType:
    """Placeholder for an argument that was not given (MXNet's `_Null`)."""

    def __repr__(self):
        return "_Null"


_Null = _NullType()

# ---------------------------------------------------------------------------
# the generator pools: one for all CPU contexts, one per GPU
# ---------------------------------------------------------------------------
_lock = threading.RLock()
_global_seed = [0]      # an unseeded process behaves like seed(0), as MXNet's does
_pools = {}             # 'cpu' or ('gpu', id) -> GeneratorPool


def _key(ctx):
    return ("gpu", ctx.device_id) if ctx.device_typeid == 2 else "cpu"


def _pool_for_key(key):
    pool = _pools.get(key)
    if pool is None:
        from .._rng.pool import GeneratorPool  # numpy only; kernels load on the first draw

        pool = GeneratorPool(seed=_global_seed[0], device_id=0 if key == "cpu" else key[1],
                             target="cpu" if key == "cpu" else "cuda")
        _pools[key] = pool
    return pool


def _pool(ctx):
    """The pool that draws for `ctx` (created on first use with the global seed)."""
    return _pools.get(_key(ctx)) or _pool_for_key(_key(ctx))


def _init_genrand(seed):
    """MT19937's standard seeding of one generator: its 624-word state."""
    mt = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        prev = mt[-1]
        mt.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    return np.array(mt, np.uint32).reshape(1, 624)


def _seed(seed_state, ctx="all"):
    """Seed the pools as MXNet's ResourceManager does (`seed_state` already mod 2**32).

    'all': every pool, and those created later, with the device id mixed in
    (parallel generator t: s*127 + dev + t; single generator: s*127 + dev).
    A context: MXNet reseeds the CPU generators whatever the context (and
    that GPU's as well), without the device id, and its single generator
    (multinomial, shuffle) with the bare seed s.
    """
    with _lock:
        if ctx == "all":
            _global_seed[0] = seed_state
            for key, pool in _pools.items():
                pool.seed(seed_state, 0 if key == "cpu" else key[1])
            return
        keys = ["cpu"] + ([_key(ctx)] if ctx.device_typeid == 2 else [])
        for key in keys:
            pool = _pool_for_key(key)
            pool.seed(seed_state, 0)
            base, mt, pos = pool.state_copy()[:3]
            pool.set_state((base, mt, pos, _init_genrand(seed_state),
                            np.array([624], np.uint64)))


# ---------------------------------------------------------------------------
# argument checks, with MXNet's messages
# ---------------------------------------------------------------------------
_FLOAT_KINDS = ("float16", "float32", "float64")
_INT_KINDS = ("int32", "int64")


def _fmt_shape(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _num(v):
    """A parameter value as MXNet's C++ checks print it (`0`, `0.5`, `nan`)."""
    return f"{float(v):g}"


def _unknown_kwargs(opname, kwargs):
    kwargs.pop("name", None)  # every MXNet op takes name= (and ignores it)
    if kwargs:
        name = next(iter(kwargs))
        raise _MXNetError(f"Cannot find argument '{name}', in operator {opname}")


def _parse_shape(shape, opname, allow_empty=False):
    if isinstance(shape, str):
        # MXNet passes attributes to C++ as strings: shape='(2, 3)' parses as (2, 3).
        import ast

        try:
            shape = ast.literal_eval(shape.strip())
        except (ValueError, SyntaxError):
            pass  # refused below with MXNet's message
    if isinstance(shape, (bool, np.bool_)):
        shape = None
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    elif isinstance(shape, (tuple, list)) and all(
            isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))
            for d in shape):
        shape = tuple(int(d) for d in shape)
    elif shape is None:
        raise _MXNetError(f"Operator {opname} inferring shapes failed: no output shape "
                         "(shape=None)")
    else:
        raise _MXNetError(f"Invalid Parameter format for shape expect Shape(tuple) but "
                         f"value='{shape}', in operator {opname}")
    if (not shape and not allow_empty) or any(d <= 0 for d in shape):
        raise _MXNetError(f"Operator {opname} inferring shapes failed: shape {shape} is not "
                         "supported (every dimension must be positive)")
    return shape


def _dtype_name(dtype, valid, opname):
    """The requested output dtype's name, or None when not given.

    As in MXNet, `dtype=None` is NumPy's default dtype (float64), not "unset".
    """
    if dtype is _Null:
        return None
    name = np.dtype(dtype).name     # TypeError "data type 'foo' not understood", as MXNet
    if name not in valid:
        allowed = ", ".join(repr(v) for v in (("None",) + valid))
        raise _MXNetError(f"Invalid Input: '{name}', valid values are: {{{allowed}}}, in "
                         f"operator {opname}(dtype=\"{name}\")")
    return name


def _check_out(out, opname, valid, req, shape=None):
    """Check `out` against the requested dtype and the inferred shape."""
    if not isinstance(out, NDArray):
        raise TypeError(f"{opname}: out must be an NDArray, got {type(out).__name__}")
    name = np.dtype(out.dtype).name
    if name not in valid:
        flags = " or ".join(str(DTYPE_TO_FLAG[np.dtype(v)]) for v in valid)
        kinds = ", ".join(valid)
        raise _MXNetError(f"Check failed: dtype_ok: Output type must be {kinds}: dtype is "
                         f"{DTYPE_TO_FLAG.get(np.dtype(name), -1)} vs {flags} (operator "
                         f"{opname}, out dtype {name})")
    if req is not None and req != name:
        raise _MXNetError(f"Check failed: dtype_out == param.dtype: Output type does not match "
                         f"requested type: {DTYPE_TO_FLAG[np.dtype(name)]} vs "
                         f"{DTYPE_TO_FLAG[np.dtype(req)]} (operator {opname}: out is {name}, "
                         f"dtype={req})")
    if shape is not None and tuple(shape) != out.shape:
        raise _MXNetError(f"Shape inconsistent, Provided = {_fmt_shape(out.shape)}, inferred "
                         f"shape={_fmt_shape(shape)} (operator {opname})")
    if not out.writable:
        raise ValueError(f"{opname}: out is a read-only NDArray")


def _check_ctx(ctx):
    if ctx is None:
        return current_context()
    if not isinstance(ctx, _Context):
        raise _MXNetError(f"Invalid context string {ctx}")
    _check_gpu(ctx)
    return ctx


def _empty(shape, dtype, ctx):
    if ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        return NDArray(cuda_launch.empty(shape, dtype, ctx), ctx)
    return NDArray(_pooled_empty(shape, dtype), ctx)


def _float_param(v, opname, what):
    if isinstance(v, (bool, np.bool_)):
        raise _MXNetError(f"Invalid Parameter format for {what} expect float but value='{v}', "
                         f"in operator {opname}")
    return float(v)


def _int_param(v, opname, what):
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise _MXNetError(f"Invalid Parameter format for {what} expect long but value='{v}', "
                         f"in operator {opname}")
    return int(v)


# ---------------------------------------------------------------------------
# one table row per sampler: names, parameters, checks, pool methods
# ---------------------------------------------------------------------------
def _check_uniform(low, high):
    if not np.float32(high) >= np.float32(low):
        raise _MXNetError(f"Check failed: param.high >= param.low ({_num(high)} vs. {_num(low)}) "
                         ": low must be less or equal to high in uniform distribution")


def _check_normal(loc, scale):
    if not np.float32(scale) > 0:
        raise _MXNetError(f"Check failed: param.scale > 0 ({_num(scale)} vs. 0) : scale "
                         "parameter in gaussian has to be positive")


def _check_exponential(lam):
    if not np.float32(lam) > 0:
        raise _MXNetError(f"Check failed: param.lam > 0 ({_num(np.float32(lam))} vs. 0) : lambda "
                         "parameter in exponential distribution has to be positive")


def _check_gamma(alpha, beta):
    if not np.float32(alpha) > 0:
        raise _MXNetError(f"Check failed: param.alpha > 0 ({_num(alpha)} vs. 0) : alpha "
                         "parameter in gamma distribution has to be positive")
    if not np.float32(beta) > 0:
        raise _MXNetError(f"Check failed: param.beta > 0 ({_num(beta)} vs. 0) : beta parameter "
                         "in gamma distribution has to be positive")
    if not np.isfinite(np.float32(alpha)):
        # MXNet loops forever here
        raise _MXNetError(f"gamma: alpha must be finite, got {alpha}")


def _check_poisson(lam):
    if not np.float32(lam) >= 0:
        raise _MXNetError(f"Check failed: param.lam >= 0 ({_num(lam)} vs. 0) : lambda parameter "
                         "in poisson distribution has to be non-negative")


def _check_randint(low, high):
    if not high >= low:
        raise _MXNetError(f"Check failed: param.high >= param.low ({high} vs. {low}) : low must "
                         "be less or equal to high in uniform distribution")
    if high == low:
        # MXNet 1.9.1 divides by zero here and the process dies (SIGFPE)
        raise _MXNetError(f"randint: high must be greater than low (low={low}, high={high}): "
                         "the range [low, high) is empty")
    if low < -2**63 or high > 2**63 - 1 or high - low >= 2**63:
        raise _MXNetError(f"randint: low and high must fit in int64 (low={low}, high={high})")


def _check_negbin(k, p):
    if not k >= 0:
        raise _MXNetError(f"Check failed: param.k >= 0 ({k} vs. 0) : k parameter in negative "
                         "binomial distribution has to be non-negative")
    if not np.float32(p) >= 0:
        raise _MXNetError(f"Check failed: param.p >= 0 ({_num(p)} vs. 0) : p parameter in "
                         "negative binomial distribution has to be non-negative")


def _check_gnegbin(mu, alpha):
    for name, v in (("mu", mu), ("alpha", alpha)):
        if not np.float32(v) >= 0:
            raise _MXNetError(f"Check failed: param.{name} >= 0 ({_num(v)} vs. 0) : {name} "
                             "parameter in generalized negative binomial distribution has to "
                             "be non-negative")


def _c_int_param(v, opname, what):
    """An MXNet `int` parameter: a Python or NumPy integer that fits a C int."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) \
            or not -2**31 <= v < 2**31:
        raise _MXNetError(f"Invalid Parameter format for {what} expect int but value='{v}', in "
                         f"operator {opname}")
    return int(v)


class _Sampler:
    __slots__ = ("name", "params", "check", "method", "pmethod", "kinds", "default", "ints")

    def __init__(self, name, params, check, method, pmethod, kinds=_FLOAT_KINDS,
                 default="float32", ints=()):
        self.name, self.params, self.check = name, params, check
        self.method, self.pmethod = method, pmethod
        self.kinds, self.default = kinds, default
        self.ints = ints    # parameters MXNet declares as C ints (negative_binomial's k)


_UNIFORM = _Sampler("uniform", ("low", "high"), _check_uniform, "uniform", "uniform_params")
_NORMAL = _Sampler("normal", ("loc", "scale"), _check_normal, "normal", "normal_params")
_EXPONENTIAL = _Sampler("exponential", ("lam",), _check_exponential, "exponential",
                        "exponential_params")
_GAMMA = _Sampler("gamma", ("alpha", "beta"), _check_gamma, "gamma", "gamma_params")
_POISSON = _Sampler("poisson", ("lam",), _check_poisson, "poisson", "poisson_params")
_RANDINT = _Sampler("randint", ("low", "high"), _check_randint, "randint", None,
                    kinds=_INT_KINDS, default="int32")
_NEGBIN = _Sampler("negative_binomial", ("k", "p"), _check_negbin, "negative_binomial",
                   "negative_binomial_params", ints=("k",))
_GNEGBIN = _Sampler("generalized_negative_binomial", ("mu", "alpha"), _check_gnegbin,
                    "generalized_negative_binomial", "generalized_negative_binomial_params")


def _random_helper(s, params, shape, dtype, ctx, out, kwargs):
    """MXNet's `_random_helper`: dispatch on the type of the first parameter."""
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            assert isinstance(p, NDArray), (
                "Distribution parameters must all have the same type, but got "
                f"both {type(params[0])} and {type(p)}.")
        return _sample_params(s, params, shape, dtype, out, kwargs)
    if isinstance(params[0], numeric_types):
        for p in params[1:]:
            assert isinstance(p, numeric_types), (
                "Distribution parameters must all have the same type, but got "
                f"both {type(params[0])} and {type(p)}.")
        if shape is _Null and out is None:
            shape = 1
        return _sample_scalar(s, params, shape, dtype, ctx, out, kwargs)
    raise ValueError("Distribution parameters must be either NDArray or numbers, "
                     f"but got {type(params[0])}.")


def _sample_scalar(s, params, shape, dtype, ctx, out, kwargs):
    opname = "_random_" + s.name
    _unknown_kwargs(opname, kwargs)
    if s is _RANDINT:
        vals = [_int_param(v, opname, n) for v, n in zip(params, s.params)]
    else:
        vals = [(_c_int_param if n in s.ints else _float_param)(v, opname, n)
                for v, n in zip(params, s.params)]
    req = _dtype_name(dtype, s.kinds, opname)
    shp = None if shape is _Null else _parse_shape(shape, opname)
    s.check(*vals)
    if out is not None:
        _check_out(out, opname, s.kinds, req, shp)
        target = out
    else:
        target = _empty(shp, req or s.default, _check_ctx(ctx))
    with _lock:
        getattr(_pool(target._ctx), s.method)(target._data, *vals)
    return target


def _sample_params(s, params, shape, dtype, out, kwargs):
    opname = "_sample_" + s.name
    kwargs.pop("ctx", None)   # MXNet ignores ctx here: the output lives with the parameters
    _unknown_kwargs(opname, kwargs)
    if s.pmethod is None:
        raise TypeError(f"{s.name}: low and high must be numbers; MXNet has no sampler taking "
                        "NDArray parameters for randint")
    first = params[0]
    for p in params[1:]:
        if p.shape != first.shape:
            raise _MXNetError(f"Operator {opname} inferring shapes failed: the parameters have "
                             f"different shapes {_fmt_shape(first.shape)} and "
                             f"{_fmt_shape(p.shape)}")
        if p.dtype != first.dtype:
            raise _MXNetError(f"Operator {opname}: the parameters must have the same dtype, got "
                             f"{np.dtype(first.dtype).name} and {np.dtype(p.dtype).name}")
        if p.context != first.context:
            raise _MXNetError(f"Operator {opname}: the parameters must be on the same context, "
                             f"got {first.context} and {p.context}")
    req = _dtype_name(dtype, s.kinds, opname)
    extra = () if shape is _Null else _parse_shape(shape, opname, allow_empty=True)
    oshape = first.shape + extra
    if out is not None:
        _check_out(out, opname, s.kinds, req, oshape)
        target = out
    else:
        target = _empty(oshape, req or s.default, first.context)
    host = [p.asnumpy() for p in params]
    if s is _EXPONENTIAL:
        # MXNet's Python layer passes 1.0/scale, computed in the parameters' dtype
        with np.errstate(divide="ignore"):
            host = [(np.asarray(1.0, host[0].dtype) / host[0]) if host[0].dtype.kind == "f"
                    else 1.0 / host[0].astype(np.float32)]
    with _lock:
        getattr(_pool(target._ctx), s.pmethod)(target._data, *host)
    return target


# ---------------------------------------------------------------------------
# public samplers
# ---------------------------------------------------------------------------
def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from U[low, high), float32 unless `dtype` says float16/float64.

    >>> mx.random.seed(0)
    >>> mx.nd.random.uniform(-1, 1, (2,)).asnumpy()
    array([0.09762704, 0.18568921], dtype=float32)
    """
    return _random_helper(_UNIFORM, [low, high], shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale**2) (`scale` is the standard deviation).

    >>> mx.nd.random.normal(0, 1, shape=(2, 3)).shape
    (2, 3)
    """
    return _random_helper(_NORMAL, [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples with the shape given as positional arguments.

    >>> mx.nd.random.randn(2, 3, loc=5).shape
    (2, 3)
    """
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", _Null)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    if "shape" in kwargs:
        raise TypeError("randn() got multiple values for keyword argument 'shape'")
    assert isinstance(loc, (int, float, NDArray))
    assert isinstance(scale, (int, float, NDArray))
    return _random_helper(_NORMAL, [loc, scale], shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Poisson(lam) counts, stored as floats as MXNet does.

    >>> mx.nd.random.poisson(4, shape=(3,)).dtype
    <class 'numpy.float32'>
    """
    return _random_helper(_POISSON, [lam], shape, dtype, ctx, out, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Exponential samples with mean `scale` (rate 1/scale).

    >>> mx.nd.random.exponential(2.0, shape=(3,)).shape
    (3,)
    """
    if isinstance(scale, NDArray):
        return _random_helper(_EXPONENTIAL, [scale], shape, dtype, ctx, out, kwargs)
    return _random_helper(_EXPONENTIAL, [1.0 / scale], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Gamma samples with shape `alpha` and scale `beta` (mean alpha*beta).

    >>> mx.nd.random.gamma(2, 3, shape=(3,)).shape
    (3,)
    """
    return _random_helper(_GAMMA, [alpha, beta], shape, dtype, ctx, out, kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Integers in [low, high), int32 unless `dtype='int64'`.

    >>> mx.nd.random.randint(0, 10, shape=(3,)).dtype
    <class 'numpy.int32'>
    """
    return _random_helper(_RANDINT, [low, high], shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Failures before the k-th success with success probability p (stored as floats).

    MXNet's algorithm, a gamma-Poisson mixture Poisson(Gamma(k, (1 - p) / p)) on its
    float generator, so a seed gives MXNet 1.9.1's numbers for every output dtype.
    `k` is an int (MXNet's parameter type) unless given as NDArrays; NDArray `k`
    and `p` give one batch of `shape` samples per element (`_sample_negative_binomial`).
    p = 0 gives -2147483648, as MXNet's int conversion of an infinite count.

    >>> mx.random.seed(42)
    >>> mx.nd.random.negative_binomial(3, 0.4, shape=(5,)).asnumpy()
    array([7., 7., 1., 5., 1.], dtype=float32)
    """
    return _random_helper(_NEGBIN, [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    """Negative binomial counts with mean `mu` and dispersion `alpha` (variance mu + alpha mu^2).

    MXNet's algorithm: Poisson(Gamma(1 / alpha, alpha * mu)), or Poisson(mu) where
    alpha = 0, on its float generator (MXNet 1.9.1's numbers after a seed).

    >>> mx.random.seed(42)
    >>> mx.nd.random.generalized_negative_binomial(2.5, 0.3, shape=(5,)).asnumpy()
    array([5., 2., 3., 1., 2.], dtype=float32)
    """
    return _random_helper(_GNEGBIN, [mu, alpha], shape, dtype, ctx, out, kwargs)


_MULTI_KINDS = ("float16", "float32", "float64", "int32", "uint8")


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from the distributions in the last axis of `data`.

    `data` of shape `(..., n)` gives indices of shape `data.shape[:-1] + shape`
    (`(1,)` for 1-D data and no shape). With `get_prob=True` returns
    `[indices, log_probabilities]`, the latter in `data`'s dtype.

    >>> mx.nd.random.multinomial(mx.nd.array([0.0, 1.0]), shape=3).asnumpy()
    array([1, 1, 1], dtype=int32)
    """
    assert isinstance(data, NDArray), f"Argument data must have NDArray type, but got {data}"
    opname = "_sample_multinomial"
    _unknown_kwargs(opname, kwargs)
    req = _dtype_name(dtype, _MULTI_KINDS, opname)
    if data.ndim == 0 or np.dtype(data.dtype).kind != "f":
        raise _MXNetError(f"{opname}: data must be a float array of shape (..., n), got "
                         f"{np.dtype(data.dtype).name} {_fmt_shape(data.shape)}")
    extra = () if shape is _Null else _parse_shape(shape, opname, allow_empty=True)
    lead = data.shape[:-1]
    oshape = (lead + extra) or (1,)
    k, m = int(np.prod(lead, dtype=np.int64)), int(np.prod(extra, dtype=np.int64))
    pdt = np.dtype(data.dtype)
    if out is not None:
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(outs) != 1 + bool(get_prob):
            raise _MXNetError(f"{opname}: expects {1 + bool(get_prob)} output arrays, got "
                             f"{len(outs)}")
        for o, want in zip(outs, (req, pdt.name)):
            if not isinstance(o, NDArray):
                raise TypeError(f"{opname}: out must be an NDArray, got {type(o).__name__}")
            if o.shape != oshape:
                raise _MXNetError(f"Shape inconsistent, Provided = {_fmt_shape(o.shape)}, "
                                 f"inferred shape={_fmt_shape(oshape)}")
            if np.dtype(o.dtype).name != want:
                raise _MXNetError(f"Type inconsistent, Provided = {np.dtype(o.dtype).name}, "
                                 f"inferred type = {want}")
    probs = data.asnumpy().reshape(k, data.shape[-1])
    if pdt == np.float16:
        probs = probs.astype(np.float32)
    idx = np.empty((k, m), np.int32)
    logp = np.empty((k, m), np.float32) if get_prob else None
    with _lock:
        _pool(data.context).multinomial(idx, probs, logp)
    res = [idx.astype(req).reshape(oshape)]
    if get_prob:
        # MXNet takes the log in float32 whatever the data's dtype
        res.append(logp.astype(pdt).reshape(oshape))
    results = []
    for i, host in enumerate(res):
        if out is not None:
            outs[i][:] = host
            results.append(outs[i])
        else:
            results.append(_place(host, data.context))
    return results if get_prob else results[0]


def shuffle(data, **kwargs):
    """A copy of `data` with its rows (first axis) in a random order.

    >>> x = mx.nd.random.shuffle(mx.nd.arange(5))
    >>> sorted(x.asnumpy().tolist())
    [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    assert isinstance(data, NDArray), f"Argument data must have NDArray type, but got {data}"
    out = kwargs.pop("out", None)
    if data.ndim == 0:
        raise _MXNetError("Operator _shuffle inferring shapes failed: data must have at least "
                         "one axis")
    if out is not None:
        if out.shape != data.shape:
            raise _MXNetError(f"Incompatible attr in node  at 0-th output: expected "
                             f"{_fmt_shape(data.shape)}, got {_fmt_shape(out.shape)}")
        if out.dtype != data.dtype:
            raise _MXNetError(f"Incompatible attr in node  at 0-th output: expected "
                             f"{np.dtype(data.dtype).name}, got {np.dtype(out.dtype).name}")
    with _lock:
        perm = _pool(data.context).shuffle_index(data.shape[0], data.ndim)
    host = data.asnumpy()[perm]
    if out is not None:
        out[:] = host
        return out
    return _place(host, data.context)


def _place(host, ctx):
    from .creation import _place as place

    return place(np.ascontiguousarray(host), ctx)
