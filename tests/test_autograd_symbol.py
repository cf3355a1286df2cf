"""autograd.get_symbol (spec 2.8): names, arguments, outputs, and MXNet's JSON byte for byte.

The JSON literals below were printed by MXNet 1.9.1 for the same graphs. Node
names carry process-wide counters (var<k>, node_<k>, null<k>), so the
comparison renames them in order of appearance; a fresh process checks the
exact numbers of the spec's example.
"""
import re
import subprocess
import sys

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag
from mxnb.base import MXNetError
from mxnb.symbol import Symbol

nd = mx.nd


def normalise(js):
    names = {}

    def sub(m):
        return names.setdefault(m.group(0), f"NAME{len(names)}")

    return re.sub(r"\b(var\d+|null\d+|node_\d+)\b", sub, js)


def test_spec_example_in_a_fresh_process():
    code = (
        "import mxnb as mx\n"
        "x = mx.nd.ones((2,)); x.attach_grad()\n"
        "with mx.autograd.record():\n"
        "    z = mx.nd.elemwise_add(mx.nd.exp(x), x)\n"
        "s = mx.autograd.get_symbol(z)\n"
        "print(repr(s), s.name, s.list_arguments(), s.list_outputs())\n"
        "print(s.tojson() == " + repr(MXNET_A) + ")\n"
        "print(s)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["<Symbol node_1> node_1 ['var0'] ['node_1_output']", "True",
                   "<Symbol node_1>"]


def test_json_of_the_spec_example():
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        z = nd.elemwise_add(nd.exp(x), x)
    s = ag.get_symbol(z)
    assert isinstance(s, Symbol)
    assert normalise(s.tojson()) == normalise(MXNET_A)
    assert s.list_arguments() == [x._var.name]
    assert s.list_outputs() == [s.name + "_output"]
    assert repr(s) == str(s) == f"<Symbol {s.name}>"


def test_json_with_attributes_constants_and_two_variables():
    x = nd.ones((2,))
    x.attach_grad()
    w = nd.array([3.0])
    w.attach_grad()
    c = nd.array([[1, 2]])
    with ag.record():
        y = nd.broadcast_mul(x, w) + 2
        y2 = nd.broadcast_mul(y, c)
        y3 = nd.clip(y2, 0, 1)
    s = ag.get_symbol(y3)
    assert normalise(s.tojson()) == normalise(MXNET_B)
    args = s.list_arguments()
    assert args[:2] == [x._var.name, w._var.name] and args[2].startswith("null")
    assert s.attr_dict() == {y._entry[0].name: {"scalar": "2.0"},
                             s.name: {"a_max": "1", "a_min": "0"}}


def test_json_of_a_long_chain_uses_multi_line_arrays():
    xs = []
    for _ in range(11):
        v = nd.ones((2,))
        v.attach_grad()
        xs.append(v)
    with ag.record():
        y = xs[0]
        for v in xs[1:]:
            y = y * v
    s = ag.get_symbol(y)
    assert normalise(s.tojson()) == normalise(MXNET_C)
    assert s.list_arguments() == [v._var.name for v in xs]


def test_a_variable_alone():
    x = nd.ones((2,))
    x.attach_grad()
    s = ag.get_symbol(x)
    assert normalise(s.tojson()) == normalise(MXNET_D)
    assert s.list_arguments() == s.list_outputs() == [s.name] == [x._var.name]


def test_multi_output_nodes_and_functions():
    class Two(ag.Function):
        def forward(self, a, b):
            return a * b, a + b

        def backward(self, d0, d1):
            return d0, d1

    a, b = nd.ones((2,)), nd.ones((2,))
    a.attach_grad()
    b.attach_grad()
    with ag.record():
        u, v = Two()(a, b)
        w = nd.exp(v)
    s = ag.get_symbol(u)
    assert s.list_outputs() == [s.name + "_output0"]
    assert ag.get_symbol(v).list_outputs() == [s.name + "_output1"]
    js = ag.get_symbol(w).tojson()
    assert '"op": "_CustomFunction"' in js
    assert '"node_row_ptr": [0, 1, 2, 4, 5]' in js
    assert '"inputs": [[2, 1, 0]]' in js


def test_symbol_does_not_keep_the_graph_and_survives_backward():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with ag.record():
        y = nd.exp(x) * 3
    s = ag.get_symbol(y)
    before = s.tojson()
    y.backward()
    assert s.tojson() == before
    with pytest.raises(MXNetError, match="NDArray is not part of a computation graph. Did you "
                                         "forget to turn on recording?"):
        ag.get_symbol(y)


def test_errors():
    with pytest.raises(MXNetError, match="NDArray is not part of a computation graph. Did you "
                                         "forget to turn on recording?"):
        ag.get_symbol(nd.ones((2,)))
    with pytest.raises(AssertionError, match="get_symbol: Invalid argument type, expecting "
                                             "<class 'mxnb.ndarray.ndarray.NDArray'>, got "
                                             "<class 'numpy.ndarray'>"):
        ag.get_symbol(np.ones(2))


def test_the_rest_of_the_symbol_api_says_not_yet():
    x = nd.ones((2,))
    x.attach_grad()
    s = ag.get_symbol(x)
    for call in (lambda: s.infer_shape(var0=(2,)), lambda: s.bind(mx.cpu(), {}),
                 lambda: s + s, lambda: s.get_internals()):
        with pytest.raises(NotImplementedError, match="not implemented yet"):
            call()
    with pytest.raises(AttributeError):
        s.no_such_method
    assert s.list_auxiliary_states() == []


def test_deep_graphs_do_not_hit_the_recursion_limit():
    x = nd.ones((1,))
    x.attach_grad()
    with ag.record():
        y = x
        for _ in range(3000):
            y = y + 1
    s = ag.get_symbol(y)
    assert s.list_arguments() == [x._var.name]
    assert s.tojson().count('"op": "_plus_scalar"') == 3000


MXNET_A = (
    '{\n'
    '  "nodes": [\n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var0", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "exp", \n'
    '      "name": "node_0", \n'
    '      "inputs": [[0, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "elemwise_add", \n'
    '      "name": "node_1", \n'
    '      "inputs": [[1, 0, 0], [0, 0, 0]]\n'
    '    }\n'
    '  ], \n'
    '  "arg_nodes": [0], \n'
    '  "node_row_ptr": [0, 1, 2, 3], \n'
    '  "heads": [[2, 0, 0]], \n'
    '  "attrs": {"mxnet_version": ["int", 10901]}\n'
    '}'
)
MXNET_B = (
    '{\n'
    '  "nodes": [\n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var0", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var1", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_2", \n'
    '      "inputs": [[0, 0, 0], [1, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "_plus_scalar", \n'
    '      "name": "node_3", \n'
    '      "attrs": {"scalar": "2.0"}, \n'
    '      "inputs": [[2, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "null2", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_4", \n'
    '      "inputs": [[3, 0, 0], [4, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "clip", \n'
    '      "name": "node_5", \n'
    '      "attrs": {\n'
    '        "a_max": "1", \n'
    '        "a_min": "0"\n'
    '      }, \n'
    '      "inputs": [[5, 0, 0]]\n'
    '    }\n'
    '  ], \n'
    '  "arg_nodes": [0, 1, 4], \n'
    '  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7], \n'
    '  "heads": [[6, 0, 0]], \n'
    '  "attrs": {"mxnet_version": ["int", 10901]}\n'
    '}'
)
MXNET_C = (
    '{\n'
    '  "nodes": [\n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var3", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var4", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_6", \n'
    '      "inputs": [[0, 0, 0], [1, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var5", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_7", \n'
    '      "inputs": [[2, 0, 0], [3, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var6", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_8", \n'
    '      "inputs": [[4, 0, 0], [5, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var7", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_9", \n'
    '      "inputs": [[6, 0, 0], [7, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var8", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_10", \n'
    '      "inputs": [[8, 0, 0], [9, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var9", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_11", \n'
    '      "inputs": [[10, 0, 0], [11, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var10", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_12", \n'
    '      "inputs": [[12, 0, 0], [13, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var11", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_13", \n'
    '      "inputs": [[14, 0, 0], [15, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var12", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_14", \n'
    '      "inputs": [[16, 0, 0], [17, 0, 0]]\n'
    '    }, \n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var13", \n'
    '      "inputs": []\n'
    '    }, \n'
    '    {\n'
    '      "op": "broadcast_mul", \n'
    '      "name": "node_15", \n'
    '      "inputs": [[18, 0, 0], [19, 0, 0]]\n'
    '    }\n'
    '  ], \n'
    '  "arg_nodes": [\n'
    '    0, \n'
    '    1, \n'
    '    3, \n'
    '    5, \n'
    '    7, \n'
    '    9, \n'
    '    11, \n'
    '    13, \n'
    '    15, \n'
    '    17, \n'
    '    19\n'
    '  ], \n'
    '  "node_row_ptr": [\n'
    '    0, \n'
    '    1, \n'
    '    2, \n'
    '    3, \n'
    '    4, \n'
    '    5, \n'
    '    6, \n'
    '    7, \n'
    '    8, \n'
    '    9, \n'
    '    10, \n'
    '    11, \n'
    '    12, \n'
    '    13, \n'
    '    14, \n'
    '    15, \n'
    '    16, \n'
    '    17, \n'
    '    18, \n'
    '    19, \n'
    '    20, \n'
    '    21\n'
    '  ], \n'
    '  "heads": [[20, 0, 0]], \n'
    '  "attrs": {"mxnet_version": ["int", 10901]}\n'
    '}'
)
MXNET_D = (
    '{\n'
    '  "nodes": [\n'
    '    {\n'
    '      "op": "null", \n'
    '      "name": "var0", \n'
    '      "inputs": []\n'
    '    }\n'
    '  ], \n'
    '  "arg_nodes": [0], \n'
    '  "node_row_ptr": [0, 1], \n'
    '  "heads": [[0, 0, 0]], \n'
    '  "attrs": {"mxnet_version": ["int", 10901]}\n'
    '}'
)
