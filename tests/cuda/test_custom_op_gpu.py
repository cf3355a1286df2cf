"""mx.nd.Custom on mx.gpu(): outputs, gradients and auxiliary states stay on the device."""
import numpy as np

import mxnb as mx

GPU = mx.gpu(0)


class _Scale(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        aux[0][:] += 1
        self.assign(out_data[0], req[0], in_data[0] * in_data[0] * 3)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * in_data[0] * 6)


@mx.operator.register("test_gpu_square3")
class _ScaleProp(mx.operator.CustomOpProp):
    def list_auxiliary_states(self):
        return ["count"]

    def infer_shape(self, s):
        return s, [s[0]], [[1]]

    def create_operator(self, ctx, shapes, dtypes):
        assert ctx == GPU
        assert mx.current_context() == mx.cpu()  # only forward/backward run under ctx
        return _Scale()


def test_custom_op_on_the_device():
    xv = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    x = mx.nd.array(xv, ctx=GPU)
    count = mx.nd.zeros((1,), ctx=GPU)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, count, op_type="test_gpu_square3")
    y.backward(mx.nd.array([1.0, 2.0, 3.0], ctx=GPU))
    assert y.context == GPU and x.grad.context == GPU
    assert not isinstance(y._data, np.ndarray) and not isinstance(x.grad._data, np.ndarray)
    np.testing.assert_allclose(y.asnumpy(), 3 * xv.astype(np.float64) ** 2, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * xv.astype(np.float64) * [1, 2, 3],
                               rtol=1e-6)
    np.testing.assert_array_equal(count.asnumpy(), [1.0])
