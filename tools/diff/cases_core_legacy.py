"""Legacy op-name functions (random_*, sample_*, power, softmin) with MXNet's op signatures."""
CASES = []


def case(name, code):
    CASES.append((name, code))


SHOW = "def S(r):\n    print(r.shape, r.dtype, r.context); print(r)\n"
CALLS = [
    'mx.nd.random_uniform()',
    'mx.nd.random_uniform(0, 1, (2,), mx.cpu(1))',
    "mx.nd.random_uniform(0, 1, (2,), mx.cpu(), 'float64')",
    'mx.nd.uniform(0, 1, (2,), mx.cpu(1))',
    'mx.nd.normal(0, 1, (2,), mx.cpu(1))',
    'mx.nd.random_normal(1, 2, shape=(2,))',
    'mx.nd.random_exponential(4.0, shape=(3,))',
    'mx.nd.random_exponential(lam=4.0, shape=(3,))',
    'mx.nd.random.exponential(0.25, shape=(3,))',
    'mx.nd.sample_exponential(mx.nd.array([4.0, 1.0]), shape=(2,))',
    'mx.nd.sample_exponential(lam=mx.nd.array([4.0]))',
    'mx.nd.random.exponential(mx.nd.array([0.25, 1.0]), shape=(2,))',
    'mx.nd.sample_normal(mu=mx.nd.array([0., 10]), sigma=mx.nd.array([1., 0.1]))',
    'mx.nd.sample_normal(mx.nd.array([0., 10]), mx.nd.array([1., 0.1]), (2,))',
    "mx.nd.sample_uniform(mx.nd.array([0., 10]), mx.nd.array([1., 11]), (2,), 'float64')",
    "mx.nd.random_gamma(2, 3, (2,), mx.cpu(), 'float64')",
    'mx.nd.random_poisson(3, (2,), mx.cpu(1))',
    "mx.nd.random_randint(0, 9, (3,), mx.cpu(1), 'int64')",
    'mx.nd.random_negative_binomial(3, 0.5, (2,), mx.cpu(1))',
    'mx.nd.random_generalized_negative_binomial(2, 0.5, (2,), mx.cpu(1))',
    "mx.nd.sample_multinomial(mx.nd.array([0.2, 0.8]), (3,), False, 'int64')",
    "mx.nd.shuffle(mx.nd.arange(4), name='s')",
    'mx.nd.shuffle(mx.nd.arange(4), out=mx.nd.zeros((4,)))',
    "mx.nd.sample_gamma(mx.nd.array([2.]), mx.nd.array([3.]), (2,), 'float64')",
    "mx.nd.sample_poisson(mx.nd.array([2.]), (2,), 'float64')",
    "mx.nd.random_normal(0, 1, (2,), dtype='float16')",
    'mx.nd.random_uniform(low=mx.nd.array([0.]), high=mx.nd.array([1.]))',
    'mx.nd.power(base=mx.nd.array([2., 3]), exp=2)',
    'mx.nd.power(mx.nd.array([2., 3]), exp=mx.nd.array([2., 1]))',
    'mx.nd.softmin(mx.nd.array([[1., 2], [3, 5]]), 0)',
    'mx.nd.array([[1., 2], [3, 5]]).softmin(0)',
]
for j, c in enumerate(CALLS):
    case(f"core_legacy_{j}", SHOW + "mx.random.seed(3)\n" + f"S({c})")
