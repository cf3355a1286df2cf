"""The autograd engine: nodes recorded by `invoke`, and the reverse pass.

The engine owns what every op would otherwise repeat: summing gradients over
paths, un-broadcasting them to the inputs' shapes, and writing them into
variables per grad_req. Kernels always return fresh arrays.

A node captures, when it is recorded, where each input came from (its
`parents`: a Variable, an `(node, output index)` entry, or None for a
constant) and the raw buffers of its inputs and outputs. It holds no NDArray,
so no reference cycle keeps a graph alive. A pass without `retain_graph`
releases every node it walked: it drops the buffers and the parents, so
nothing of the graph outlives it. An output still alive keeps its (now empty)
node in `_entry`; a released entry counts as no history (`in_graph`,
`parent_of`, `record`), and reaching a released node through a live one
raises the "not in a computational graph" error.

Nodes are numbered in recording order (`seq`); inputs are always recorded
before their consumers, so sorting reachable nodes by `seq` is a topological
order. The number also names the node in `get_symbol` (`node_<seq>`).
"""
import itertools
import operator
import threading
import weakref

import numpy as np

from .._alloc import MIN_BYTES as _POOL_MIN, empty as _pooled_empty
from ..base import MXNetError

_REQS = {"null": 0, "write": 1, "add": 3, 0: 0, 1: 1, 3: 3}
_REQ_NAMES = {0: "null", 1: "write", 3: "add"}


class _State(threading.local):
    recording = False
    training = False


_state = _State()

# Process-wide, as MXNet's: node_<k> for recorded ops, var<k>/null<k> for leaves.
_node_count = itertools.count()
_var_count = itertools.count()


class Variable:
    """Autograd data of a leaf array: its gradient buffer, request and symbol name."""

    __slots__ = ("grad", "req", "ref", "name", "__weakref__")

    def __init__(self, grad, req, arr):
        self.grad = grad
        self.req = req
        self.ref = weakref.ref(arr)
        self.name = f"var{next(_var_count)}"

    def __repr__(self):
        return f"<Variable {self.name} grad_req={_REQ_NAMES[self.req]}>"


class Node:
    """One recorded op call (built by `record`; `parents is None` once released).

    op, attrs   the op and its attributes, as called
    parents     per input: its Variable, its (node, output index) entry, or None (constant)
    ins, outs   raw buffers of the inputs and outputs (what backward reads)
    ctx         the context of the call
    seq         recording order: sorting by it is a topological order
    """

    __slots__ = ("op", "attrs", "parents", "ins", "outs", "ctx", "seq", "__weakref__")

    @property
    def released(self):
        return self.parents is None

    @property
    def name(self):
        return f"node_{self.seq}"

    def __repr__(self):
        return f"<Node {self.name} {getattr(self.op, 'name', self.op)}>"


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

NO_TARGET = "There are no inputs in computation graph that require gradients."


def raise_inplace():
    raise MXNetError(INPLACE)


def in_graph(a):
    """Whether `a` is a marked variable or the live result of a recorded op."""
    if a._var is not None:
        return True
    e = a._entry
    return e is not None and e[0].parents is not None


def parent_of(a):
    """Where `a`'s gradient goes: its Variable, its live (node, index) entry, or None."""
    v = a._var
    if v is not None:
        return v
    e = a._entry
    if e is not None and e[0].parents is None:
        a._entry = e = None  # history released: the array is a constant now
    return e


def record(op, inputs, outs, attrs):
    """Add a node for `op` if some input is in a graph (MXNet's RecordOp rules).

    `inputs` and `outs` are NDArrays; the node keeps their raw buffers, the
    inputs' parents as they are now, and sets each output's `_entry`.
    Callers have checked that no output is already in a graph (invoke does
    for `out=`; fresh outputs never are). This is on every recorded op's path:
    it avoids comprehensions and Node.__init__ (each costs more than the rest).
    """
    if len(inputs) == 1:
        x = inputs[0]
        p = x._var
        if p is None:
            p = x._entry
            if p is None:
                return None
            if p[0].parents is None:  # history released: the array is a constant now
                x._entry = None
                return None
        parents = [p]
        ins = [x._data]
    else:
        parents = []
        ins = []
        live = False
        for x in inputs:
            p = x._var
            if p is None:
                p = x._entry
                if p is not None:
                    if p[0].parents is None:
                        x._entry = p = None
                    else:
                        live = True
            else:
                live = True
            parents.append(p)
            ins.append(x._data)
        if not live:
            return None
    node = _new(Node)
    node.op = op
    node.attrs = attrs
    node.parents = parents
    node.ins = ins
    node.ctx = inputs[0]._ctx
    node.seq = next(_node_count)
    if len(outs) == 1:
        o = outs[0]
        node.outs = [o._data]
        o._entry = (node, 0)
    else:
        node.outs = [o._data for o in outs]
        for i, o in enumerate(outs):
            o._entry = (node, i)
    return node


_new = object.__new__


def record1(op, x, o, attrs):
    """`record(op, [x], [o], attrs)` for the short paths' one-input, one-output ops."""
    p = x._var
    if p is None:
        p = x._entry
        if p is None:
            return
        if p[0].parents is None:  # history released: the array is a constant now
            x._entry = None
            return
    node = _new(Node)
    node.op = op
    node.attrs = attrs
    node.parents = [p]
    node.ins = [x._data]
    node.ctx = x._ctx
    node.seq = next(_node_count)
    node.outs = [o._data]
    o._entry = (node, 0)


# ---------------------------------------------------------------- the reverse pass


_seq = operator.attrgetter("seq")


def collect(parents):
    """Nodes reachable from `parents`, last recorded first, and the Variables reached.

    Raises NOT_IN_GRAPH when a released node is reached (its graph was freed
    by an earlier backward without retain_graph).
    """
    nodes = []
    variables = {}
    seen = set()
    stack = []
    for p in parents:
        if p.__class__ is tuple:
            stack.append(p[0])
        elif p is not None:
            variables[p] = None
    last = 1 << 62
    ordered = True  # a chain is found in reverse recording order already: no sort then
    add = seen.add
    append = nodes.append
    tuple_ = tuple
    while stack:
        n = stack.pop()
        while n not in seen:  # follows a one-input node's input without the stack
            add(n)
            ps = n.parents
            if ps is None:
                raise MXNetError(NOT_IN_GRAPH)
            append(n)
            s = n.seq
            if s > last:
                ordered = False
            last = s
            if len(ps) == 1:
                p = ps[0]
                if p.__class__ is tuple_:
                    n = p[0]
                    continue
                if p is not None:
                    variables[p] = None
                break
            for p in ps:
                if p.__class__ is tuple_:
                    if p[0] not in seen:
                        stack.append(p[0])
                elif p is not None:
                    variables[p] = None
            break
    if not ordered:
        nodes.sort(key=_seq, reverse=True)
    return nodes, variables


def _prune(nodes, wanted):
    """The nodes through which some wanted Variable is reached (others need no gradient)."""
    needed = set()
    for n in reversed(nodes):
        for p in n.parents:
            if p is None:
                continue
            if p.__class__ is tuple:
                if p[0] in needed:
                    needed.add(n)
                    break
            elif p in wanted:
                needed.add(n)
                break
    return [n for n in nodes if n in needed]


def run(head_parents, head_grads, nodes, wanted, create_graph):
    """Backpropagate through `nodes` (from `collect`); returns {Variable: total gradient}.

    Only Variables in `wanted` receive gradients. Gradients are raw buffers, or
    NDArrays recorded in the graph when `create_graph`. The caller sets the
    recording/training flags and releases the graph.
    """
    grad_ops = _GRAD_OPS[0] if _GRAD_OPS else _grad_ops()
    add = _nd_add if create_graph else _raw_add
    owned = set()  # ids of the raw sums this pass made (see _raw_add)
    unbroadcast = grad_ops.unbroadcast
    pending = {}   # node -> [gradient per output]
    vgrads = {}    # Variable -> gradient
    tuple_ = tuple

    for p, g in zip(head_parents, head_grads):
        if p.__class__ is tuple_:
            n, i = p
            lst = pending.get(n)
            if lst is None:
                lst = pending[n] = [None] * len(n.outs)
            lst[i] = g if lst[i] is None else add(lst[i], g, owned)
        elif p in wanted:
            old = vgrads.get(p)
            vgrads[p] = g if old is None else add(old, g, owned)

    pop = pending.pop
    get = pending.get
    chain = None if create_graph else _chain_fn()
    pos = -1  # index of `node` in `nodes` (for backward_chain)
    for node in nodes:
        pos += 1
        dys = pop(node, None)
        if dys is None:
            continue
        if owned:  # a sum handed to a backward may come back aliased: no longer ours
            for d in dys:
                owned.discard(id(d))
        op = node.op
        if op.zero_grad:
            continue
        in_grads = None
        if op.chain and chain is not None:
            r = chain(node, dys[0], nodes, pos, pending)
            if r is not None:
                # node .. r[0] ran as one run of unary nodes: deliver to r[0]'s input
                node, g = r
                in_grads = [g]
        ins = node.ins
        if in_grads is not None:
            pass
        elif create_graph or op.backward is None:
            in_grads = _vjp_grads(node, dys, create_graph)
        elif node.ctx.device_typeid == 2:
            from ..kernels import cuda_launch

            in_grads = cuda_launch.backward(node.ctx, op, dys, ins, node.outs, node.attrs)
        else:
            for d in dys:
                if d is None:
                    dys = [_zeros_raw(o) if d is None else d for d, o in zip(dys, node.outs)]
                    break
            in_grads = op.backward(op, dys, ins, node.outs, node.attrs)
        k = 0
        for p in node.parents:
            if p is not None:
                g = in_grads[k]
                if g is not None:
                    shape = ins[k].shape
                    if g.shape != shape:
                        g = unbroadcast(g, shape)
                    if p.__class__ is tuple_:
                        n, i = p
                        lst = get(n)
                        if lst is None:
                            if len(n.outs) == 1:
                                pending[n] = [g]
                            else:
                                lst = pending[n] = [None] * len(n.outs)
                                lst[i] = g
                        else:
                            old = lst[i]
                            lst[i] = g if old is None else add(old, g, owned)
                    elif p in wanted:
                        old = vgrads.get(p)
                        vgrads[p] = g if old is None else add(old, g, owned)
            k += 1
    return vgrads


_GRAD_OPS = []
_CHAIN = []


def _chain_fn():
    if not _CHAIN:
        from ..ops.elemwise import backward_chain

        _CHAIN.append(backward_chain)
    return _CHAIN[0]


def _grad_ops():
    from ..ops import grad_ops

    _GRAD_OPS.append(grad_ops)
    return grad_ops


def _raw_add(a, b, owned):
    """a + b for raw gradients. A sum made here is added into in place the next time: until
    the pass hands it to a backward (run() then drops its id from `owned`), nothing else
    refers to it."""
    if a.__class__ is np.ndarray:
        if id(a) in owned and a.dtype == b.dtype and a.shape == b.shape:
            np.add(a, b, out=a)
            return a
        if a.nbytes < _POOL_MIN:
            s = a + b
        else:  # large sums reuse pooled buffers (no page faults)
            s = _pooled_empty(a.shape, a.dtype)
            np.add(a, b, out=s)
        owned.add(id(s))
        return s
    from ..kernels import cuda_launch

    return cuda_launch.add_raw(a, b)


def _nd_add(a, b, owned):
    """a + b for recorded gradients (create_graph): through the op, so the sum is recorded."""
    return _GRAD_OPS[0].add(a, b)


def _vjp_grads(node, dys, create_graph):
    """Input gradients of one node through its VJP in mxnb ops (recorded when create_graph)."""
    from ..ndarray.ndarray import NDArray

    op = node.op
    if op.vjp is None:
        raise MXNetError(
            f"Operator {op.name} is non-differentiable because it didn't register FGradient "
            "attribute. (It has no VJP in mxnb ops, so a gradient computed with "
            "create_graph=True cannot go through it.)")

    ctx = node.ctx
    ins = []
    for raw, p in zip(node.ins, node.parents):
        x = NDArray(raw, ctx)
        if create_graph and p is not None:
            if p.__class__ is tuple:
                x._entry = p
            else:
                x._var = p
        ins.append(x)
    outs = []
    for i, raw in enumerate(node.outs):
        y = NDArray(raw, ctx)
        if create_graph:
            y._entry = (node, i)
        outs.append(y)
    nd_dys = []
    for d, y in zip(dys, outs):
        if d is None:
            d = NDArray(np.zeros_like(y._data) if isinstance(y._data, np.ndarray)
                        else _device_zeros(y._data), ctx)
        elif not isinstance(d, NDArray):
            if d.__class__ is np.ndarray and not d.flags.c_contiguous:
                d = np.ascontiguousarray(d)  # NDArray storage is C-contiguous (see fast_table)
            d = NDArray(d, ctx)
        nd_dys.append(d)
    res = op.vjp(op, nd_dys, ins, outs, node.attrs)
    if create_graph:
        return res
    return [None if r is None else r._data for r in res]


def _zeros_raw(like):
    if like.__class__ is np.ndarray:
        return np.zeros_like(like)
    return _device_zeros(like)


def _device_zeros(like):
    from ..kernels import cuda_launch

    return cuda_launch.zeros(like.shape, like.dtype)


def release(nodes):
    """Drop each node's saved buffers and history. Its outputs still alive become plain
    arrays: `in_graph` is false for them, `out=` into them is allowed again, and the next
    op that reads one clears its `_entry` (see `record`)."""
    for n in nodes:
        n.parents = n.ins = n.outs = None
        n.op = n.attrs = None  # a custom Function's op holds the Function and its saved arrays


def unmark_null(variables):
    """MXNet un-marks null-request variables after a pass through them (spec Q3)."""
    for v in variables:
        if v.req == 0:
            a = v.ref()
            if a is not None and a._var is v:
                a._var = None
