"""Python operator forms on NDArrays: in-place with other dtypes/shapes, reflected ops, builtins."""
CASES = []


def case(name, code):
    CASES.append((name, code))


A = "a = mx.nd.array([[1.5, -2, 3], [4, 0.5, -1]])\n"
FORMS = [
    "a += mx.nd.array([[1, 2, 3], [4, 5, 6]], dtype='float64')", "a += mx.nd.array([1, 2, 3], dtype='int32')",
    "a *= mx.nd.array([[2], [3]])", "a -= mx.nd.array([1., 2, 3])", "a /= mx.nd.array([[2.]])",
    "a += np.float64(1.5)", "a *= np.int64(2)", "a -= True", "a /= 0", "a %= 2", "a **= 2",
    "a += mx.nd.array(5.0)", "a += mx.nd.array([5.0])", "a[:] += 1", "a[0] *= 3", "a[:, 1] -= 10",
    "a[0][1] += 100", "a[[0, 1], [0, 1]] += 7", "a[a > 0] += 1",
    "a = a.astype('int32'); a += 2.9", "a = a.astype('int32'); a *= 0.5", "a = a.astype('uint8'); a -= 3",
    "a = a.astype('float16'); a += 0.1", "a = a.astype('int32'); a /= 2", "a = a.astype('int32'); a += mx.nd.ones((2, 3))",
]
for j, f in enumerate(FORMS):
    case(f"core_iop_{j}", A + f"b = a\n{f}\nprint(a, a.dtype, b is a)")
EXPR = [
    "divmod(a, 2)", "a // 2", "2 // a", "a // mx.nd.array([2.])", "round(a)", "abs(a)", "-a", "+a", "~a",
    "a @ a.T", "a.T @ a", "a & a", "a | a", "a ^ a", "a << 1", "a >> 1", "pow(a, 2)", "pow(a, 2, 3)",
    "a ** mx.nd.array([[2.]])", "2 ** a", "mx.nd.array([2.]) ** a", "a == a.copy()", "a is a.copy()",
    "a < 1 < 2", "(a > 0) * (a < 3)", "(a > 0) + (a < 3)", "a > None", "a + None", "None + a", "a + 'x'",
    "a * [1, 2, 3]", "[1, 2, 3] * a", "(1, 2, 3) + a", "a + np.array([1, 2, 3])", "np.array([1, 2, 3]) + a",
    "np.exp(a)", "np.sum(a)", "np.maximum(a, 0)", "np.asarray(a).dtype", "a.__array__().shape",
    "a + mx.nd.array([1., 2])", "a[0] + a[1]", "a.sum() + 1", "a.sum() * a", "a.sum() == a.sum()",
    "a.max() > a.min()", "(a.max() > a.min()).asscalar()", "float(a.sum()) + 1", "a.sum().asscalar() + 1",
    "a / a.sum()", "a - a.mean(axis=0)", "a - a.mean(axis=1)", "a - a.mean(axis=1, keepdims=True)",
    "a / a.norm(axis=1, keepdims=True)", "mx.nd.broadcast_div(a, a.norm(axis=1).reshape((-1, 1)))",
    "(a - a.max(axis=1, keepdims=True)).exp()", "a.exp() / a.exp().sum(axis=1, keepdims=True)",
    "mx.nd.dot(a, a, transpose_b=True)", "a.reshape((3, 2)) @ a", "a ** 0.5", "(-a) ** 0.5", "a ** -0.5",
    "1.0 / (1 + (-a).exp())", "mx.nd.where(a > 0, a, 0.1 * a)", "mx.nd.where(a > 0, a, mx.nd.zeros_like(a))",
]
for j, e in enumerate(EXPR):
    case(f"core_expr_{j}", A + f"r = {e}\nprint(r, getattr(r, 'dtype', type(r).__name__))")
