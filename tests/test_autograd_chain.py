"""The engine's short path for runs of small unary nodes (`ops.elemwise.backward_chain`).

A run of unary table ops backpropagates through one buffer, without the
per-node bookkeeping. It must give bit for bit the numbers of the node-by-node
path (the same kernels on the same values), and it must stop wherever another
gradient joins: a branch, a head in the middle of the run, a node consumed twice.
The node-by-node path is what `run` does when `_chain_fn` gives None.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.autograd import engine
from mxnb.ops import elemwise
from test_op_grads import CASES, UNIQUE, _inputs

nd = mx.nd
ag = mx.autograd
CHAIN_OPS = sorted(n for n, op in UNIQUE.items() if op.chain)


def _per_node(monkeypatch):
    monkeypatch.setattr(engine, "_chain_fn", lambda: None)


def _grad_of(f, xs, head=None):
    xs = [nd.array(x, dtype=x.dtype) for x in xs]
    for x in xs:
        x.attach_grad()
    with ag.record():
        ys = f(*xs)
    ag.backward(ys, head)
    return [x.grad.asnumpy() for x in xs]


def _both(monkeypatch, f, xs, head=None):
    with monkeypatch.context() as m:  # first, so the kernels a run looks up are built
        _per_node(m)
        plain = _grad_of(f, xs, head)
    fused = _grad_of(f, xs, head)
    return fused, plain


def _spy(monkeypatch):
    """Record (first node, last node) of every run the short path took."""
    runs = []

    def spy(node, dy, nodes, i, pending):
        r = elemwise.backward_chain(node, dy, nodes, i, pending)
        if r is not None:
            runs.append((node.seq, r[0].seq))
        return r

    monkeypatch.setattr(engine, "_chain_fn", lambda: spy)
    return runs


def test_every_unary_table_op_with_a_fused_backward_can_join_a_run():
    assert {"exp", "sigmoid", "tanh", "relu", "_mul_scalar", "_plus_scalar", "clip",
            "_power_scalar"} <= set(CHAIN_OPS)
    for name in ("floor", "sign", "_equal_scalar", "broadcast_add", "sum"):
        assert not UNIQUE[name].chain, name


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CHAIN_OPS)
def test_a_run_through_each_op_equals_the_node_by_node_path(monkeypatch, name, dtype):
    op = UNIQUE[name]
    case = CASES[name][0]
    rng = np.random.RandomState(7)
    (x,) = _inputs(op, case, rng)
    x = x.astype(dtype)
    fn = getattr(nd, name)
    attrs = case["attrs"]
    head = nd.array(rng.uniform(-1, 1, x.shape), dtype=dtype)

    def f(a):  # op between two other unary nodes, so it sits inside a run
        return nd.square(fn(a * 1.0, **attrs)) * 0.5

    with monkeypatch.context() as m:  # first: builds the kernels a run looks up
        _per_node(m)
        plain, = _grad_of(f, [x], head)
    runs = _spy(monkeypatch)
    fused, = _grad_of(f, [x], head)
    assert len(runs) == 1 and runs[0][0] - runs[0][1] == 3, runs
    np.testing.assert_array_equal(fused, plain)
    assert fused.dtype == np.dtype(dtype)


def test_twenty_op_chain_is_one_run_and_matches_finite_differences(monkeypatch):
    def chain(y):
        for _ in range(5):
            y = nd.sigmoid(y)
            y = y * 1.5
            y = nd.tanh(y)
            y = y + 0.25
        return y

    x = np.random.RandomState(0).uniform(-2, 2, (4, 25))
    with monkeypatch.context() as m:
        _per_node(m)
        plain, = _grad_of(chain, [x])
    runs = _spy(monkeypatch)
    fused, = _grad_of(chain, [x])
    assert len(runs) == 1 and runs[0][0] - runs[0][1] == 19
    np.testing.assert_array_equal(fused, plain)
    eps = 1e-6
    num = (chain(nd.array(x + eps, dtype="float64")).asnumpy()
           - chain(nd.array(x - eps, dtype="float64")).asnumpy()) / (2 * eps)
    np.testing.assert_allclose(fused, num, rtol=1e-7, atol=1e-9)


def test_a_node_consumed_twice_ends_the_run(monkeypatch):
    # y feeds both tanh and the product: its gradient is a sum, so the run stops above it.
    def f(a):
        y = nd.sigmoid(a * 2.0)
        return nd.tanh(y) * 3.0 + y * y

    x = np.random.RandomState(1).uniform(-1, 1, (3, 4))
    runs = _spy(monkeypatch)
    fused, plain = _both(monkeypatch, f, [x])
    np.testing.assert_array_equal(fused, plain)
    s = 1 / (1 + np.exp(-2 * x))
    expect = (3 * (1 - np.tanh(s) ** 2) + 2 * s) * s * (1 - s) * 2
    np.testing.assert_allclose(fused[0], expect, rtol=1e-12)
    assert runs and all(first - last <= 1 for first, last in runs), runs


def test_a_head_inside_the_run_ends_it(monkeypatch):
    x = np.random.RandomState(2).uniform(-1, 1, 6)

    def f(a):
        mid = nd.exp(a * 0.5)
        return [nd.sin(mid) + 1.0, mid]  # mid is both a head and the input of sin

    fused, plain = _both(monkeypatch, f, [x])
    np.testing.assert_array_equal(fused, plain)
    m = np.exp(0.5 * x)
    np.testing.assert_allclose(fused[0], (np.cos(m) + 1) * m * 0.5, rtol=1e-12)


def test_a_later_consumer_recorded_between_ends_the_run(monkeypatch):
    # The second use of y is recorded after y's consumer in the run, and before the
    # run's last node: the adjacency rule must stop the run at y.
    def f(a):
        y = nd.exp(a)
        z = nd.sin(y)
        w = y * 2.0
        return [nd.cos(z), w]

    x = np.random.RandomState(3).uniform(-1, 1, 5)
    fused, plain = _both(monkeypatch, f, [x])
    np.testing.assert_array_equal(fused, plain)
    e = np.exp(x)
    np.testing.assert_allclose(fused[0], (-np.sin(np.sin(e)) * np.cos(e) + 2) * e, rtol=1e-12)


@pytest.mark.parametrize("req", ["write", "add"])
def test_grad_req_and_retain_graph_through_a_run(req):
    x = nd.array(np.linspace(-1, 1, 7), dtype="float64")
    x.attach_grad(grad_req=req)
    with ag.record():
        y = nd.tanh(nd.exp(x) * 0.3) + 2.0
    y.backward(retain_graph=True)
    y.backward()
    e = np.exp(x.asnumpy())
    g = (1 - np.tanh(0.3 * e) ** 2) * 0.3 * e
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * g if req == "add" else g, rtol=1e-12)
    with pytest.raises(mx.base.MXNetError, match="not in a computational graph"):
        y.backward()


def test_runs_leave_large_strided_and_float16_arrays_to_the_usual_path(monkeypatch):
    runs = _spy(monkeypatch)
    x = np.linspace(-1, 1, 12).astype(np.float16)
    fused, plain = _both(monkeypatch, lambda a: nd.exp(nd.sin(a)), [x])
    np.testing.assert_array_equal(fused, plain)
    assert runs == []

    a = nd.array(np.linspace(-1, 1, 12), dtype="float64")
    a.attach_grad()
    with ag.record():
        y = nd.exp(nd.sin(a))
    y.backward(retain_graph=True)  # builds both float64 backward kernels, whatever ran before
    nodes, _ = engine.collect([y._entry])
    dy = np.ones(24)
    assert elemwise.backward_chain(nodes[0], dy[::2], nodes, 0, {}) is None
    last, g = elemwise.backward_chain(nodes[0], dy[:12], nodes, 0, {})
    assert last is nodes[1] and g.shape == (12,)
    monkeypatch.setattr(mx.base.settings, "par_min", 12 * 8)  # exp's cost: parallel size
    assert elemwise.backward_chain(nodes[0], dy[:12], nodes, 0, {}) is None


def test_create_graph_does_not_take_the_short_path(monkeypatch):
    runs = _spy(monkeypatch)
    x = nd.array([0.5, 1.0], dtype="float64")
    x.attach_grad()
    with ag.record():
        y = nd.exp(nd.sin(x))
    (g,) = ag.grad(y, [x], create_graph=True)
    assert runs == []
    np.testing.assert_allclose(g.asnumpy(), np.exp(np.sin([0.5, 1.0])) * np.cos([0.5, 1.0]))


def test_runs_after_multi_output_and_binary_nodes_are_found(monkeypatch):
    # The engine's delivery code unpacks (node, output index) pairs: the run's position in
    # the walk must not be taken from them (a bug once made it skip runs or index past the end).
    def f(a):
        p, q, r = nd.split(a, num_outputs=3, axis=1)
        y = nd.exp(nd.sin(p) * 0.5)
        return y * r  # its gradient goes last to split's output 2

    x = np.random.RandomState(4).uniform(-1, 1, (2, 6))
    runs = _spy(monkeypatch)
    fused, plain = _both(monkeypatch, f, [x])
    np.testing.assert_array_equal(fused, plain)
    assert len(runs) == 1 and runs[0][0] - runs[0][1] == 2, runs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_integer_scalar_attributes_in_a_run(monkeypatch, dtype):
    # Int attributes reach the kernels as floats (exact up to 2**53), others as dt.type(v).
    def f(a):
        return nd.clip(nd.tanh(a * 3) - 2**60, -2**60 - 1, 7) / 16777217 + 2

    x = np.random.RandomState(5).uniform(-1, 1, (3, 4)).astype(dtype)
    runs = _spy(monkeypatch)
    fused, plain = _both(monkeypatch, f, [x])
    np.testing.assert_array_equal(fused, plain)
    assert len(runs) == 1 and runs[0][0] - runs[0][1] == 5, runs


def test_only_identity_gradients_skip_their_kernel_in_a_run():
    # passes_grad: the run keeps its buffer as this node's input gradient (dx = dy exactly).
    assert {n for n, op in UNIQUE.items() if op.passes_grad} == {"_plus_scalar", "_minus_scalar"}
