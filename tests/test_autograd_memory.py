"""What a recorded graph keeps alive: nothing after backward() without retain_graph.

The cyclic garbage collector is switched off in these tests, so what they
prove is that plain reference counting frees every intermediate array, tape
node and saved buffer: the tape holds no reference cycles.
"""
import gc
import weakref

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag

nd = mx.nd


@pytest.fixture(autouse=True)
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


class Twice(ag.Function):
    def forward(self, x):
        y = x * 2
        self.save_for_backward(y, x * 5)
        return y

    def backward(self, dy):
        return dy * 2


def build(x):
    """A graph with views, broadcasting, several consumers and a Function, and weak references
    to its arrays, nodes, saved buffers and the Function's saved tensors."""
    refs = []
    with ag.record():
        a = nd.exp(x)
        b = nd.broadcast_mul(a.reshape((2, 3)), nd.array([1.0, 2.0, 3.0]))
        c = nd.sigmoid(b)[1]
        d = Twice()(c)
        e = d * a.reshape((2, 3))[0] + nd.sin(c)
    for arr in (a, b, c, d):
        node = arr._entry[0]
        refs += [weakref.ref(arr), weakref.ref(arr._data), weakref.ref(node)]
        refs += [weakref.ref(buf) for buf in node.ins + node.outs if buf is not x._data]
    refs.append(weakref.ref(d._entry[0].op.func))         # the Function instance
    refs += [weakref.ref(t._data) for t in d._entry[0].op.func.saved_tensors]
    head_node = weakref.ref(e._entry[0])
    return e, refs, head_node


def alive(refs):
    return [r for r in refs if r() is not None]


def emptied(ref):
    """A node freed, or kept only as an empty shell by a live output (see engine.release)."""
    n = ref()
    return n is None or (n.op is None and n.attrs is None and n.parents is None
                         and n.ins is None and n.outs is None)


def test_nothing_of_the_graph_outlives_backward():
    x = nd.array(np.linspace(0.1, 0.6, 6))
    x.attach_grad()
    e, refs, head_node = build(x)
    assert len(alive(refs)) > 15  # the nodes and their buffers, held by the tape
    e.backward()
    assert alive(refs) == []
    # The live head keeps only an emptied node (no op, attributes, parents or buffers): it is
    # no longer in a graph, and the next op reading it drops even that.
    shell = head_node()
    assert shell is None or (shell.op is None and shell.attrs is None and shell.parents is None
                             and shell.ins is None and shell.outs is None)
    del shell
    assert not ag.in_graph(e)
    with ag.record():
        e2 = e + 1
    assert e._entry is None and head_node() is None and not ag.in_graph(e2)
    assert x.grad is not None and np.all(np.isfinite(x.grad.asnumpy()))


def test_retain_graph_keeps_nodes_and_saved_buffers():
    x = nd.array(np.linspace(0.1, 0.6, 6))
    x.attach_grad()
    e, refs, head_node = build(x)
    kept = alive(refs)
    e.backward(retain_graph=True)
    first = x.grad.asnumpy()
    assert alive(refs) == kept and head_node() is not None
    e.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), first)
    assert alive(refs) == []


def test_dropping_an_unused_graph_frees_it():
    x = nd.array(np.linspace(0.1, 0.6, 6))
    x.attach_grad()
    e, refs, head_node = build(x)
    del e
    assert alive(refs) == [] and head_node() is None


def test_grad_frees_unless_retained_and_create_graph_retains():
    x = nd.array([0.5, 1.0])
    x.attach_grad()
    with ag.record():
        y = nd.exp(nd.sin(x))
    inner = weakref.ref(y._entry[0].parents[0][0])
    ag.grad(y, [x])
    assert inner() is None

    with ag.record():
        y = nd.exp(nd.sin(x))
    node_refs = [weakref.ref(y._entry[0]), weakref.ref(y._entry[0].parents[0][0])]
    (g1,) = ag.grad(y, [x], create_graph=True)   # retain_graph defaults to create_graph
    assert alive(node_refs) == node_refs
    g1.backward()   # exp's VJP reads y, so this frees the first-order graph too
    assert alive(node_refs[1:]) == [] and emptied(node_refs[0])   # y itself is alive
    with pytest.raises(mx.MXNetError, match="not in a computational graph"):
        y.backward()


def test_head_gradient_and_heads_are_not_kept():
    x = nd.array([0.5, 1.0])
    x.attach_grad()
    with ag.record():
        y = nd.exp(x)
    hg = nd.array([1.0, 2.0])
    r = weakref.ref(hg)
    y.backward(hg)
    del hg
    assert r() is None
