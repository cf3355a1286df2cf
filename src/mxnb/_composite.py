"""`mx.init.Load` and `mx.init.Mixed`: initializers made of other initializers or of data.

As in MXNet they are not `Initializer` subclasses and not in the registry,
but mxnb gives them what MXNet lacks (spec Q22): `dumps()`, `create()` of
that string, and `==`:

* `Mixed(['bias', '.*'], [Zero(), Uniform(0.1)]).dumps()` is
  `["mixed", {"patterns": ["bias", ".*"], "initializers": ["[\\"zero\\", {}]", ...]}]`:
  the patterns' source strings and each initializer's own dumps() string
  (strings, as FusedRNN stores its `init`).
* `Load` keeps where its data came from. Loaded from a file, it dumps the file
  name and `create` reads the file again:
  `["load", {"param": "model.params", "default_init": null, "verbose": false}]`.
  Built from a dict, it dumps the arrays themselves, exactly:
  `{"param": {"fc_weight": {"dtype": "float32", "shape": [2, 2], "data": [...]}}}`
  (flat values; float16/32/64 and integers are exact in JSON numbers).
"""
import json
import re

import numpy as np

from . import initializer as _init
from .ndarray import NDArray, load
from .ndarray.creation import array as _array


def _as_initializer(init):
    """An initializer given as an instance, a dumps() string or a create() dict."""
    if isinstance(init, (str, dict)):
        return _init.create(init)
    return init


def _dumps_of(init):
    dumps = getattr(init, "dumps", None)
    if dumps is None:
        raise TypeError(f"{init!r} has no dumps(): only initializers can be serialized")
    return dumps()


class Load:
    """Initializes parameters from saved arrays (a `.params` file name or a dict name -> NDArray).

    `arg:`/`aux:` prefixes are dropped from the stored names. Names not found
    go to `default_init`.

    >>> init = mx.init.Load({'arg:fc_weight': mx.nd.ones((1, 2))}, default_init=mx.init.Zero())
    >>> w = mx.nd.zeros((1, 2))
    >>> init(mx.init.InitDesc('fc_weight'), w)
    >>> w.asnumpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, param, default_init=None, verbose=False):
        source = param if isinstance(param, str) else None
        if isinstance(param, str):
            param = load(param)
        assert isinstance(param, dict)
        self.param = {}
        for name, arr in param.items():
            arr = _decode(arr)
            if name.startswith("arg:") or name.startswith("aux:"):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = _as_initializer(default_init)
        self.verbose = verbose
        self._source = source

    def __call__(self, name, arr):
        if name in self.param:
            assert arr.shape == self.param[name].shape, \
                "Parameter %s cannot be initialized from loading. " % name + \
                "Shape mismatch, target %s vs loaded %s" % (str(arr.shape),
                                                             self.param[name].shape)
            arr[:] = self.param[name].asnumpy()
            if self.verbose:
                import logging

                logging.info("Initialized %s by loading", name)
        else:
            assert self.default_init is not None, \
                "Cannot Initialize %s. Not found in loaded param " % name + \
                "and no default Initializer is provided."
            self.default_init(name, arr)
            if self.verbose:
                import logging

                logging.info("Initialized %s by default", name)

    def _init_weight(self, desc, arr):
        # used when a Load string is a variable's __init__ attribute
        self(desc, arr)

    def dumps(self):
        """`["load", {"param": <file name or arrays>, "default_init": ..., "verbose": ...}]`."""
        if self._source is not None:
            param = self._source
        else:
            # keep a stored name that itself starts with arg:/aux: intact through the strip
            param = {(("arg:" + k) if k[:4] in ("arg:", "aux:") else k): _encode(v)
                     for k, v in self.param.items()}
        default = None if self.default_init is None else _dumps_of(self.default_init)
        return json.dumps(["load", {"param": param, "default_init": default,
                                    "verbose": self.verbose}])

    def __eq__(self, other):
        if not isinstance(other, Load):
            return NotImplemented
        if self.param.keys() != other.param.keys() or self.verbose != other.verbose:
            return False
        if self.default_init != other.default_init:
            return False
        for k, v in self.param.items():
            a, b = v.asnumpy(), other.param[k].asnumpy()
            if a.dtype != b.dtype or a.shape != b.shape or \
                    not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
                return False
        return True

    __hash__ = None


def _encode(arr):
    host = arr.asnumpy()
    return {"dtype": host.dtype.name, "shape": list(host.shape), "data": host.ravel().tolist()}


def _decode(value):
    if isinstance(value, NDArray):
        return value
    if isinstance(value, dict) and set(value) == {"dtype", "shape", "data"}:
        host = np.array(value["data"], dtype=value["dtype"]).reshape(value["shape"])
        return _array(host, dtype=host.dtype)
    raise TypeError(f"Load: parameter values must be NDArrays, got {type(value).__name__}")


class Mixed:
    """Initializes each parameter with the initializer of the first pattern that matches.

    Patterns are regular expressions matched at the start of the name
    (`re.match`): `'bias'` does not match `fc_bias`, `'.*bias'` does.

    >>> init = mx.init.Mixed(['.*bias', '.*'], [mx.init.Zero(), mx.init.One()])
    >>> w = mx.nd.zeros((2,))
    >>> init(mx.init.InitDesc('fc_weight'), w)
    >>> w.asnumpy()
    array([1., 1.], dtype=float32)
    """

    def __init__(self, patterns, initializers):
        assert len(patterns) == len(initializers)
        self.map = list(zip([re.compile(p) for p in patterns],
                            [_as_initializer(i) for i in initializers]))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError("Parameter name %s did not match any pattern. Consider" +
                         'add a ".*" pattern at the and with default Initializer.')

    def _init_weight(self, desc, arr):
        self(desc, arr)

    def dumps(self):
        """`["mixed", {"patterns": [...], "initializers": [<dumps() strings>]}]`."""
        return json.dumps(["mixed", {"patterns": [p.pattern for p, _ in self.map],
                                     "initializers": [_dumps_of(i) for _, i in self.map]}])

    def __eq__(self, other):
        if not isinstance(other, Mixed):
            return NotImplemented
        return len(self.map) == len(other.map) and all(
            p.pattern == q.pattern and a == b for (p, a), (q, b) in zip(self.map, other.map))

    __hash__ = None


UNREGISTERED = {"load": Load, "mixed": Mixed}
