"""`mx.operator`: operators written in Python (CustomOp, CustomOpProp, register), as MXNet 1.x.

A `CustomOpProp` subclass describes the operator (argument, output and
auxiliary-state names, shape and type rules) and creates a `CustomOp`, whose
`forward` and `backward` fill their output arrays. `mx.nd.Custom(*inputs,
op_type=name, **kwargs)` runs it (see `mxnb/ndarray/custom.py`).

>>> class Twice(mx.operator.CustomOp):
...     def forward(self, is_train, req, in_data, out_data, aux):
...         self.assign(out_data[0], req[0], in_data[0] * 2)
...     def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
...         self.assign(in_grad[0], req[0], out_grad[0] * 2)
>>> @mx.operator.register("twice")
... class TwiceProp(mx.operator.CustomOpProp):
...     def create_operator(self, ctx, shapes, dtypes):
...         return Twice()
>>> mx.nd.Custom(mx.nd.array([1., 2.]), op_type='twice')
<BLANKLINE>
[2. 4.]
<NDArray 2 @cpu(0)>
"""
import threading

__all__ = ["CustomOp", "CustomOpProp", "register"]

_DEFAULT_STYPE = "default"


class CustomOp:
    """Base class of operators implemented in Python: override `forward` and `backward`.

    Both receive lists of NDArrays and write their results into `out_data`
    (forward) or `in_grad` (backward), honouring `req` ('null', 'write',
    'inplace' or 'add'); `assign` does that.
    """

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Compute `out_data` from `in_data` (and `aux`, which may be updated in place).

        `is_train` is 1 in training mode (autograd.is_training()), else 0.
        """

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Write the gradients of the arguments into `in_grad`."""

    def assign(self, dst, req, src):
        """Write `src` into `dst` as `req` asks: 'null' skips, 'write'/'inplace' copy, 'add' adds.

        >>> op = mx.operator.CustomOp(); d = mx.nd.ones((2,))
        >>> op.assign(d, 'add', mx.nd.array([1., 2.])); d
        <BLANKLINE>
        [2. 3.]
        <NDArray 2 @cpu(0)>
        """
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src


class CustomOpProp:
    """Describes a Python operator: its inputs, outputs, shapes and types; creates the CustomOp.

    `need_top_grad=False` (loss layers) says that `backward` does not read
    `out_grad` (the default `declare_backward_dependency` then leaves it out;
    `backward` gets placeholder arrays of unknown shape, as in MXNet).
    """

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes, aux shapes) from the argument shapes (lists)."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """(argument types, output types, aux types): by default all the first input's type."""
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        """Storage types of arguments, outputs and aux states: only 'default' is supported."""
        for i, stype in enumerate(in_stype):
            assert stype == _DEFAULT_STYPE, (
                "Default infer_storage_type implementation doesnt allow non default stypes: "
                f"found non default stype '{stype}' for in_stype[{i}]. Please implement "
                "infer_storage_type and infer_storage_type_backward interface "
                "in your custom operator if you have non-default input/output stypes")
        return in_stype, [_DEFAULT_STYPE] * len(self.list_outputs()), \
            [_DEFAULT_STYPE] * len(self.list_auxiliary_states())

    def infer_storage_type_backward(self, ograd_stype, in_stype, out_stype, igrad_stype,
                                    aux_stype):
        """Storage types of the backward's arrays: all 'default'."""
        lists = [ograd_stype, in_stype, out_stype, igrad_stype, aux_stype]
        for lst in lists:
            lst[:] = [_DEFAULT_STYPE] * len(lst)
        return tuple(lists)

    def list_outputs(self):
        """Names of the outputs."""
        return ["output"]

    def list_arguments(self):
        """Names of the arguments (the inputs that receive gradients)."""
        return ["data"]

    def list_auxiliary_states(self):
        """Names of the auxiliary states (inputs after the arguments, updated in place)."""
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """Ids of the arrays `backward` reads (out_grad only when `need_top_grad`)."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The CustomOp for inputs of these shapes (lists) and dtypes (MXNet's type flags)."""
        return CustomOp()


_registry = {}
_lock = threading.Lock()


def register(reg_name):
    """Class decorator: register a CustomOpProp subclass as the operator `reg_name`.

    >>> @mx.operator.register("noop")
    ... class NoopProp(mx.operator.CustomOpProp):
    ...     pass
    """
    def do_register(prop_cls):
        with _lock:
            _registry[reg_name] = prop_cls
        return prop_cls
    return do_register


def _lookup(op_type):
    return _registry.get(op_type)


register("custom_op")(CustomOpProp)
