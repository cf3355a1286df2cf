"""The `mx.nd.<op>` functions, generated from the op table, plus the view ops.

Each generated function takes the op's inputs (NDArrays, positionally or by
MXNet's argument names), its attributes, `out=` and `name=` (ignored), and
calls `invoke`. NumPy arrays are refused as in MXNet (`AssertionError`); the
`+`/`*` operators and NumPy's own functions accept them (see interop).
"""
import ast
import math
import operator

import numpy as np

from .. import autograd
from ..autograd.engine import _state, record as _record, record1 as _record1
from ..base import MXNetError, numeric_types, settings
from ..ops import OPS, _nd
from ..ops.invoke import invoke
from ..ops.views import (check_size, getitem_shape, infer_reshape, normalize_key,
                         one_element_key)
from ..ops import elemwise as _elemwise
from .ndarray import NDArray, wrap as _wrap

_elemwise.NDArray = NDArray
_elemwise.wrap = _wrap
_elemwise._state = _state
_elemwise._record = _record
_elemwise._record1 = _record1
_fast_miss = _elemwise.fast_miss
_SHORT_MAX = _elemwise.SHORT_MAX
_ndarray = np.ndarray
_empty = np.empty

__all__ = []
_REQUIRED = None


def _from_str(op, name, value, default):
    """An attribute given as a string, parsed as MXNet's C++ parameter parser does.

    MXNet accepts every attribute as a string (`axis='1'`, `shape='(2,3)'`,
    `keepdims='True'`): attributes that are strings anyway (`act_type`, `dtype`)
    stay strings; others are read as Python literals (`'None'`, `'true'` too).
    """
    if default.__class__ is str:
        return value
    s = value.strip()
    low = s.lower()
    if default is True or default is False:
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise MXNetError(f"Invalid Parameter format for {name} expect boolean but "
                         f"value='{value}', in operator {op.name}")
    if low in ("true", "false"):
        return low == "true"
    if s == "None":
        return None
    if low in ("inf", "+inf", "-inf", "nan"):
        return float(low)
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        if default is None:
            return value  # an enum value ('relu') of an attribute without a default
        raise MXNetError(f"Invalid Parameter format for {name} expect "
                         f"{type(default).__name__} but value='{value}', in operator "
                         f"{op.name}") from None
    if isinstance(v, list):
        v = tuple(v)
    if isinstance(default, float) and isinstance(v, int):
        v = float(v)
    return v


def _bad(name, value):
    return AssertionError(f"Argument {name} must have NDArray type, but got {value}")


def _make(op):
    inputs = op.inputs
    n_in = len(inputs)
    attr_names = tuple(a for a, _ in op.attrs)
    defaults = dict(op.attrs)
    optional = op.optional_inputs
    required = tuple(a for a, d in op.attrs if d is None)  # others may be passed as None

    fast2 = (_elemwise.fast_binary(op) if n_in == 2 and not attr_names
             and op.kind in ("elemwise", "broadcast") else None)
    if n_in == 1 and not attr_names and op.kind == "unary":
        fast = _elemwise.fast_table(op)
        cost = op.cost

        def fn(data=None, out=None, name=None, **kwargs):
            if out is None and data.__class__ is NDArray and not kwargs:
                # The short path (see ops.elemwise.fast_table): a small float CPU array.
                d = data._data
                if (d.__class__ is _ndarray and d.size < _SHORT_MAX
                        and d.size * cost < settings.par_min):
                    k = fast.get(d.dtype) or _fast_miss(fast, d.dtype)
                    if k is not None:
                        res = _empty(d.shape, d.dtype)
                        if d.ndim == 1:
                            k(d, res, 0.0, 0.0)
                        else:
                            k(d.reshape(-1), res.reshape(-1), 0.0, 0.0)
                        r = _wrap(res, data._ctx)
                        if _state.recording and (data._var is not None or data._entry is not None):
                            _record1(op, data, r, defaults)
                        return r
            if kwargs:
                raise TypeError(f"{op.name}() got unexpected keyword arguments {sorted(kwargs)}")
            if not isinstance(data, NDArray):
                raise _bad("data", data)
            return invoke(op, [data], defaults, out)
    elif n_in == 1 and not attr_names:
        def fn(data=None, out=None, name=None, **kwargs):
            if kwargs:
                raise TypeError(f"{op.name}() got unexpected keyword arguments {sorted(kwargs)}")
            if data.__class__ is not NDArray and not isinstance(data, NDArray):
                raise _bad("data", data)
            return invoke(op, [data], defaults, out)
    else:
        def fn(*args, out=None, name=None, **kwargs):
            if len(args) == 2 and fast2 is not None and out is None and not kwargs:
                a, b = args
                if a.__class__ is NDArray and b.__class__ is NDArray:
                    r = fast2(a, b)
                    if r is not None:
                        return r
            if len(args) > n_in + len(attr_names):
                raise TypeError(f"{op.name}() takes at most {n_in + len(attr_names)} positional "
                                f"arguments ({len(args)} given)")
            given = list(zip(inputs, args[:n_in]))
            for nm in inputs[len(given):]:
                if nm in kwargs:
                    given.append((nm, kwargs.pop(nm)))
                elif nm not in optional:
                    raise TypeError(f"{op.name}() missing required argument '{nm}'")
            arrays = []
            for nm, a in given:
                if a is None and nm in optional:
                    continue  # as in MXNet: None or absent optional inputs are left out
                if not isinstance(a, NDArray):
                    raise _bad(nm, a)
                arrays.append(a)
            attrs = dict(defaults)
            for nm, v in zip(attr_names, args[n_in:]):
                if nm in kwargs:
                    raise TypeError(f"{op.name}() got multiple values for argument '{nm}'")
                attrs[nm] = _from_str(op, nm, v, defaults[nm]) if v.__class__ is str else v
            for k, v in kwargs.items():
                if k not in defaults:
                    raise MXNetError(f"{op.name}: cannot find argument '{k}', possible arguments "
                                     f"are: {', '.join(attr_names) or '(none)'}")
                attrs[k] = _from_str(op, k, v, defaults[k]) if v.__class__ is str else v
            for k in required:
                if attrs[k] is None:
                    raise MXNetError(f"{op.name}: Required parameter {k} is not presented")
            return invoke(op, arrays, attrs, out)

    fn.__name__ = op.name
    fn.__qualname__ = op.name
    args = ", ".join(inputs + tuple(f"{a}={d!r}" for a, d in op.attrs))
    fn.__doc__ = f"{op.name}({args}, out=None, name=None)\n\n{op.doc}".rstrip()
    return fn


def _export(name, fn):
    globals()[name] = fn
    __all__.append(name)
    setattr(_nd, name, fn)


def _make_variadic(op):
    """`fn(*data, dim=1, out=None, name=None)` for ops taking any number of arrays (concat)."""
    defaults = dict(op.attrs)
    attr_names = tuple(defaults)

    def fn(*data, out=None, name=None, **kwargs):
        for a in data:
            if not isinstance(a, NDArray):
                raise AssertionError(f"Positional arguments must have NDArray type, but got {a}")
        attrs = dict(defaults)
        for k, v in kwargs.items():
            if k not in defaults:
                raise MXNetError(f"{op.name}: cannot find argument '{k}', possible arguments "
                                 f"are: {', '.join(attr_names)}")
            attrs[k] = _from_str(op, k, v, defaults[k]) if v.__class__ is str else v
        if not data:
            raise MXNetError(f"{op.name}: value 0 for Parameter num_args should be greater equal "
                             "to 1 (no input arrays)")
        return invoke(op, list(data), attrs, out)

    fn.__name__ = fn.__qualname__ = op.name
    args = ", ".join(("*data",) + tuple(f"{a}={d!r}" for a, d in op.attrs))
    fn.__doc__ = f"{op.name}({args}, out=None, name=None)\n\n{op.doc}".rstrip()
    return fn


for _name, _op in list(OPS.items()):
    if _op.forward is not None:
        _export(_name, (_make_variadic if getattr(_op, "variadic", False) else _make)(_op))

# ---------------------------------------------------------------- views


def _reshape_view(data, shape=(), reverse=False):
    """NDArray.reshape: a view of `data` with a new shape (MXNet codes 0, -1, -2, -3, -4).

    (`mx.nd.reshape`, the op, returns a copy, as in MXNet.)
    """
    given = shape
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    new = infer_reshape(data.shape, shape, reverse)
    check_size(data.shape, new, given)
    res = NDArray(data._data.reshape(new), data._ctx)
    if _state.recording and autograd.in_graph(data):
        _record(OPS["reshape"], [data], [res], {"shape": new, "reverse": False})
    return res


def _getitem_basic(data, key=None, **kwargs):
    """data[key] for a basic key: a view when the result is contiguous, else a copy."""
    key = normalize_key(key, data.shape)
    if data._ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        res = NDArray(cuda_launch.getitem(data._data, key), data._ctx)
    else:
        raw = data._data[key]
        if not isinstance(raw, np.ndarray) or raw.ndim == 0:
            # One element: a (1,) view, as MXNet's x[i, j] (ints as one-element slices).
            raw = data._data[one_element_key(key)].reshape(1)
        elif not raw.flags.c_contiguous:
            raw = np.ascontiguousarray(raw)
        res = NDArray(raw.reshape(getitem_shape(raw.shape, key)), data._ctx)
    if _state.recording and autograd.in_graph(data):
        _record(OPS["_getitem_basic"], [data], [res], {"key": key})
    return res


_export("_getitem_basic", _getitem_basic)

# ---------------------------------------------------------------- array-or-scalar helpers


def _ufunc(lhs, rhs, array_op, lscalar_op, rscalar_op=None):
    from .operators import as_operand

    if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        return invoke(OPS[array_op], [lhs, rhs], {})
    if isinstance(lhs, NDArray):
        other = as_operand(rhs, lhs)
        if isinstance(other, NDArray):
            return invoke(OPS[array_op], [lhs, other], {})
        return invoke(OPS[lscalar_op], [lhs], {"scalar": other})
    if isinstance(rhs, NDArray):
        other = as_operand(lhs, rhs)
        if isinstance(other, NDArray):
            return invoke(OPS[array_op], [other, rhs], {})
        return invoke(OPS[rscalar_op or lscalar_op], [rhs], {"scalar": other})
    raise TypeError(f"at least one of the operands must be an NDArray, got {type(lhs)} and "
                    f"{type(rhs)}")


def _b(f):
    return lambda x, y: 1 if f(x, y) else 0


# Two Python numbers: MXNet returns the Python result (comparisons and logic as 1/0).
_SCALAR_FN = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
    "divide": operator.truediv, "modulo": operator.mod, "power": operator.pow,
    "maximum": lambda x, y: x if x > y else y, "minimum": lambda x, y: x if x < y else y,
    "hypot": math.hypot, "equal": _b(operator.eq), "not_equal": _b(operator.ne),
    "greater": _b(operator.gt), "greater_equal": _b(operator.ge), "lesser": _b(operator.lt),
    "lesser_equal": _b(operator.le), "logical_and": _b(lambda x, y: x and y),
    "logical_or": _b(lambda x, y: x or y), "logical_xor": _b(lambda x, y: bool(x) != bool(y)),
}


def _helper(name, array_op, lscalar, rscalar=None, doc=""):
    scalar_fn = _SCALAR_FN[name]

    def fn(lhs, rhs):
        if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types) \
                and not isinstance(lhs, np.ndarray) and not isinstance(rhs, np.ndarray):
            return scalar_fn(lhs, rhs)
        return _ufunc(lhs, rhs, array_op, lscalar, rscalar)

    if name == "power":
        two = fn

        def fn(base, exp):  # MXNet's names: mx.nd.power(base=x, exp=2)
            return two(base, exp)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc or f"{name}(lhs, rhs): element-wise, with NDArrays or scalars, broadcasting."
    _export(name, fn)


for _args in (("add", "broadcast_add", "_plus_scalar"),
              ("subtract", "broadcast_sub", "_minus_scalar", "_rminus_scalar"),
              ("multiply", "broadcast_mul", "_mul_scalar"),
              ("divide", "broadcast_div", "_div_scalar", "_rdiv_scalar"),
              ("modulo", "broadcast_mod", "_mod_scalar", "_rmod_scalar"),
              ("power", "broadcast_power", "_power_scalar", "_rpower_scalar"),
              ("maximum", "broadcast_maximum", "_maximum_scalar"),
              ("minimum", "broadcast_minimum", "_minimum_scalar"),
              ("hypot", "broadcast_hypot", "_hypot_scalar"),
              ("equal", "broadcast_equal", "_equal_scalar"),
              ("not_equal", "broadcast_not_equal", "_not_equal_scalar"),
              ("greater", "broadcast_greater", "_greater_scalar", "_lesser_scalar"),
              ("greater_equal", "broadcast_greater_equal", "_greater_equal_scalar",
               "_lesser_equal_scalar"),
              ("lesser", "broadcast_lesser", "_lesser_scalar", "_greater_scalar"),
              ("lesser_equal", "broadcast_lesser_equal", "_lesser_equal_scalar",
               "_greater_equal_scalar"),
              ("logical_and", "broadcast_logical_and", "_logical_and_scalar"),
              ("logical_or", "broadcast_logical_or", "_logical_or_scalar"),
              ("logical_xor", "broadcast_logical_xor", "_logical_xor_scalar")):
    _helper(*_args)
