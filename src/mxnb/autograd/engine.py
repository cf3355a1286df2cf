"""The autograd engine: nodes recorded by `invoke`, and the reverse pass.

The engine owns what every op would otherwise repeat: summing gradients over
paths, un-broadcasting them to the inputs' shapes, and writing them into
variables per grad_req. Kernels always return fresh arrays.

A node keeps its input NDArrays and its outputs' raw buffers (never the output
NDArray objects, so no reference cycle keeps a graph alive). A pass without
`retain_graph` empties every node it walked: nothing of the graph outlives it.
"""
import threading

import numpy as np

from ..base import MXNetError

_REQS = {"null": 0, "write": 1, "add": 3, 0: 0, 1: 1, 3: 3}
_REQ_NAMES = {0: "null", 1: "write", 3: "add"}


class _State(threading.local):
    recording = False
    training = False


_state = _State()


class Variable:
    """Autograd data of a leaf array: its gradient buffer and request."""

    __slots__ = ("grad", "req")

    def __init__(self, grad, req):
        self.grad = grad
        self.req = req


class Node:
    """One recorded op call."""

    __slots__ = ("op", "attrs", "inputs", "outs", "released", "__weakref__")

    def __init__(self, op, attrs, inputs, outs):
        self.op = op
        self.attrs = attrs
        self.inputs = inputs
        self.outs = outs
        self.released = False

    def release(self):
        self.released = True
        self.inputs = None
        self.outs = None


NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward.")

INPLACE = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.")


def raise_inplace():
    raise MXNetError(INPLACE)


def in_graph(a):
    """Whether `a` is a marked variable or the live result of a recorded op."""
    if a._var is not None:
        return True
    e = a._entry
    return e is not None and not e[0].released


def record(op, inputs, outs, attrs):
    """Add a node for `op` if some input is in a graph (MXNet's RecordOp rules)."""
    for x in inputs:
        if in_graph(x):
            break
    else:
        return None
    node = Node(op, attrs, list(inputs), [o._data for o in outs])
    for i, o in enumerate(outs):
        o._entry = (node, i)
        o._var = None
    return node


# ---------------------------------------------------------------- the reverse pass


def _topo(heads):
    """Nodes reachable from the heads, in an order where each node follows its consumers' needs.

    Returned list is in recording order (inputs before consumers); the pass walks it reversed.
    """
    order, seen = [], set()
    stack = []
    for h in heads:
        e = h._entry
        if h._var is None and e is not None and not e[0].released and id(e[0]) not in seen:
            seen.add(id(e[0]))
            stack.append((e[0], False))
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        stack.append((node, True))
        for x in node.inputs:
            if x._var is not None:
                continue
            e = x._entry
            if e is not None and not e[0].released and id(e[0]) not in seen:
                seen.add(id(e[0]))
                stack.append((e[0], False))
    return order


def _key(x):
    """Where a gradient for input array `x` accumulates: its variable, its entry, or nowhere."""
    if x._var is not None:
        return x._var
    e = x._entry
    if e is not None and not e[0].released:
        return (id(e[0]), e[1])
    return None


def run(heads, head_grads, variables, create_graph, retain_graph, train_mode):
    """Backpropagate from `heads`; returns {Variable: total gradient} for reachable variables.

    `variables` (None for backward()) restricts the result to those Variables.
    Gradients are raw buffers, or NDArrays in the graph when `create_graph`.
    """
    from ..ndarray.ndarray import NDArray
    from ..ops import grad_ops

    order = _topo(heads)
    grads = {}
    var_arrays = {}

    def add(key, g):
        old = grads.get(key)
        if old is None:
            grads[key] = g
        elif create_graph:
            grads[key] = grad_ops.add(old, g)
        elif isinstance(old, np.ndarray):
            grads[key] = old + g
        else:
            from ..kernels import cuda_launch

            grads[key] = cuda_launch.add_raw(old, g)

    for h, hg in zip(heads, head_grads):
        k = _key(h)
        if h._var is not None:
            var_arrays[id(h._var)] = h
        add(k, hg)

    prev = (_state.recording, _state.training)
    _state.recording = bool(create_graph)
    _state.training = bool(train_mode)
    try:
        for node in reversed(order):
            dys = [grads.pop((id(node), i), None) for i in range(len(node.outs))]
            if all(d is None for d in dys):
                continue
            for x in node.inputs:
                if x._var is not None:
                    var_arrays[id(x._var)] = x
            if node.op.zero_grad:
                continue
            in_grads = _node_grads(node, dys, create_graph, NDArray, grad_ops)
            for x, g in zip(node.inputs, in_grads):
                if g is None:
                    continue
                k = _key(x)
                if k is None or (isinstance(k, Variable) and k.req == 0):
                    continue
                if g.shape != x.shape:
                    g = grad_ops.unbroadcast(g, x.shape)
                add(k, g)
    finally:
        _state.recording, _state.training = prev
    for node in order:
        for x in node.inputs:
            if x._var is not None:
                var_arrays[id(x._var)] = x
    result = {id(v): grads.get(v) for v in (a._var for a in var_arrays.values())}
    if not retain_graph:
        for node in order:
            node.release()
        for a in var_arrays.values():
            if a._var is not None and a._var.req == 0:
                a._var = None  # MXNet un-marks null-request variables after a pass (Q3)
    return result, var_arrays


def _node_grads(node, dys, create_graph, NDArray, grad_ops):
    op = node.op
    if create_graph or op.backward is None:
        outs = []
        for i, buf in enumerate(node.outs):
            y = NDArray(buf, node.inputs[0]._ctx)
            y._entry = (node, i)
            outs.append(y)
        dys = [grad_ops.as_nd(d, o) if d is not None else grad_ops.zeros_like(o)
               for d, o in zip(dys, outs)]
        res = op.vjp(op, dys, node.inputs, outs, node.attrs)
        if create_graph:
            return res
        return [None if r is None else r._data for r in res]
    ins = [x._data for x in node.inputs]
    ctx = node.inputs[0]._ctx
    if ctx.device_typeid == 2:
        from ..kernels import cuda_launch

        return cuda_launch.backward(ctx, op, dys, ins, node.outs, node.attrs)
    dys = [d if d is not None else np.zeros_like(o) for d, o in zip(dys, node.outs)]
    return op.backward(op, dys, ins, node.outs, node.attrs)
