"""`mx.nd.Custom`: run an operator registered with `mx.operator.register`, as MXNet 1.9.1.

The calls follow MXNet's order (pinned in tests/test_custom_op.py): the Prop
is built from the keyword arguments, all as strings; then
`declare_backward_dependency`, `infer_shape`, `infer_type`,
`create_operator(ctx, shapes, type flags)` and `forward`. Inside `record()`
one tape node stands for the call; the engine calls the op's `backward`
through the node's `vjp` (with NDArrays, so CPU and GPU take the same path).
Forward and backward run with recording off and the inputs' context current.

Differences from MXNet, on purpose: `in_grad` arrays are fresh zeros (MXNet
hands the variable's own gradient buffer, or uninitialised memory, with the
same req), and the engine does the accumulation, so an 'add' request reads
'add' but the result does not depend on how `backward` treats it; errors are
raised at the call as MXNetError naming the method (MXNet prints the traceback
and fails later, or crashes on a bad keyword argument).
"""
import numpy as np

from ..autograd.engine import _state, in_graph, raise_inplace, record
from ..base import DTYPE_TO_FLAG, MXNetError
from ..context import current_context
from .creation import zeros
from .ndarray import NDArray

__all__ = ["Custom"]

_REQ_OF_VAR = {0: "null", 1: "write", 3: "add"}
_UNKNOWN_SHAPE = "Check failed: ndim_is_known(this->ndim()): Shape is unknown."


def Custom(*inputs, op_type=None, out=None, name=None, **kwargs):  # noqa: N802 (MXNet's name)
    """Apply the custom operator `op_type` to `inputs` (arguments, then auxiliary states).

    Keyword arguments go to the Prop's constructor as strings. Returns one
    NDArray, or a list when the op has several outputs.

    >>> @mx.operator.register("double")
    ... class DoubleProp(mx.operator.CustomOpProp):
    ...     def create_operator(self, ctx, shapes, dtypes):
    ...         return Double()
    >>> class Double(mx.operator.CustomOp):
    ...     def forward(self, is_train, req, in_data, out_data, aux):
    ...         self.assign(out_data[0], req[0], in_data[0] * 2)
    >>> mx.nd.Custom(mx.nd.array([1., 2.]), op_type='double')
    <BLANKLINE>
    [2. 4.]
    <NDArray 2 @cpu(0)>
    """
    from .. import operator as _op

    for x in inputs:
        assert isinstance(x, NDArray), f"Positional arguments must have NDArray type, but got {x}"
    if not op_type:
        raise MXNetError("Required argument `op_type` is missing.")
    prop_cls = _op._lookup(op_type)
    if prop_cls is None:
        raise MXNetError(f"Cannot find custom operator {op_type}")
    # MXNet passes every attribute through its C API, so the Prop sees strings only.
    attrs = {k: str(v) for k, v in kwargs.items()}
    prop = _guard(op_type, "__init__", prop_cls, **attrs)
    n_in = len(prop.list_arguments())
    n_out = len(prop.list_outputs())
    n_aux = len(prop.list_auxiliary_states())
    if len(inputs) != n_in + n_aux:
        raise MXNetError(f"Operator Custom expects {n_in + n_aux} inputs, but got {len(inputs)} "
                         "instead.")
    args, auxs = list(inputs[:n_in]), list(inputs[n_in:])
    # Ids as MXNet numbers them: out_grad, then in_data, then out_data.
    deps = set(_guard(op_type, "declare_backward_dependency", prop.declare_backward_dependency,
                      list(range(n_out)), list(range(n_out, n_out + n_in)),
                      list(range(n_out + n_in, 2 * n_out + n_in))))
    need_og = [i in deps for i in range(n_out)]

    oshapes = _infer(op_type, "infer_shape", "shapes", prop.infer_shape,
                     [list(x.shape) for x in args], n_in, n_out, n_aux)
    ishapes, oshapes, ashapes = [[tuple(int(d) for d in s) for s in part] for part in oshapes]
    _check_given(op_type, "shape", ishapes + ashapes, [x.shape for x in inputs])
    types = _infer(op_type, "infer_type", "types", prop.infer_type,
                   [x.dtype for x in args], n_in, n_out, n_aux)
    itypes, otypes, atypes = [[np.dtype(t) for t in part] for part in types]
    _check_given(op_type, "type", itypes + atypes, [np.dtype(x.dtype) for x in inputs])

    ctx = inputs[0].context if inputs else current_context()
    op = _guard(op_type, "create_operator", prop.create_operator, ctx,
                [list(s) for s in ishapes + ashapes],
                [DTYPE_TO_FLAG[t] for t in itypes + atypes])

    outs = _outputs(out, oshapes, otypes, ctx)
    prev = _state.recording
    if prev and any(in_graph(o) for o in outs):
        raise_inplace()
    _state.recording = False
    try:
        with ctx:
            _guard("CustomOp", "forward", op.forward, is_train=int(_state.training),
                   req=["write"] * n_out, in_data=args, out_data=outs, aux=auxs)
    finally:
        _state.recording = prev
    if prev and args:
        node_op = _CustomNodeOp(op_type, op, auxs, need_og, ctx)
        node = record(node_op, args, outs, dict(attrs, op_type=op_type))
        if node is not None:
            node_op.reqs = [_req(p) for p in node.parents]
    if out is not None:
        return out
    return outs[0] if n_out == 1 else outs


def _guard(owner, method, fn, *args, **kwargs):
    """Call a user method; any error becomes an MXNetError naming it (chained)."""
    try:
        return fn(*args, **kwargs)
    except MXNetError:
        raise
    except Exception as exc:
        raise MXNetError(f"Error in {owner}.{method}: {type(exc).__name__}: {exc}") from exc


def _infer(op_type, method, what, fn, given, n_in, n_out, n_aux):
    """(inputs, outputs, aux) from infer_shape/infer_type, with MXNet's count checks."""
    ret = _guard(op_type, method, fn, given)
    if len(ret) == 2:
        ins, outs = ret
        aux = []
    elif len(ret) == 3:
        ins, outs, aux = ret
    else:
        raise MXNetError(f"Error in {op_type}.{method}: {method} must return 2 or 3 lists")
    label = "InferShape" if what == "shapes" else "InferType"
    for got, n, part in ((outs, n_out, "output"), (ins, n_in, "input"), (aux, n_aux, "aux state")):
        if len(got) != n:
            raise MXNetError(f"Error in {op_type}.{method}: {label} Error: expecting {n} entries "
                             f"in returned {part} {what}, got {len(got)}.")
    return list(ins), list(outs), list(aux)


def _check_given(op_type, what, inferred, given):
    for i, (a, b) in enumerate(zip(inferred, given)):
        if a != b:
            raise MXNetError(f"Custom operator {op_type}: input {i} has {what} {b}, but "
                             f"infer_{what} says {a}")


def _outputs(out, shapes, dtypes, ctx):
    if out is None:
        return [zeros(s, ctx=ctx, dtype=t) for s, t in zip(shapes, dtypes)]
    outs = [out] if isinstance(out, NDArray) else list(out)
    if len(outs) != len(shapes):
        raise MXNetError(f"Custom: expected {len(shapes)} arrays in out=, got {len(outs)}")
    for o, s, t in zip(outs, shapes, dtypes):
        if o.shape != s or np.dtype(o.dtype) != t:
            raise MXNetError(f"Custom: out= array of shape {o.shape} and dtype "
                             f"{np.dtype(o.dtype).name}, but the output is {s} "
                             f"{t.name}")
    return outs


def _req(parent):
    """The req MXNet's backward gets for an argument: from its variable, 'null' if constant."""
    if parent is None:
        return "null"
    if parent.__class__ is tuple:
        return "write"
    return _REQ_OF_VAR.get(parent.req, "write")


class _UnknownShape(NDArray):
    """What MXNet hands `backward` for an out_grad it did not declare as a dependency."""

    __slots__ = ()

    def __init__(self, ctx):
        super().__init__(None, ctx)

    shape = property(lambda self: ())
    dtype = property(lambda self: None)
    stype = property(lambda self: "undefined")
    handle = property(lambda self: None)

    def asnumpy(self):
        raise MXNetError(_UNKNOWN_SHAPE)

    def __repr__(self):
        raise MXNetError(_UNKNOWN_SHAPE)


_UnknownShape.__name__ = _UnknownShape.__qualname__ = "NDArray"  # as type(g) prints in MXNet


class _CustomNodeOp:
    """Stands in for an op in the tape node of one `mx.nd.Custom` call."""

    zero_grad = False
    chain = False
    backward = None  # the engine then calls `vjp` with NDArrays, on any context

    def __init__(self, op_type, op, auxs, need_og, ctx):
        self.name = "Custom"
        self.op_type = op_type
        self.op = op
        self.auxs = auxs
        self.need_og = need_og
        self.ctx = ctx
        self.reqs = None

    def vjp(self, node_op, dys, ins, outs, attrs):
        ctx = self.ctx
        out_grad = [d if need else _UnknownShape(ctx) for d, need in zip(dys, self.need_og)]
        in_grad = [zeros(x.shape, ctx=ctx, dtype=x.dtype) for x in ins]
        reqs = list(self.reqs)
        prev = _state.recording
        _state.recording = False  # MXNet runs backward outside the tape: no higher order
        try:
            with ctx:
                _guard("CustomOp", "backward", self.op.backward, req=reqs, out_grad=out_grad,
                       in_data=list(ins), out_data=list(outs), in_grad=in_grad, aux=self.auxs)
        finally:
            _state.recording = prev
        return [None if r == "null" else g for g, r in zip(in_grad, reqs)]
