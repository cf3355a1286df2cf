"""`python -m mxnb.demo`: a short tour of mxnb, MXNet 1.x code running unchanged."""
import time


def main():
    t0 = time.perf_counter()
    import mxnb as mx

    print("\n# NDArrays and ops, printed as MXNet prints them")
    x = mx.nd.ones((2,))
    print("mx.nd.exp(mx.nd.ones((2,))) ->", mx.nd.exp(x))
    a = mx.nd.arange(6).reshape((2, 3))
    b = mx.nd.array([10, 20, 30])
    print("a + b (broadcast) ->", a + b)
    print("mx.nd.sigmoid(a) * 2 - 1 ->", mx.nd.sigmoid(a) * 2 - 1)

    print("\n# NumPy interop: zero-copy views, NumPy functions run mxnb kernels")
    import numpy as np

    view = np.asarray(a)
    view[0, 0] = 100
    print("np.asarray(a) is a zero-copy view: after view[0, 0] = 100, a[0, 0] ->", a[0, 0])
    print("np.exp(a) is an NDArray:", type(np.exp(a)).__name__)

    print("\n# autograd: the seed example, second derivatives included")
    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    dx = mx.autograd.grad(z, [x], create_graph=True)
    print("mx.autograd.grad(exp(x) + x, [x], create_graph=True) ->", dx)
    dx[0].backward()
    print("second derivative e^x written into x.grad ->", x.grad)

    class sigmoid(mx.autograd.Function):
        def forward(self, x):
            y = 1 / (1 + mx.nd.exp(-x))
            self.save_for_backward(y)
            return y

        def backward(self, dy):
            y, = self.saved_tensors
            return dy * y * (1 - y)

    x = mx.nd.array([0.5, 1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        m = sigmoid()(x)
    m.backward()
    print("custom Function sigmoid: x.grad ->", x.grad)
    _tour_extras(mx)
    print(f"\ndemo done in {time.perf_counter() - t0:.2f} s")


def _tour_extras(mx):
    """Parts that land with later issues show up here once they exist."""
    init = getattr(mx, "init", None)
    if init is not None and hasattr(init, "Normal"):
        print("\n# initializers")
        print("mx.init.Normal(0.8).dumps() ->", init.Normal(0.8).dumps())
        print('mx.init.Xavier(factor_type="in", magnitude=2.45).dumps() ->',
              init.Xavier(factor_type="in", magnitude=2.45).dumps())
    random = getattr(mx, "random", None)
    if random is not None and hasattr(random, "seed"):
        random.seed(42)
        print("after mx.random.seed(42): mx.nd.random.uniform(shape=(3,)) ->",
              mx.nd.random.uniform(shape=(3,)))
    if init is not None and hasattr(init, "Mixed") and random is not None:
        random.seed(0)
        w = mx.nd.zeros((1, 3))
        mixed = init.Mixed(["bias", ".*"], [init.Zero(), init.Uniform(0.1)])
        mixed(init.InitDesc("fullyconnected1_weight"), w)
        print("after mx.random.seed(0), Mixed(['bias', '.*'], [Zero(), Uniform(0.1)]) fills "
              "fullyconnected1_weight (1, 3) with MXNet's numbers ->", w)
        print("and round-trips through JSON:", mixed.dumps())


if __name__ == "__main__":
    main()
