"""The Symbol class: a graph of named nodes, as MXNet's nnvm graphs.

Only the part `autograd.get_symbol` needs is here: names, `list_arguments`,
`list_outputs`, `list_auxiliary_states`, `attr_dict`, `tojson` (MXNet's JSON
graph format, byte for byte) and `repr`. A Symbol holds only names, op names
and attribute strings, never arrays, so it does not keep a recorded graph
alive.
"""
import numpy as np

from . import _json

MXNET_VERSION = 10901


class SymNode:
    """One node of a symbolic graph: an op (`"null"` for a variable), its name, attributes
    (strings) and inputs, as (SymNode, output index) pairs."""

    __slots__ = ("op", "name", "attrs", "inputs", "num_outputs")

    def __init__(self, op, name, attrs=None, inputs=(), num_outputs=1):
        self.op = op
        self.name = name
        self.attrs = dict(attrs or {})
        self.inputs = list(inputs)
        self.num_outputs = num_outputs

    @property
    def is_variable(self):
        return self.op == "null"

    def output_name(self, index):
        if self.is_variable:
            return self.name
        if self.num_outputs > 1:
            return f"{self.name}_output{index}"
        return f"{self.name}_output"


class Symbol:
    """A symbolic graph with one or more outputs (MXNet's `mx.sym.Symbol`).

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = mx.nd.exp(x)
    >>> mx.autograd.get_symbol(y)    # doctest: +SKIP
    <Symbol node_0>
    """

    def __init__(self, outputs):
        self._outputs = list(outputs)  # [(SymNode, index)]

    # ------------------------------------------------------------ names
    @property
    def name(self):
        """The name of the output node; None for a group of several outputs."""
        if len(self._outputs) != 1:
            return None
        return self._outputs[0][0].name

    def __repr__(self):
        if len(self._outputs) == 1:
            return f"<{type(self).__name__} {self.name}>"
        names = ", ".join(n.name for n, _ in self._outputs)
        return f"<{type(self).__name__} group [{names}]>"

    __str__ = __repr__

    def _topo(self):
        """Nodes in depth-first post-order from the outputs, inputs left to right (nnvm's order)."""
        order, done = [], set()
        for head, _ in self._outputs:
            stack = [(head, 0)]
            while stack:
                node, k = stack.pop()
                if id(node) in done:
                    continue
                if k < len(node.inputs):
                    stack.append((node, k + 1))
                    child = node.inputs[k][0]
                    if id(child) not in done:
                        stack.append((child, 0))
                else:
                    done.add(id(node))
                    order.append(node)
        return order

    def list_arguments(self):
        """Names of the input variables, in depth-first order.

        >>> sym.list_arguments()    # doctest: +SKIP
        ['var0']
        """
        return [n.name for n in self._topo() if n.is_variable]

    list_inputs = list_arguments

    def list_outputs(self):
        """Names of the outputs: `<node>_output` (`<node>_output<i>` for a multi-output op)."""
        return [n.output_name(i) for n, i in self._outputs]

    def list_auxiliary_states(self):
        """Auxiliary states (BatchNorm's moving statistics); a recorded graph has none."""
        return []

    def attr_dict(self):
        """{node name: {attribute: string}} for every node that has attributes."""
        return {n.name: dict(n.attrs) for n in self._topo() if n.attrs}

    # ------------------------------------------------------------ serialisation
    def tojson(self):
        """The graph in MXNet's JSON format (nodes, arg_nodes, node_row_ptr, heads, attrs)."""
        nodes = self._topo()
        index = {id(n): i for i, n in enumerate(nodes)}
        jnodes, row_ptr = [], [0]
        for n in nodes:
            j = _json.Obj(op=n.op, name=n.name)
            if n.attrs:
                j["attrs"] = _json.Inline(sorted(n.attrs.items()))
            j["inputs"] = [_json.Row([index[id(src)], i, 0]) for src, i in n.inputs]
            jnodes.append(j)
            row_ptr.append(row_ptr[-1] + n.num_outputs)
        graph = _json.Obj(
            nodes=jnodes,
            arg_nodes=[i for i, n in enumerate(nodes) if n.is_variable],
            node_row_ptr=row_ptr,
            heads=[_json.Row([index[id(n)], i, 0]) for n, i in self._outputs],
            attrs=_json.Inline(mxnet_version=_json.Row(["int", MXNET_VERSION])),
        )
        return _json.dumps(graph)

    def __getattr__(self, name):
        if name in _LATER:
            raise NotImplementedError(
                f"Symbol.{name} is not implemented yet in mxnb: Symbols come only from "
                "autograd.get_symbol for now (list_arguments, list_outputs, tojson, attr_dict)")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


# MXNet's Symbol API beyond the above: a later issue. Named so the error says so.
_LATER = frozenset("""
attr list_attr attr_dict_ infer_shape infer_shape_partial infer_type infer_type_partial
get_internals get_children bind simple_bind eval save debug_str gradient optimize_for
get_backend_symbol reshape astype flatten expand_dims broadcast_to transpose sum mean max
min norm dot abs exp log sqrt square tanh sigmoid relu softmax slice split clip
""".split())


def _not_yet(name):
    def method(self, *args, **kwargs):
        raise NotImplementedError(f"Symbol {name} is not implemented yet in mxnb")

    method.__name__ = name
    return method


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__pow__", "__neg__", "__call__", "__getitem__",
              "__iter__"):
    setattr(Symbol, _name, _not_yet(_name))


# ---------------------------------------------------------------- from the autograd tape


def _attr_str(name, value):
    if name == "dtype" and not isinstance(value, str):
        return np.dtype(value).name
    if name == "scalar":
        return str(float(value))  # MXNet's operators pass scalars as Python floats
    return str(value)


def _attrs_of(node):
    op, attrs = node.op, node.attrs
    if not attrs:
        return {}
    defaults = dict(getattr(op, "attrs", ()) or ())
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        if k in defaults:
            try:
                if bool(defaults[k] == v) and type(defaults[k]) is type(v):
                    continue  # MXNet records only the attributes the caller passed
            except (TypeError, ValueError):
                pass
        out[k] = _attr_str(k, v)
    return out


def from_autograd(parent):
    """The Symbol of a recorded array, from its engine parent (a Variable or a (node, i) entry)."""
    from ..autograd import engine

    if not isinstance(parent, tuple):
        return Symbol([(SymNode("null", parent.name), 0)])
    made = {}     # engine node / Variable / constant buffer id -> SymNode
    root = parent[0]
    stack = [root]
    while stack:  # iterative post-order, so deep graphs do not hit the recursion limit
        node = stack[-1]
        if id(node) in made:
            stack.pop()
            continue
        pending = [p[0] for p in node.parents
                   if p.__class__ is tuple and p[0].parents is not None and id(p[0]) not in made]
        if pending:
            stack.extend(reversed(pending))
            continue
        stack.pop()
        inputs = []
        for p, raw in zip(node.parents, node.ins):
            if p.__class__ is tuple and p[0].parents is not None:
                inputs.append((made[id(p[0])], p[1]))
            elif isinstance(p, engine.Variable):
                sn = made.get(id(p))
                if sn is None:
                    sn = made[id(p)] = SymNode("null", p.name)
                inputs.append((sn, 0))
            else:  # a constant, or an input whose history was released
                key = ("const", id(raw))
                sn = made.get(key)
                if sn is None:
                    sn = made[key] = SymNode("null", f"null{next(engine._var_count)}")
                inputs.append((sn, 0))
        made[id(node)] = SymNode(node.op.name, node.name, _attrs_of(node), inputs,
                                 len(node.outs))
    return Symbol([(made[id(root)], parent[1])])
