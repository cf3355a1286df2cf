"""Autograd errors: the catalogue of spec section 4 (message substrings as MXNet 1.9.1 prints
them), in-place rules while recording, failures that must leave the tape as it was, and
mark_variables with its argument checks (spec 2.4)."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag
from mxnb.base import MXNetError

nd = mx.nd

NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph"
INPLACE = "Assigning to NDArrays that are already in a computational graph"


def var(values, req="write", dtype="float32"):
    x = nd.array(values, dtype=dtype)
    x.attach_grad(req)
    return x


def g(x):
    return x.grad.asnumpy().tolist()


# ---------------------------------------------------------------- error catalogue (spec 4)


def test_backward_on_an_unrecorded_head():
    x = var([1, 2])
    y = x * 2
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()
    with ag.record():
        z = nd.array([1, 2]) * 2   # no input in a graph: nothing recorded
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        z.backward()
    with ag.record():
        w = x.detach() * 2
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        w.backward()


def test_the_full_messages():
    x = var([1, 2])
    with pytest.raises(MXNetError) as e:
        (x * 2).backward()
    assert ("You need to set is_recording to true or use autograd.record() to save "
            "computational graphs for backward. If you want to differentiate the same graph "
            "twice, you need to pass retain_graph=True to backward.") in str(e.value)
    with pytest.raises(MXNetError) as e:
        with ag.record():
            y = x * 2
            y += 1
    assert ("Please call backward first to clear the graph or do this out side of a record "
            "section. Also note that you cannot use inplace operations like +=, *=, "
            "relu(x, out=x), y[idx]=x, etc inside a record section.") in str(e.value)


def test_grad_variable_errors():
    x, z = var([1, 2]), var([1, 2])
    n = var([1, 2], "null")
    with ag.record():
        y = x * 2 + n
    with pytest.raises(MXNetError, match="Cannot differentiate with respect to the 2-th variable "
                                         "because it does not require gradient."):
        ag.grad(y, [x, nd.array([1, 2])], retain_graph=True)
    with pytest.raises(MXNetError, match="Cannot differentiate with respect to the 1-th variable "
                                         "because it does not require gradient."):
        ag.grad(y, [n], retain_graph=True)
    with pytest.raises(MXNetError, match="Cannot differentiate with respect to the 2-th variable "
                                         "because it is unreachable from the outputs."):
        ag.grad(y, [x, z], retain_graph=True)
    with pytest.raises(AssertionError, match="variables cannot be an empty list."):
        ag.grad(y, [])


@pytest.mark.parametrize("how", ["iadd", "setitem", "setitem_var", "out", "imul"])
def test_in_place_on_graph_arrays_while_recording(how):
    x = var([1, 2])
    with ag.record():
        y = x * 2
        with pytest.raises(MXNetError, match=INPLACE):
            if how == "iadd":
                y += 1
            elif how == "imul":
                y *= 2
            elif how == "setitem":
                y[0] = 5
            elif how == "setitem_var":
                x[:] = 5
            else:
                nd.relu(nd.array([1, 2]), out=y)
    assert y.asnumpy().tolist() == [2, 4] and x.asnumpy().tolist() == [1, 2]
    y.backward()
    assert g(x) == [2, 2]


def test_in_place_outside_record_keeps_the_variable():
    x = var([1, 2])
    with ag.record():
        y = x * x
    y.backward()
    x[:] = x - 0.5 * x.grad
    x -= 0.1 * x.grad
    with ag.record():
        y = x * x
    y.backward()
    np.testing.assert_allclose(g(x), [-0.4, -0.8], rtol=1e-6)


def test_out_into_a_constant_records_it():
    x, c = var([1, -2]), nd.array([1, 2])
    with ag.record():
        nd.relu(x, out=c)
    c.backward()
    assert g(x) == [1, 0]


# ---------------------------------------------------------------- failures leave things alone


def test_failed_op_inside_record_leaves_tape_and_arrays_unchanged():
    x = var([1, 2])
    with ag.record():
        y = x * 3
        before = ag.get_symbol(y).tojson()
        with pytest.raises(MXNetError):
            nd.elemwise_add(y, nd.ones((3,)))
        bad_out = nd.array([7, 7, 7])
        with pytest.raises(MXNetError):
            nd.exp(y, out=bad_out)
        with pytest.raises(TypeError):
            nd.exp(y, foo=1)
    assert bad_out.asnumpy().tolist() == [7, 7, 7]
    assert y.asnumpy().tolist() == [3, 6]
    assert ag.get_symbol(y).tojson() == before
    y.backward()
    assert g(x) == [3, 3]


def test_failed_backward_restores_flags_and_keeps_the_graph():
    class Boom(ag.Function):
        def forward(self, a):
            return a * 1

        def backward(self, dy):
            raise RuntimeError("boom")

    x = var([1, 2])
    with ag.record():
        y = Boom()(x)
        z = y * 2
    with pytest.raises(MXNetError, match="boom"):
        z.backward(train_mode=True)
    assert (ag.is_recording(), ag.is_training()) == (False, False)


def _probe_op(with_vjp):
    """An unregistered op with a fused backward and, optionally, a VJP (doubling)."""
    from mxnb.ops.registry import Op

    return Op("_probe_double", ("data",),
              infer=lambda op, inputs, attrs: [(inputs[0].shape, np.dtype(inputs[0].dtype))],
              forward=lambda op, ins, outs, attrs: np.multiply(ins[0], 2, out=outs[0]),
              backward=lambda op, dys, ins, outs, attrs: [dys[0] * 2],
              vjp=(lambda op, dys, ins, outs, attrs: [dys[0] * 2]) if with_vjp else None)


def test_an_op_without_a_vjp_cannot_be_differentiated_with_create_graph():
    from mxnb.ops.invoke import invoke

    op = _probe_op(False)
    x = var([1.0, 2.0])
    with ag.record():
        y = invoke(op, [x], {})
    with pytest.raises(MXNetError, match="is non-differentiable because it didn't register "
                                         "FGradient attribute."):
        ag.grad(y, [x], create_graph=True)
    (gx,) = ag.grad(y, [x])   # the fused backward still works
    assert gx.asnumpy().tolist() == [2, 2]
    with ag.record():
        y = invoke(_probe_op(True), [x], {})
    (gx,) = ag.grad(y, [x], create_graph=True)
    assert gx.asnumpy().tolist() == [2, 2]


# ---------------------------------------------------------------- mark_variables


def test_mark_variables_uses_the_given_buffer():
    x, gbuf = nd.array([1, 2]), nd.array([100, 100])
    ag.mark_variables(x, gbuf, "add")
    with ag.record():
        y = x * x
    y.backward()
    assert g(x) == [102, 104] and gbuf.asnumpy().tolist() == [102, 104]


def test_mark_variables_lists_and_requests():
    a, b = nd.array([1, 2]), nd.array([3, 4])
    ga, gb = nd.zeros((2,)), nd.zeros((2,))
    ag.mark_variables([a, b], [ga, gb], ["write", "null"])
    with ag.record():
        y = a * b
    y.backward()
    assert ga.asnumpy().tolist() == [3, 4] and gb.asnumpy().tolist() == [0, 0]
    assert b.grad is None   # null request un-marked after the pass


def test_mark_variables_errors():
    x, gbuf = nd.array([1, 2]), nd.zeros((2,))
    with pytest.raises(AssertionError):
        ag.mark_variables(x, [gbuf])
    with pytest.raises(KeyError, match="zz"):
        ag.mark_variables([x], [gbuf], "zz")
    # MXNet 1.9.1 crashes on a length mismatch (Q5) [FIX]
    with pytest.raises(ValueError, match="2 variables but 1 gradients"):
        ag.mark_variables([x, nd.array([1])], [gbuf])
    with pytest.raises(ValueError, match="grad_reqs"):
        ag.mark_variables([x], [gbuf], ["write", "add"])
    with pytest.raises(MXNetError, match="shape"):
        ag.mark_variables([x], [nd.zeros((3,))])
    with pytest.raises(MXNetError, match="dtype"):
        ag.mark_variables([x], [nd.zeros((2,), dtype="float64")])
