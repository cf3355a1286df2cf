"""The autograd engine: spec sections 2 and 4, with MXNet 1.9.1's answers pinned as literals."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag
from mxnb.base import MXNetError

nd = mx.nd

NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph"
NO_TARGET = "There are no inputs in computation graph that require gradients."
INPLACE = "Assigning to NDArrays that are already in a computational graph"


def var(values, req="write", dtype="float32"):
    x = nd.array(values, dtype=dtype)
    x.attach_grad(req)
    return x


def g(x):
    return x.grad.asnumpy().tolist()


# ---------------------------------------------------------------- spec 2.9 worked examples


def test_square_write_stays_the_same_over_runs():
    x = var([1, 2, 3])
    for _ in range(3):
        with ag.record():
            y = x * x
        y.backward()
        assert g(x) == [2, 4, 6]


def test_square_add_accumulates():
    x = var([1, 2, 3], "add")
    seen = []
    for _ in range(3):
        with ag.record():
            y = x * x
        y.backward()
        seen.append(g(x))
    assert seen == [[2, 4, 6], [4, 8, 12], [6, 12, 18]]


def test_head_gradient():
    x = var([1, 2, 3])
    with ag.record():
        y = x * x
    y.backward(nd.array([10, 100, 1000]))
    assert g(x) == [20, 400, 6000]


def test_two_heads():
    x = var([1, 2])
    with ag.record():
        a, b = 2 * x, x * x
    ag.backward([a, b])
    assert g(x) == [4, 6]


def test_sum_head():
    x = var([1, 2])
    with ag.record():
        s = (x * x).sum() if hasattr(nd.NDArray, "sum") else nd._sum_to(x * x, shape=(1,))
    s.backward()
    assert g(x) == [2, 4]


def test_two_times_x_squared():
    x = var([1, 2, 3])
    with ag.record():
        y = 2 * x ** 2
    y.backward()
    assert g(x) == [4, 8, 12]


def test_pause_makes_a_constant():
    x = var([1, 2])
    with ag.record():
        a = x * 2
        with ag.pause():
            b = a * 3
        c = b * x
    c.backward()
    assert g(x) == [6, 12]


def test_detach_makes_a_constant():
    x = var([1, 2])
    with ag.record():
        d = (x * 3).detach()
        w = d * x
    w.backward()
    assert g(x) == [3, 6]


def test_grad_of_product_wrt_both():
    x, w = var([1, 2]), var([3])
    with ag.record():
        y = x * w
    gw, gx = ag.grad([y], [w, x])
    assert gw.asnumpy().tolist() == [3] and gx.asnumpy().tolist() == [3, 3]


def test_heads_that_share_a_path():
    # y is a head and also feeds z: d(y + z)/dx = 2 + 8x (MXNet 1.9.1: [10, 18])
    x = var([1, 2])
    with ag.record():
        y = x * 2
        z = y * y
    ag.backward([y, z])
    assert g(x) == [10, 18]


def test_broadcast_gradients_are_summed_back():
    x, b = var([[1, 2], [3, 4]]), var([1, 2])
    with ag.record():
        y = nd.broadcast_mul(x, b)
    y.backward()
    assert g(x) == [[1, 2], [1, 2]] and g(b) == [4, 6]


def test_views_record():
    x = var([1, 2])
    with ag.record():
        y = x * x
        y3 = y.reshape((2, 1))[1]
    y3.backward()
    assert g(x) == [0, 4]


# ---------------------------------------------------------------- grad_req


def test_null_request_is_unmarked_after_a_backward_through_it():
    x, z = var([1, 2], "null"), var([1, 2])
    assert x.grad is not None and g(x) == [0, 0]
    with ag.record():
        y = x * z
    y.backward()
    assert x.grad is None      # Q3 [COPY]
    assert g(z) == [1, 2]


def test_null_request_alone_raises_and_stays_marked():
    x = var([1, 2], "null")
    with ag.record():
        y = x * x
    with pytest.raises(MXNetError, match=NO_TARGET):
        y.backward()
    assert x.grad is not None  # the error came before the clean-up


def test_null_request_kept_with_retain_graph():
    x, z = var([1, 2], "null"), var([1, 2])
    with ag.record():
        y = x * z
    y.backward(retain_graph=True)
    assert x.grad is not None


def test_bad_request_raises_key_error():
    x = nd.array([1, 2])
    with pytest.raises(KeyError, match="foo"):
        x.attach_grad("foo")


def test_reattach_replaces_buffer_and_request():
    x = var([1, 2])
    x.grad[:] = 7
    x.attach_grad("add")
    assert g(x) == [0, 0]
    for k in (1, 2):
        with ag.record():
            y = x * 2
        y.backward()
        assert g(x) == [2 * k, 2 * k]


@pytest.mark.parametrize("k", [1, 2, 5])
def test_add_over_k_passes_is_k_times_write(k):
    rng = np.random.RandomState(k)
    a, b = rng.uniform(0.5, 2, (3, 4)), rng.uniform(0.5, 2, (4,))

    def run(req, passes):
        x, w = var(a, req, "float64"), var(b, req, "float64")
        for _ in range(passes):
            with ag.record():
                y = nd.sigmoid(nd.broadcast_mul(x, w)) * nd.log(nd.broadcast_add(x, w))
            y.backward(nd.array(np.arange(12).reshape(3, 4), dtype="float64"))
        return x.grad.asnumpy(), w.grad.asnumpy()

    wx, ww = run("write", 1)
    ax, aw = run("add", k)
    np.testing.assert_allclose(ax, k * wx, rtol=1e-13)
    np.testing.assert_allclose(aw, k * ww, rtol=1e-13)


def test_zero_gradient_paths_write_zeros_and_add_nothing():
    for req, expect in (("write", [0, 0]), ("add", [7, 7])):
        x, w = var([1, -2], req), var([1, 2])
        x.grad[:] = 7
        with ag.record():
            y = nd.sign(x) + w * 2
        y.backward()
        assert g(x) == expect and g(w) == [2, 2]


def test_variables_not_reached_are_untouched():
    x, w = var([1, 2]), var([1, 2])
    w.grad[:] = 9
    with ag.record():
        y = x * 2
        _ = w * 3
    y.backward()
    assert g(x) == [2, 2] and g(w) == [9, 9]


def test_grad_buffer_is_a_new_object_sharing_memory():
    x = var([1, 2])
    assert x.grad is not x.grad
    with ag.record():
        y = x * 3
    y.backward()
    x.grad[:] = 0
    assert g(x) == [0, 0]
    assert nd.array([1, 2]).grad is None


def test_integer_arrays_get_integer_gradients():
    x = var([1, 2, 3], dtype="int32")
    with ag.record():
        y = x * x
    y.backward()
    assert x.grad.dtype == np.int32 and g(x) == [2, 4, 6]


# ---------------------------------------------------------------- retain_graph and release


def test_second_backward_needs_retain_graph():
    x = var([1, 2])
    with ag.record():
        y = x * x
    y.backward()
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_retain_graph_with_add_accumulates():
    x = var([1, 2], "add")
    with ag.record():
        z = 3 * x
    for _ in range(3):
        z.backward(retain_graph=True)
    assert g(x) == [9, 9]


def test_retained_graph_can_be_extended():
    x = var([1, 2])
    with ag.record():
        y = x * x
    y.backward(retain_graph=True)
    with ag.record():
        z = y * 3
    z.backward()
    assert g(x) == [6, 12]


def test_a_graph_freed_through_another_head_raises():
    x = var([1, 2])
    with ag.record():
        y = x * 2
        z1 = y * 3
        z2 = y * 4 + x
    z1.backward()
    # MXNet 1.9.1 fails with an internal "any container is empty" error here [FIX]
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        z2.backward()


def test_a_released_result_used_later_is_a_constant():
    x = var([1, 2])
    with ag.record():
        y = x * 2
        z = y * 3
    z.backward()
    with ag.record():
        w = y * 4 + x
    w.backward()
    assert g(x) == [1, 1]   # MXNet 1.9.1: [1. 1.]
    y += 1                   # no longer in a graph: allowed even while recording
    with ag.record():
        y += 1


def test_grad_without_retain_frees_the_graph():
    x = var([1, 2])
    with ag.record():
        y = x * 2
    ag.grad(y, [x])
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_grad_with_retain_then_backward():
    x = var([1, 2])
    with ag.record():
        y = x * 2
    (gx,) = ag.grad(y, [x], retain_graph=True)
    y.backward()
    assert gx.asnumpy().tolist() == [2, 2] and g(x) == [2, 2]


# ---------------------------------------------------------------- head gradients


def test_head_gradient_length_mismatch():
    x = var([1, 2])
    with ag.record():
        y = x * 2
    with pytest.raises(AssertionError, match="heads and head_grads must be lists of the same length"):
        ag.backward([y], [None, None])


@pytest.mark.parametrize("shape", [(3,), (2, 1), (1,)])
def test_head_gradient_shape_is_checked(shape):
    # MXNet 1.9.1 silently reads the wrong-sized buffer (Q4) [FIX]
    x = var([1, 2])
    with ag.record():
        y = x * 2
    with pytest.raises(MXNetError, match="head gradient"):
        y.backward(nd.ones(shape))
    with pytest.raises(MXNetError, match="head gradient"):
        ag.grad(y, [x], head_grads=[nd.ones(shape)])
    y.backward(nd.array([1, 3]))   # the failed calls left the graph in place
    assert g(x) == [2, 6]


def test_none_head_gradients_mean_ones():
    x = var([1, 2])
    with ag.record():
        a, b = x * 2, x * 3
    ag.backward([a, b], [None, nd.array([10, 10])])
    assert g(x) == [32, 32]


def test_a_marked_variable_as_head():
    x = var([1, 2])
    x.backward()
    assert g(x) == [1, 1]
    (gx,) = ag.grad(x, [x], head_grads=nd.array([3, 4]))
    assert gx.asnumpy().tolist() == [3, 4]


def test_train_mode_of_the_backward_pass():
    seen = []

    class Probe(ag.Function):
        def forward(self, a):
            return a * 1

        def backward(self, dy):
            seen.append((ag.is_recording(), ag.is_training()))
            return dy

    for mode in (True, False):
        x = var([1, 2])
        with ag.record():
            z = Probe()(x)
        z.backward(train_mode=mode)
    assert seen == [(False, True), (False, False)]
    assert (ag.is_recording(), ag.is_training()) == (False, False)


# ---------------------------------------------------------------- grad()


def test_grad_returns_a_list_and_leaves_buffers_alone():
    x = var([1, 2])
    x.grad[:] = 7
    with ag.record():
        y = x * 2
    res = ag.grad(y, x)          # a single NDArray variable still gives a list (Q1)
    assert isinstance(res, list) and len(res) == 1
    assert res[0].asnumpy().tolist() == [2, 2] and g(x) == [7, 7]


def test_grad_results_are_new_arrays():
    x = var([1, 2])
    hg = nd.array([5, 6])
    with ag.record():
        y = x + 1
    (gx,) = ag.grad(y, [x], head_grads=hg)
    gx[:] = 0
    assert hg.asnumpy().tolist() == [5, 6]


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


# ---------------------------------------------------------------- failures leave things as they were


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


# ---------------------------------------------------------------- backward inside record, detach, attach


def test_backward_inside_record():
    x = var([1, 2])
    with ag.record():
        y = x * x
        y.backward()
        assert (ag.is_recording(), ag.is_training()) == (True, True)
        z = x * 5
    assert g(x) == [2, 4]
    z.backward()
    assert g(x) == [5, 5]


def test_detach_shares_memory_and_has_no_history():
    x = var([1, 2])
    with ag.record():
        y = x * 2
        d = y.detach()
        d += 1                      # not in a graph: allowed, and visible through y
        w = d * x
    assert y.asnumpy().tolist() == [3, 5]
    w.backward()
    assert g(x) == [3, 5]
    assert x.detach().grad is None


def test_attach_grad_on_a_recorded_result_cuts_its_history():
    x = var([1, 2])
    with ag.record():
        y = x * 2
    y.attach_grad()
    with ag.record():
        z = y * 3
    z.backward()
    assert g(x) == [0, 0] and g(y) == [3, 3]


def test_attach_grad_inside_record():
    x = var([1, 2])
    with ag.record():
        y = x * 2
        y.attach_grad()
        assert g(y) == [0, 0]
        z = y * y
    z.backward()
    assert g(y) == [4, 8] and g(x) == [0, 0]


def test_accumulation_never_writes_into_an_aliased_gradient():
    class Both(ag.Function):
        # hands the same gradient object to both inputs
        def forward(self, a, b):
            return a + b

        def backward(self, dy):
            return dy, dy

    x = var([1.0, 2.0], dtype="float64")
    with ag.record():
        a = x * 3
        b = nd.exp(x)
        s = Both()(a, b)
        t = s * 1 + s * 2 + s     # three contributions to s's gradient: a sum the engine owns
        u = t + a * 5 + b * 7     # a and b get more contributions after the aliased ones
    u.backward()
    xs = np.array([1.0, 2.0])
    # du/ds = 4; du/da = 4 + 5; du/db = 4 + 7
    np.testing.assert_allclose(g(x), 9 * 3 + 11 * np.exp(xs))


def test_many_contributions_to_one_variable():
    x = var([1.0, 2.0], dtype="float64")
    with ag.record():
        y = x * 1 + x * 2 + nd._copy(x) + x + nd.broadcast_to(x.reshape((1, 2)), shape=(3, 2))
    y.backward()
    assert g(x) == [18.0, 18.0]   # (1 + 2 + 1 + 1) summed over 3 broadcast rows, + 3
