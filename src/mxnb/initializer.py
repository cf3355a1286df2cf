"""`mx.init` (= `mx.initializer`): weight initializers, as in MXNet 1.9.1.

An initializer is called with an `InitDesc` (a parameter name with its
symbol attributes) and an NDArray, which it fills in place. With no
`__init__` attribute the name's suffix picks the method: `*weight` gets the
initializer's own rule, `*bias`/`*beta` zeros, `*gamma` ones. Random
initializers draw from `mx.random`'s stream, so after `mx.random.seed(s)`
they give MXNet's numbers.

>>> mx.random.seed(0)
>>> w = mx.nd.zeros((1, 3))
>>> mx.init.Uniform(0.1)(mx.init.InitDesc('fc_weight'), w)
>>> w.asnumpy()
array([[0.0097627 , 0.01856892, 0.04303787]], dtype=float32)
>>> mx.init.Normal(0.8).dumps()
'["normal", {"sigma": 0.8}]'

Where MXNet is broken (spec section 10) mxnb differs: `dumps()` never
mutates and works for every initializer, `Mixed` and `Load` included, and
`create(init.dumps())` gives back an equal initializer; `FusedRNN` accepts
an initializer given as a string; `Orthogonal` rejects an unknown
`rand_type` with a ValueError. Their dumps forms are in `_composite.py`.
"""
import json
import warnings
from math import sqrt

import numpy as np

from .ndarray import NDArray
from .ndarray import random as _random

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Load", "Mixed", "Zero",
           "One", "Constant", "Uniform", "Normal", "Orthogonal", "Xavier", "MSRAPrelu",
           "Bilinear", "LSTMBias", "FusedRNN"]

_REGISTRY = {}          # lower-case name -> Initializer subclass


class InitDesc(str):
    """A parameter name (it is a `str`) plus its symbol attributes and the global initializer.

    >>> d = mx.init.InitDesc('fc_weight', {'__init__': '["one", {}]'})
    >>> d == 'fc_weight', d.attrs['__init__'], d.global_init
    (True, '["one", {}]', None)
    """

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def _rms_stat(x):
    """`str` of the RMS of `x` (MXNet's default verbose statistic: norm(x)/sqrt(size))."""
    host = x.asnumpy()
    dt = host.dtype if host.dtype.kind == "f" else np.dtype(np.float32)
    norm = dt.type(np.sqrt(np.sum(np.square(host, dtype=np.float64))))
    return str(dt.type(norm / dt.type(sqrt(x.size))))


def _fill(arr, value):
    """`arr[:] = value`, which leaves `arr` untouched when `value` does not fit."""
    arr[:] = value


class Initializer:
    """Base class: subclasses override `_init_weight(self, name, arr)` (and optionally
    `_init_bias`, `_init_gamma`, ...) and fill `arr` in place.

    Instances compare equal when their class and constructor arguments are
    equal; like MXNet's they are unhashable.

    >>> @mx.init.register
    ... class Halves(mx.init.Initializer):
    ...     def _init_weight(self, name, arr):
    ...         arr[:] = 0.5
    >>> mx.init.create('halves').dumps()
    '["halves", {}]'
    >>> del mx.init._REGISTRY['halves']
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log `Initialized <name> as <kind>: <print_func(arr)>` at INFO level; returns self.

        The default statistic is the RMS of the array, `norm(x)/sqrt(x.size)`.
        """
        self._verbose = verbose
        self._print_func = print_func if print_func is not None else _rms_stat
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            import logging  # here: 8 ms of `import mxnb` otherwise

            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self):
        """The initializer as a JSON string `[name, kwargs]`, which `create` reads back.

        >>> mx.init.Xavier(factor_type="in", magnitude=2.45).dumps()
        '["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 2.45}]'
        """
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        """Initialize `arr` for the parameter `desc` (an InitDesc; a plain name is deprecated)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            # a per-variable initializer always acts through _init_weight, whatever the suffix
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in _SUFFIXES:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn(
            "\033[91mCalling initializer with init(str, NDArray) has been deprecated."
            "please use init(mx.init.InitDesc(...), NDArray) instead.\033[0m",
            DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        else:
            for suffix, method in _LEGACY_SUFFIXES:
                if name.endswith(suffix):
                    getattr(self, method)(name, arr)
                    return
            self._init_default(name, arr)

    def _init_bilinear(self, _, arr):
        _fill(arr, _bilinear(arr.shape))

    def _init_loc_bias(self, _, arr):
        assert arr.shape[0] == 6
        _fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _, arr):
        _fill(arr, 0.0)

    def _init_one(self, _, arr):
        _fill(arr, 1.0)

    def _init_bias(self, _, arr):
        _fill(arr, 0.0)

    def _init_quantized_bias(self, _, arr):
        _fill(arr, 0)

    def _init_gamma(self, _, arr):
        _fill(arr, 1.0)

    def _init_beta(self, _, arr):
        _fill(arr, 0.0)

    def _init_weight(self, name, arr):
        """Abstract: fill a weight."""
        raise NotImplementedError("Must override it")

    def _init_quantized_weight(self, _, arr):
        # one draw, broadcast to the whole array, as MXNet does
        value = _random.randint(-127, 127, dtype="int32").asnumpy()
        _fill(arr, np.int8(value))

    def _init_default(self, name, _):
        raise ValueError(
            "Unknown initialization pattern for %s. "
            "Default initialization is now limited to "
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0).'
            "Please use mx.sym.Variable(init=mx.init.*) to set initialization pattern" % name)

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs


# (suffix, method) in MXNet's order; the first match wins.
_SUFFIXES = (("weight", "_init_weight"), ("bias", "_init_bias"), ("gamma", "_init_gamma"),
             ("beta", "_init_beta"), ("min", "_init_zero"), ("max", "_init_one"),
             ("weight_quantize", "_init_quantized_weight"),
             ("bias_quantize", "_init_quantized_bias"))
_LEGACY_SUFFIXES = (("bias", "_init_bias"), ("gamma", "_init_gamma"), ("beta", "_init_beta"),
                    ("weight", "_init_weight"), ("moving_mean", "_init_zero"),
                    ("moving_var", "_init_one"), ("moving_inv_var", "_init_zero"),
                    ("moving_avg", "_init_zero"), ("min", "_init_zero"), ("max", "_init_one"))


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------
def _register(klass, name=None):
    assert issubclass(klass, Initializer), "Can only register subclass of Initializer"
    name = (klass.__name__ if name is None else name).lower()
    old = _REGISTRY.get(name)
    if old is not None:
        warnings.warn(
            "\033[91mNew initializer %s.%s registered with name %s is"
            "overriding existing initializer %s.%s\033[0m" % (
                klass.__module__, klass.__name__, name, old.__module__, old.__name__),
            UserWarning, stacklevel=3)
    _REGISTRY[name] = klass
    return klass


def register(klass):
    """Register an Initializer subclass under its lower-cased class name (a decorator).

    Registering a name again replaces the old class, with a UserWarning.
    """
    return _register(klass)


def alias(*aliases):
    """Decorator registering a class under extra names: `@register` then `@alias('a', 'b')`."""
    def reg(klass):
        for name in aliases:
            _register(klass, name)
        return klass
    return reg


def create(*args, **kwargs):
    """An initializer from a name, a JSON string, a dict or an instance.

    >>> mx.init.create('xavier', magnitude=2)._kwargs['magnitude']
    2
    >>> mx.init.create('["normal", {"sigma": 0.8}]').sigma
    0.8
    >>> mx.init.create({'initializer': 'uniform', 'scale': 0.2}).scale
    0.2
    """
    if len(args):
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("initializer")
    if isinstance(name, (Initializer, _composite.Mixed, _composite.Load)):
        assert len(args) == 0 and len(kwargs) == 0, \
            "initializer is already an instance. Additional arguments are invalid"
        return name
    if isinstance(name, dict):
        return create(**name)
    assert isinstance(name, str), "initializer must be of string type"
    if name.startswith("["):
        assert not args and not kwargs
        name, kwargs = json.loads(name)
        return create(name, **kwargs)
    if name.startswith("{"):
        assert not args and not kwargs
        return create(**json.loads(name))
    name = name.lower()
    klass = _REGISTRY.get(name) or _composite.UNREGISTERED.get(name)
    assert klass is not None, \
        "%s is not registered. Please register with initializer.register first" % name
    return klass(*args, **kwargs)


# ---------------------------------------------------------------------------
# built-in initializers
# ---------------------------------------------------------------------------
@register
@alias("zeros")
class Zero(Initializer):
    """Fills weights with 0."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 0)


@register
@alias("ones")
class One(Initializer):
    """Fills weights with 1."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 1)


def _jsonable(value):
    """A scalar, list, NumPy array or NDArray as plain JSON values (nested lists)."""
    if isinstance(value, NDArray):
        return value.asnumpy().tolist()
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@register
class Constant(Initializer):
    """Fills weights with `value`: a scalar, or an array (list, NumPy, NDArray) that broadcasts.

    >>> mx.init.Constant(mx.nd.array([1, 2])).dumps()
    '["constant", {"value": [1.0, 2.0]}]'
    """

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        _fill(arr, self.value)

    def dumps(self):
        # MXNet stored the converted value back into _kwargs and failed on lists
        return json.dumps([self.__class__.__name__.lower(),
                           {**self._kwargs, "value": _jsonable(self._kwargs["value"])}])

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and \
            _jsonable(self._kwargs["value"]) == _jsonable(other._kwargs["value"])


@register
class Uniform(Initializer):
    """Fills weights with U(-scale, scale), in one pass of the random stream's kernel."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _random.uniform(-self.scale, self.scale, arr.shape, out=arr)


@register
class Normal(Initializer):
    """Fills weights with N(0, sigma**2)."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _random.normal(0, self.sigma, arr.shape, out=arr)


@register
class Orthogonal(Initializer):
    """An orthogonal matrix times `scale`, from the SVD of a random (rows, rest) matrix.

    Rows are orthonormal when there are fewer rows than columns, columns otherwise.
    `rand_type` is "uniform" (U(-1, 1)) or "normal" (N(0, 1)).
    """

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, name, arr):
        if self.rand_type not in ("uniform", "normal"):
            raise ValueError("Unknown random type")   # MXNet: UnboundLocalError (Q18)
        if arr.ndim < 2:
            raise ValueError(f"Orthogonal initializer cannot be applied to vector {name}. "
                             "It requires at least 2D.")
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        draw = _random.uniform if self.rand_type == "uniform" else _random.normal
        args = (-1.0, 1.0) if self.rand_type == "uniform" else (0.0, 1.0)
        # drawn on the current context, as MXNet does; the SVD runs on the host
        tmp = draw(*args, shape=(nout, nin))
        tmp = tmp._data if isinstance(tmp._data, np.ndarray) else tmp.asnumpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        _fill(arr, self.scale * res.reshape(arr.shape))


@register
class Xavier(Initializer):
    """Glorot's initialization: U(-c, c) or N(0, c**2) with c = sqrt(magnitude / factor).

    `factor` is (fan_in + fan_out)/2, fan_in or fan_out (`factor_type` avg, in,
    out), with fan_in = shape[1]*hw, fan_out = shape[0]*hw, hw = prod(shape[2:]).
    """

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        hw_scale = 1.
        if len(shape) < 2:
            raise ValueError("Xavier initializer cannot be applied to vector {0}. It requires at"
                             " least 2D.".format(name))
        if len(shape) > 2:
            hw_scale = np.prod(shape[2:])
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _random.uniform(-scale, scale, arr.shape, out=arr)
        elif self.rnd_type == "gaussian":
            _random.normal(0, scale, arr.shape, out=arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He et al.'s initialization: Xavier gaussian with magnitude 2/(1 + slope**2).

    The default factor_type is 'avg', as in MXNet (not 'in').
    """

    def __init__(self, factor_type="avg", slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__("gaussian", factor_type, magnitude)
        self._kwargs = {"factor_type": factor_type, "slope": slope}


def _bilinear(shape):
    """MXNet's bilinear upsampling kernel for a 4-D shape, in closed form (float32).

    `f` and `c` come from the last axis for both directions (Q30); the values
    are computed in float64 and rounded once, as MXNet's Python loop does.
    """
    if len(shape) < 4:
        raise ValueError(f"Bilinear initializer needs a 4-D weight (out, in, h, w), got shape "
                         f"{tuple(shape)}")
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    wx = 1 - np.abs(np.arange(shape[3]) / f - c)
    wy = 1 - np.abs(np.arange(shape[2]) / f - c)
    if len(shape) == 4:
        return np.broadcast_to((wy[:, None] * wx[None, :]).astype(np.float32), shape)
    i = np.arange(int(np.prod(shape)))
    return (wy[(i // shape[3]) % shape[2]] * wx[i % shape[3]]).astype(np.float32).reshape(shape)


@register
class Bilinear(Initializer):
    """Bilinear upsampling weights for a 4-D (out, in, h, w) array.

    >>> w = mx.nd.zeros((1, 1, 4, 4))
    >>> mx.init.Bilinear()(mx.init.InitDesc('up_weight'), w)
    >>> w.asnumpy()[0, 0, 0]
    array([0.0625, 0.1875, 0.1875, 0.0625], dtype=float32)
    """

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, _bilinear(arr.shape))


@register
class LSTMBias(Initializer):
    """Zeros, except the forget gate's quarter (gates i, f, c, o) set to `forget_bias`.

    Acts only through `_init_weight` (an `__init__` attribute or a `*weight`
    name); by suffix a `*bias` name just gets zeros, as in MXNet (Q19).
    """

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        host = np.zeros(arr.shape, np.float64)
        num_hidden = int(arr.shape[0] / 4)
        host[num_hidden:2 * num_hidden] = self.forget_bias
        _fill(arr, host)


@register
class FusedRNN(Initializer):
    """Initializes the packed parameter vector of a fused RNN layer piece by piece.

    The vector is cut into MXNet's FusedRNNCell pieces (`l0_i2h_f_weight`, ...);
    each is initialized by `init` (or the global initializer when `init` is
    None) through suffix dispatch, LSTM forget-gate biases (i2h and h2h, Q17)
    get `forget_bias`, and the pieces are packed back. `init` may be given
    as a string or dict (MXNet's string path always failed, Q16).
    """

    _GATES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
              "gru": ["_r", "_z", "_o"]}

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False, forget_bias=1.0):
        if isinstance(init, (str, dict)):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _pieces(self, size):
        """[(name, offset, shape)] of FusedRNNCell's layout for a vector of `size`."""
        if self._mode not in self._GATES:
            raise ValueError(f"FusedRNN: unknown mode {self._mode!r} (expected one of "
                             f"{sorted(self._GATES)})")
        gates = self._GATES[self._mode]
        dirs = ["l", "r"] if self._bidirectional else ["l"]
        b, m, h, layers = len(dirs), len(gates), self._num_hidden, self._num_layers
        li = size // b // h // m - (layers - 1) * (h + b * h + 2) - h - 2
        out, p = [], 0
        for layer in range(layers):
            for d in dirs:
                for g in gates:
                    shp = (h, b * h) if layer > 0 else (h, li)
                    out.append((f"{d}{layer}_i2h{g}_weight", p, shp))
                    p += shp[0] * shp[1]
                for g in gates:
                    out.append((f"{d}{layer}_h2h{g}_weight", p, (h, h)))
                    p += h * h
        for layer in range(layers):
            for d in dirs:
                for kind in ("i2h", "h2h"):
                    for g in gates:
                        out.append((f"{d}{layer}_{kind}{g}_bias", p, (h,)))
                        p += h
        assert li > 0 and p == size, "Invalid parameters size for FusedRNNCell"
        return out

    def _init_weight(self, desc, arr):
        from .ndarray.creation import array

        pieces = self._pieces(arr.size)
        fallback = self._init if self._init is not None else getattr(desc, "global_init", None)
        if fallback is None or fallback is self:
            raise ValueError("FusedRNN: no initializer for the unpacked weights; pass init= or "
                             "call it through another initializer (InitDesc.global_init)")
        flat = arr.asnumpy().reshape(-1)
        for name, off, shp in pieces:
            n = int(np.prod(shp))
            piece = array(flat[off:off + n].reshape(shp), ctx=arr.context, dtype=arr.dtype)
            if self._mode == "lstm" and name.endswith("_f_bias"):
                _fill(piece, self._forget_bias)
            else:
                fallback(InitDesc(name, global_init=getattr(desc, "global_init", None)), piece)
            flat[off:off + n] = piece.asnumpy().reshape(-1)
        _fill(arr, flat.reshape(arr.shape))


from . import _composite  # noqa: E402  (Load and Mixed use create and Initializer)
from ._composite import Load, Mixed  # noqa: E402,F401
