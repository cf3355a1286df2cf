"""mx.operator.CustomOp / CustomOpProp / register and mx.nd.Custom, pinned against MXNet 1.9.1.

Every literal here was printed by MXNet 1.9.1 running the same code.
"""
import json

import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError

nd = mx.nd
LOG = []


@pytest.fixture(autouse=True)
def _clear_log():
    LOG.clear()
    yield
    LOG.clear()


# ---------------------------------------------------------------- the ops under test


class Sigmoid(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        LOG.append(("forward", is_train, list(req), mx.autograd.is_recording()))
        y = 1.0 / (1.0 + nd.exp(-in_data[0]))
        self.assign(out_data[0], req[0], y)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("backward", list(req), mx.autograd.is_recording(),
                    mx.autograd.is_training(), in_grad[0].asnumpy().tolist()))
        y = out_data[0]
        self.assign(in_grad[0], req[0], out_grad[0] * y * (1 - y))


@mx.operator.register("test_sigmoid")
class SigmoidProp(mx.operator.CustomOpProp):
    def __init__(self, **kwargs):
        LOG.append(("__init__", kwargs))
        super().__init__(need_top_grad=True)

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        LOG.append(("declare_backward_dependency", out_grad, in_data, out_data))
        return super().declare_backward_dependency(out_grad, in_data, out_data)

    def infer_shape(self, in_shape):
        LOG.append(("infer_shape", in_shape))
        return in_shape, [in_shape[0]], []

    def infer_type(self, in_type):
        LOG.append(("infer_type", in_type))
        return super().infer_type(in_type)

    def create_operator(self, ctx, shapes, dtypes):
        LOG.append(("create_operator", ctx, shapes, dtypes))
        return Sigmoid()


class MulAdd(mx.operator.CustomOp):
    """(a*b, a+b)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        a, b = in_data
        self.assign(out_data[0], req[0], a * b)
        self.assign(out_data[1], req[1], a + b)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("backward", list(req), [g.asnumpy().tolist() for g in out_grad]))
        a, b = in_data
        self.assign(in_grad[0], req[0], out_grad[0] * b + out_grad[1])
        self.assign(in_grad[1], req[1], out_grad[0] * a + out_grad[1])


@mx.operator.register("test_muladd")
class MulAddProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["prod", "sum"]

    def infer_shape(self, s):
        return s, [s[0], s[0]]

    def create_operator(self, ctx, shapes, dtypes):
        return MulAdd()


class Accumulate(mx.operator.CustomOp):
    """y = 2x + total, where the auxiliary state `total` first grows by sum(x)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        LOG.append(("forward", [a.asnumpy().tolist() for a in aux]))
        aux[0][:] += in_data[0].sum()
        self.assign(out_data[0], req[0], in_data[0] * 2 + aux[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("backward", list(req), [a.asnumpy().tolist() for a in aux], len(in_grad)))
        self.assign(in_grad[0], req[0], out_grad[0] * 2)


@mx.operator.register("test_acc")
class AccumulateProp(mx.operator.CustomOpProp):
    def list_auxiliary_states(self):
        return ["total"]

    def infer_shape(self, s):
        LOG.append(("infer_shape", s))
        return s, [s[0]], [[1]]

    def create_operator(self, ctx, shapes, dtypes):
        LOG.append(("create_operator", shapes, dtypes))
        return Accumulate()


class SoftmaxCE(mx.operator.CustomOp):
    """Softmax forward; backward is softmax - onehot(label), ignoring out_grad (a loss)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.assign(out_data[0], req[0], nd.array(e / e.sum(axis=1, keepdims=True)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        g = out_grad[0]
        LOG.append(("backward", list(req), len(out_grad), g.shape, g.dtype, g.stype))
        with pytest.raises(MXNetError, match="Shape is unknown"):
            g.asnumpy()
        lab = in_data[1].asnumpy().astype(int)
        y = out_data[0].asnumpy()
        y[np.arange(lab.shape[0]), lab] -= 1.0
        self.assign(in_grad[0], req[0], nd.array(y))
        self.assign(in_grad[1], req[1], nd.zeros_like(in_data[1]))


@mx.operator.register("test_softmax_ce")
class SoftmaxCEProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def infer_shape(self, s):
        return [s[0], [s[0][0]]], [s[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return SoftmaxCE()


class Faulty(mx.operator.CustomOp):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, is_train, req, in_data, out_data, aux):
        if self.mode == "fwd":
            raise ValueError("boom fwd")
        self.assign(out_data[0], req[0], in_data[0] * 2)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        if self.mode == "bwd":
            raise ValueError("boom bwd")
        self.assign(in_grad[0], req[0], out_grad[0] * 2)


@mx.operator.register("test_faulty")
class FaultyProp(mx.operator.CustomOpProp):
    def __init__(self, mode="ok"):
        super().__init__()
        self.mode = mode

    def infer_shape(self, s):
        if self.mode == "shape":
            raise RuntimeError("boom shape")
        if self.mode == "shape2":
            return s, [s[0], s[0]], []
        return s, [s[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return Faulty(self.mode)


def _calls():
    return [e[0] for e in LOG]


# ---------------------------------------------------------------- the sigmoid example


def test_sigmoid_forward_and_gradient_match_numpy_and_mxnet():
    xv = np.array([0.0, 1.0, -2.5, 4.0])
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, op_type="test_sigmoid")
    y.backward()
    ref = 1 / (1 + np.exp(-xv))
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-6)
    # 1 - y cancels in float32 where y is near 1: exact from the float32 y, close to float64
    y64 = y.asnumpy().astype(np.float64)
    np.testing.assert_allclose(x.grad.asnumpy(), y64 * (1 - y64), rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), ref * (1 - ref), rtol=1e-5)
    # MXNet 1.9.1 on [0, 1]: y [0.5 0.7310586], x.grad [0.25 0.19661193]
    np.testing.assert_array_equal(y.asnumpy()[:2], np.float32([0.5, 0.7310586]))
    np.testing.assert_array_equal(x.grad.asnumpy()[:2], np.float32([0.25, 0.19661193]))
    assert isinstance(y, nd.NDArray) and y.dtype == np.float32


def test_call_order_and_arguments_as_in_mxnet():
    x = nd.array([0.0, 1.0])
    y = nd.Custom(x, op_type="test_sigmoid")
    assert _calls() == ["__init__", "declare_backward_dependency", "infer_shape", "infer_type",
                        "create_operator", "forward"]
    assert LOG[1][1:] == ([0], [1], [2])       # out_grad, in_data, out_data ids
    assert LOG[2][1] == [[2]]                  # shapes as lists
    assert LOG[3][1] == [np.float32]           # numpy type classes
    ctx, shapes, dtypes = LOG[4][1:]
    assert isinstance(ctx, mx.Context) and ctx == mx.cpu(0)
    assert shapes == [[2]] and dtypes == [0]   # MXNet's type flags
    assert LOG[5] == ("forward", 0, ["write"], False)
    np.testing.assert_array_equal(y.asnumpy(), np.float32([0.5, 0.7310586]))


@pytest.mark.parametrize("dtype,flag", [("float64", 1), ("float16", 2), ("int32", 4)])
def test_dtype_flags_and_output_dtype(dtype, flag):
    y = nd.Custom(nd.array([1, 2], dtype=dtype), op_type="test_sigmoid")
    assert LOG[4][3] == [flag]
    assert y.dtype == np.dtype(dtype).type
    if dtype == "int32":
        np.testing.assert_array_equal(y.asnumpy(), [1, 1])       # MXNet: [1 1]
    elif dtype == "float16":
        np.testing.assert_array_equal(y.asnumpy(), np.float16([0.731, 0.8804]))


def test_kwargs_reach_the_prop_as_strings():
    nd.Custom(nd.array([0.0]), op_type="test_sigmoid", a=1, b=2.5, c=(1, 2), d=True, e=None,
              f="s")
    assert LOG[0] == ("__init__", {"a": "1", "b": "2.5", "c": "(1, 2)", "d": "True",
                                   "e": "None", "f": "s"})


def test_get_symbol_shows_the_custom_node_with_its_attributes():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, op_type="test_sigmoid", b=2.5, a=(1, 2), name="foo")
    node = json.loads(mx.autograd.get_symbol(y).tojson())["nodes"][1]
    # MXNet 1.9.1: {"op": "Custom", "name": "node_<k>", "attrs": {"a": "(1, 2)", "b": "2.5",
    # "op_type": "test_sigmoid"}, "inputs": [[0, 0, 0]]}
    assert node["op"] == "Custom" and node["inputs"] == [[0, 0, 0]]
    assert node["attrs"] == {"a": "(1, 2)", "b": "2.5", "op_type": "test_sigmoid"}


@pytest.mark.parametrize("scope,is_train", [
    ("none", 0), ("record", 1), ("record_predict", 0), ("train_mode", 1), ("pause", 0)])
def test_is_train_follows_the_training_flag(scope, is_train):
    x = nd.array([0.0, 1.0])
    x.attach_grad()
    scopes = {"none": lambda: _Null(), "record": mx.autograd.record,
              "record_predict": lambda: mx.autograd.record(train_mode=False),
              "train_mode": mx.autograd.train_mode}
    if scope == "pause":
        with mx.autograd.record(), mx.autograd.pause():
            nd.Custom(x, op_type="test_sigmoid")
    else:
        with scopes[scope]():
            nd.Custom(x, op_type="test_sigmoid")
    fwd = [e for e in LOG if e[0] == "forward"]
    assert fwd == [("forward", is_train, ["write"], False)]


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_backward_runs_unrecorded_in_training_mode_with_write():
    x = nd.array([0.0, 1.0])
    x.attach_grad()
    with mx.autograd.record(train_mode=False):
        y = nd.Custom(x, op_type="test_sigmoid")
    y.backward()
    assert LOG[-1] == ("backward", ["write"], False, True, [0.0, 0.0])
    np.testing.assert_array_equal(x.grad.asnumpy(), np.float32([0.25, 0.19661193]))


def test_grad_req_add_accumulates():
    x = nd.array([0.0, 1.0])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with mx.autograd.record():
            y = nd.Custom(x, op_type="test_sigmoid")
        y.backward(nd.array([2.0, 3.0]))
    # MXNet 1.9.1: [1. 1.1796715], and backward saw req ['add'] both times
    np.testing.assert_allclose(x.grad.asnumpy(), np.float32([1.0, 1.1796715]), rtol=1e-7)
    assert [e[1] for e in LOG if e[0] == "backward"] == [["add"], ["add"]]


def test_chained_with_builtin_ops_and_retain_graph():
    xv = np.array([0.3, -1.2])
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x * 2, op_type="test_sigmoid") * 3
    y.backward(retain_graph=True)
    s = 1 / (1 + np.exp(-2 * xv))
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * s * (1 - s), rtol=1e-6)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * s * (1 - s), rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), [1.3727054595947266, 0.4575299918651581],
                               rtol=1e-6)  # MXNet 1.9.1
    dx = mx.autograd.grad  # the functional form goes through the same node
    x2 = nd.array(xv)
    x2.attach_grad()
    with mx.autograd.record():
        z = nd.Custom(x2, op_type="test_sigmoid")
    g, = dx([z], [x2])
    s = 1 / (1 + np.exp(-xv))
    np.testing.assert_allclose(g.asnumpy(), s * (1 - s), rtol=1e-6)
    np.testing.assert_allclose(g.asnumpy(), [0.24445831775665283, 0.1778944432735443],
                               rtol=1e-6)  # MXNet 1.9.1


# ---------------------------------------------------------------- several inputs and outputs


def test_two_inputs_two_outputs_one_constant():
    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    a.attach_grad()
    with mx.autograd.record():
        p, s = nd.Custom(a, b, op_type="test_muladd")
        loss = p * 2
    np.testing.assert_array_equal(p.asnumpy(), [3.0, 8.0])
    np.testing.assert_array_equal(s.asnumpy(), [4.0, 6.0])
    loss.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [6.0, 8.0])
    # the constant b gets req 'null'; the unused output's out_grad is zeros
    assert LOG == [("backward", ["write", "null"], [[2.0, 2.0], [0.0, 0.0]])]


def test_two_inputs_two_outputs_both_variables():
    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        p, s = nd.Custom(a, b, op_type="test_muladd")
        loss = (p * 2 + s * 3).sum()
    loss.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [9.0, 11.0])
    np.testing.assert_array_equal(b.grad.asnumpy(), [5.0, 7.0])
    with mx.autograd.record():
        p, s = nd.Custom(a * 1, b, op_type="test_muladd")  # an intermediate input: 'write'
    s.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [1.0, 1.0])
    np.testing.assert_array_equal(b.grad.asnumpy(), [1.0, 1.0])
    assert LOG[-1] == ("backward", ["write", "write"], [[0.0, 0.0], [1.0, 1.0]])


def test_several_outputs_return_a_list():
    r = nd.Custom(nd.array([1.0]), nd.array([2.0]), op_type="test_muladd")
    assert isinstance(r, list) and len(r) == 2


# ---------------------------------------------------------------- auxiliary states


def test_auxiliary_state_is_updated_in_place_and_gets_no_gradient():
    x, total = nd.array([1.0, 2.0]), nd.zeros((1,))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, total, op_type="test_acc")
    np.testing.assert_array_equal(y.asnumpy(), [5.0, 7.0])
    np.testing.assert_array_equal(total.asnumpy(), [3.0])
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 2.0])
    assert LOG == [("infer_shape", [[2]]), ("create_operator", [[2], [1]], [0, 0]),
                   ("forward", [[0.0]]), ("backward", ["write"], [[3.0]], 1)]


def test_missing_auxiliary_state_is_an_error():
    with pytest.raises(MXNetError, match=r"Operator Custom expects 2 inputs, but got 1 instead"):
        nd.Custom(nd.array([1.0]), op_type="test_acc")


# ---------------------------------------------------------------- a loss: need_top_grad=False


SCE_X = [[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]
SCE_OUT = [[0.09003057, 0.24472846, 0.66524094], [0.66524094, 0.24472846, 0.09003057]]
SCE_GRAD = [[0.09003057330846786, 0.2447284609079361, -0.33475905656814575],
            [-0.33475905656814575, 0.2447284609079361, 0.09003057330846786]]


@pytest.mark.parametrize("head", ["none", "five", "chained"])
def test_loss_ignores_head_gradient(head):
    x, lab = nd.array(SCE_X), nd.array([2, 0])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, lab, op_type="test_softmax_ce")
        z = y * 3
    np.testing.assert_allclose(y.asnumpy(), SCE_OUT, rtol=1e-6)
    if head == "none":
        y.backward()
    elif head == "five":
        y.backward(nd.ones((2, 3)) * 5)
    else:
        z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.float32(SCE_GRAD))
    xv = np.array(SCE_X)
    p = np.exp(xv) / np.exp(xv).sum(axis=1, keepdims=True)
    p[[0, 1], [2, 0]] -= 1
    np.testing.assert_allclose(x.grad.asnumpy(), p, rtol=1e-6)
    # out_grad holds one array of unknown shape (shape (), dtype None), as in MXNet
    assert LOG == [("backward", ["write", "null"], 1, (), None, "undefined")]


def test_loss_label_variable_gets_its_gradient():
    x, lab = nd.array(SCE_X), nd.array([2, 0])
    x.attach_grad()
    lab.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, lab, op_type="test_softmax_ce")
    y.backward()
    assert LOG[0][1] == ["write", "write"]
    np.testing.assert_array_equal(lab.grad.asnumpy(), [0.0, 0.0])


# ---------------------------------------------------------------- bad input


def test_unknown_and_missing_op_type():
    x = nd.array([1.0])
    with pytest.raises(MXNetError, match="Cannot find custom operator nope"):
        nd.Custom(x, op_type="nope")
    with pytest.raises(MXNetError, match="Required argument `op_type` is missing."):
        nd.Custom(x)


def test_wrong_inputs():
    x = nd.array([1.0, 2.0])
    with pytest.raises(MXNetError, match="Operator Custom expects 1 inputs, but got 2 instead."):
        nd.Custom(x, x, op_type="test_faulty")
    with pytest.raises(AssertionError,
                       match=r"Positional arguments must have NDArray type, but got \[1, 2\]"):
        nd.Custom([1, 2], op_type="test_faulty")
    with pytest.raises(MXNetError, match="unexpected keyword argument 'zzz'"):
        nd.Custom(x, op_type="test_faulty", zzz=3)  # (MXNet 1.9.1 crashes here)


def test_infer_shape_errors():
    x = nd.array([1.0, 2.0])
    with pytest.raises(MXNetError, match="boom shape"):
        nd.Custom(x, op_type="test_faulty", mode="shape")
    with pytest.raises(MXNetError, match="InferShape Error: expecting 1 entries in returned "
                                         "output shapes, got 2."):
        nd.Custom(x, op_type="test_faulty", mode="shape2")


def test_forward_error_leaves_the_tape_unchanged():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        with pytest.raises(MXNetError, match="Error in CustomOp.forward: ValueError: boom fwd"):
            nd.Custom(x, op_type="test_faulty", mode="fwd")
        assert mx.autograd.is_recording()
        y = x * 3
    assert x._entry is None
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [3.0, 3.0])


def test_backward_error_is_raised():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Custom(x, op_type="test_faulty", mode="bwd")
    with pytest.raises(MXNetError, match="Error in CustomOp.backward: ValueError: boom bwd"):
        y.backward()
    assert not mx.autograd.is_recording()


def test_name_is_accepted_and_out_is_written():
    x = nd.array([1.0, 2.0])
    np.testing.assert_array_equal(nd.Custom(x, op_type="test_faulty", name="foo").asnumpy(),
                                  [2.0, 4.0])
    o = nd.zeros((2,))
    r = nd.Custom(x, op_type="test_faulty", out=o)
    assert r is o
    np.testing.assert_array_equal(o.asnumpy(), [2.0, 4.0])


def test_assign_honours_req():
    op = mx.operator.CustomOp()
    d = nd.array([1.0, 2.0])
    op.assign(d, "null", nd.array([5.0, 5.0]))
    np.testing.assert_array_equal(d.asnumpy(), [1.0, 2.0])
    op.assign(d, "add", nd.array([5.0, 5.0]))
    np.testing.assert_array_equal(d.asnumpy(), [6.0, 7.0])
    op.assign(d, "write", nd.array([0.5, 0.5]))
    np.testing.assert_array_equal(d.asnumpy(), [0.5, 0.5])
    op.assign(d, "inplace", nd.array([1.5, 2.5]))
    np.testing.assert_array_equal(d.asnumpy(), [1.5, 2.5])


def test_prop_defaults():
    prop = mx.operator.CustomOpProp()
    assert prop.list_arguments() == ["data"] and prop.list_outputs() == ["output"]
    assert prop.list_auxiliary_states() == []
    assert prop.infer_type([np.float16]) == ([np.float16], [np.float16], [])
    assert prop.infer_storage_type(["default"]) == (["default"], ["default"], [])
    assert prop.declare_backward_dependency([0], [1], [2]) == [0, 1, 2]
    assert mx.operator.CustomOpProp(need_top_grad=False).declare_backward_dependency(
        [0], [1], [2]) == [1, 2]
    assert isinstance(prop.create_operator(mx.cpu(), [[1]], [0]), mx.operator.CustomOp)
    assert mx.operator.register("test_plain")(mx.operator.CustomOpProp) \
        is mx.operator.CustomOpProp
