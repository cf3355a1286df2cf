"""The rest of MXNet 1.9.1's `mx.test_utils` that imperative tests use: comparison variants,
matrix generators, statistical checks of samplers, and the large-tensor helpers.

Same names, signatures and behaviour as MXNet's (re-exported by `mxnb.test_utils`). The
Symbol/executor ones are duck-typed: `numeric_grad` works with any object that has
`arg_dict`, `aux_dict`, `forward(is_train)` and `outputs`; `simple_forward` needs `sym.bind`.

>>> buckets, probs = gen_buckets_probs_with_ppf(lambda p: p, 4)
>>> buckets[1], probs[1]
((0.25, 0.5), 0.25)
"""
import contextlib
import functools
import os
import sys

import numpy as np

from .ndarray import NDArray

__all__ = ["default_dtype", "default_numeric_eps", "random_sample", "random_uniform_arrays",
           "rand_coord_2d", "same_array", "assert_almost_equal_ignore_nan",
           "assert_almost_equal_with_err", "compare_ndarray_tuple", "collapse_sum_like",
           "create_2d_tensor", "create_vector", "get_identity_mat", "get_identity_mat_batch",
           "new_matrix_with_real_eigvals_2d", "new_matrix_with_real_eigvals_nd",
           "new_orthonormal_matrix_2d", "new_sym_matrix_with_real_eigvals_2d",
           "new_sym_matrix_with_real_eigvals_nd", "mean_check", "var_check",
           "chi_square_check", "gen_buckets_probs_with_ppf", "verify_generator",
           "numeric_grad", "simple_forward", "getenv", "setenv", "assign_each", "assign_each2",
           "retry", "list_gpus", "discard_stderr", "is_op_runnable"]


def _nd():
    from . import ndarray

    return ndarray


def default_dtype():
    """The dtype MXNet's tests default to: float32.

    >>> default_dtype()
    <class 'numpy.float32'>
    """
    return np.float32


def default_numeric_eps():
    """Finite-difference step per float dtype (powers of two: no bits lost when added).

    >>> default_numeric_eps()[np.dtype(np.float32)]
    0.001953125
    """
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def random_sample(population, k):
    """`k` elements of the list `population` in random order (NumPy's global RNG).

    >>> sorted(random_sample([3, 1, 2], 3))
    [1, 2, 3]
    """
    assert 0 <= k <= len(population)
    pool = population[:]
    np.random.shuffle(pool)
    return pool[0:k]


def random_uniform_arrays(*shapes, **kwargs):
    """A list of NumPy arrays uniform in [low, high) (default [0, 1)), of `dtype` (float32).

    >>> [a.shape for a in random_uniform_arrays((2,), (1, 3), low=-1.0)]
    [(2,), (1, 3)]
    """
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError("Got unexpected argument/s : " + str(kwargs.keys()))
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random int64 point (x, y) with x in [x_low, x_high), y in [y_low, y_high).

    >>> x, y = rand_coord_2d(0, 1, 5, 6); (int(x), int(y))
    (0, 5)
    """
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def same_array(array1, array2):
    """Whether two NDArrays share memory: adds one to array1 and looks at array2 (then undoes
    it), as MXNet's does.

    >>> a = mx.nd.ones((2,)); same_array(a, a[:]), same_array(a, a.copy())
    (True, False)
    """
    from .test_utils import same

    array1[:] += 1
    if not same(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return same(array1.asnumpy(), array2.asnumpy())


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """assert_almost_equal, with every position that is NaN in either array set to 0 in both.

    >>> assert_almost_equal_ignore_nan(np.array([1.0, np.nan]), np.array([1.0, 5.0]))
    """
    from .test_utils import assert_almost_equal

    a = np.copy(a.asnumpy() if isinstance(a, NDArray) else a)
    b = np.copy(b.asnumpy() if isinstance(b, NDArray) else b)
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=("a", "b"),
                                 equal_nan=False, mismatches=(10, 10)):
    """assert_almost_equal that tolerates a fraction `etol` of elements out of tolerance
    (etol None or 0: none, i.e. plain assert_almost_equal).

    >>> assert_almost_equal_with_err(np.array([1.0, 2, 3, 9]), np.array([1.0, 2, 3, 4]),
    ...                              etol=0.3)
    """
    from .test_utils import assert_almost_equal, get_etol, get_tols

    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a = a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)
    b = b.asnumpy() if isinstance(b, NDArray) else np.asarray(b)
    equals = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    err = 1 - np.count_nonzero(equals) / equals.size
    if err > etol:
        bad = np.argwhere(~equals)[:mismatches[0]]
        where = ", ".join(f"{tuple(int(i) for i in idx)}: {names[0]}={a[tuple(idx)]!r} "
                          f"{names[1]}={b[tuple(idx)]!r}" for idx in bad)
        raise AssertionError(f"Error rate {err:f} exceeds etol={etol} (rtol={rtol:e}, "
                             f"atol={atol:e}); mismatches: {where}")


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """assert_almost_equal on each pair of (nested) tuples of arrays; None skips.

    >>> compare_ndarray_tuple((mx.nd.ones(2), (np.zeros(1),)), (np.ones(2), (np.zeros(1),)))
    """
    from .test_utils import assert_almost_equal

    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def collapse_sum_like(a, shape):
    """Sum the NumPy array `a` over the axes it broadcast `shape` along, giving `shape`.

    >>> collapse_sum_like(np.ones((2, 3, 4)), (3, 1)).tolist()
    [[8.0], [8.0], [8.0]]
    """
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[i + lead]:
            assert s == 1
            axes.append(i + lead)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


# ---------------------------------------------------------------- large-tensor helpers


def create_2d_tensor(rows, columns, dtype=np.int64):
    """NDArray (rows, columns) whose row i is all i.

    >>> create_2d_tensor(2, 3).asnumpy().tolist()
    [[0, 0, 0], [1, 1, 1]]
    """
    nd = _nd()
    a = nd.arange(0, rows, dtype=dtype).reshape(rows, 1)
    return nd.broadcast_to(a, shape=(a.shape[0], columns))


def create_vector(size, dtype=np.int64):
    """arange(size) as an NDArray of `dtype` (int64).

    >>> create_vector(3).asnumpy().tolist()
    [0, 1, 2]
    """
    return _nd().arange(0, size, dtype=dtype)


def get_identity_mat(size):
    """The float32 identity matrix (size, size), written one diagonal element at a time.

    >>> get_identity_mat(2).asnumpy().tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    a = _nd().zeros((size, size))
    for i in range(size):
        a[i, i] = 1
    return a


def get_identity_mat_batch(size):
    """Two stacked identity matrices, shape (2, size, size).

    >>> get_identity_mat_batch(3).shape
    (2, 3, 3)
    """
    a = get_identity_mat(size).asnumpy()
    return _nd().array([a, a])


# ---------------------------------------------------------------- matrix generators


def new_matrix_with_real_eigvals_2d(n):
    """A well-conditioned (n, n) float64 matrix with real eigenvalues in [-10, 10).

    >>> bool(np.isreal(np.linalg.eigvals(new_matrix_with_real_eigvals_2d(3))).all())
    True
    """
    shape = (n, n)
    while True:
        d = np.diag(np.random.uniform(-1.0, 1.0, n))
        v = np.random.uniform(-1.0, 1.0, n).reshape(n, 1)
        v = v / np.linalg.norm(v, axis=-2, keepdims=True)
        u = np.eye(n).reshape(shape) - 2 * np.matmul(v, v.T)  # a Householder reflection
        q = np.matmul(u, d)
        if np.linalg.cond(q, 2) < 3:
            break
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(np.linalg.inv(q), d), q)


def new_matrix_with_real_eigvals_nd(shape):
    """A stack of new_matrix_with_real_eigvals_2d matrices of shape (..., n, n).

    >>> new_matrix_with_real_eigvals_nd((2, 3, 3)).shape
    (2, 3, 3)
    """
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1])
                     for _ in range(count)]).reshape(shape)


def new_orthonormal_matrix_2d(n):
    """An (n, n) orthonormal matrix (the Q of a random symmetric matrix's QR).

    >>> q = new_orthonormal_matrix_2d(3); bool(np.allclose(q @ q.T, np.eye(3)))
    True
    """
    x = np.random.randn(n, n)
    return np.linalg.qr(np.matmul(x.T, x))[0]


def new_sym_matrix_with_real_eigvals_2d(n):
    """A symmetric (n, n) matrix Q^T D Q with eigenvalues in [-10, 10).

    >>> a = new_sym_matrix_with_real_eigvals_2d(3); bool(np.allclose(a, a.T))
    True
    """
    q = new_orthonormal_matrix_2d(n)
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(q.T, d), q)


def new_sym_matrix_with_real_eigvals_nd(shape):
    """A stack of new_sym_matrix_with_real_eigvals_2d matrices of shape (..., n, n).

    >>> new_sym_matrix_with_real_eigvals_nd((2, 2, 2)).shape
    (2, 2, 2)
    """
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1])
                     for _ in range(count)]).reshape(shape)


# ---------------------------------------------------------------- sampler checks


def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the mean of generator(nsamples) lies within mu +- 3 sigma / sqrt(nsamples).

    >>> mean_check(lambda n: np.random.normal(0, 1.0, size=n), 0, 1.0, nsamples=10000)
    True
    """
    samples = np.array(generator(nsamples))
    mean = samples.mean()
    half = 3 * sigma / np.sqrt(nsamples)
    return bool((mean > mu - half) and (mean < mu + half))


def var_check(generator, sigma, nsamples=1000000):
    """Whether the sample variance of generator(nsamples) lies within
    sigma^2 +- 3 sqrt(2 sigma^4 / (nsamples - 1)).

    >>> var_check(lambda n: np.random.normal(0, 2.0, size=n), 2.0, nsamples=10000)
    True
    """
    samples = np.array(generator(nsamples))
    var = samples.var(ddof=1)
    half = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool((var > sigma ** 2 - half) and (var < sigma ** 2 + half))


def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """`nbuckets` equal-probability buckets [(ppf(i/n), ppf((i+1)/n)), ...] and their
    probabilities 1/n, for chi_square_check."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets)))
               for i in range(nbuckets)]
    return buckets, probs


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Chi-square test of generator(nsamples) against `probs` over `buckets` (a list of
    (lo, hi) ranges for a continuous distribution, or of the values of a discrete one).
    Returns (p value, observed counts, expected counts). Needs SciPy.

    >>> p, obs, exp = chi_square_check(lambda n: np.random.randint(0, 2, n), [0, 1],
    ...                                [0.5, 0.5], nsamples=1000)
    >>> obs.sum(), exp.tolist()
    (np.int64(1000), [500, 500])
    """
    import scipy.stats as ss

    assert isinstance(buckets, list)
    samples = generator(nsamples)
    assert len(probs) == len(buckets)
    continuous = isinstance(buckets[0], (list, tuple))
    if continuous:
        edges = np.zeros((len(buckets) * 2,), dtype=np.float32)
        for i, (lo, hi) in enumerate(buckets):
            assert lo <= hi
            if i < len(buckets) - 1:
                assert hi <= buckets[i + 1][0]
            edges[2 * i], edges[2 * i + 1] = lo, hi
    expected = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    if continuous:
        ids = np.searchsorted(edges, samples, side="right") // 2
    else:
        ids = np.array(samples)
    obs = np.zeros(shape=len(buckets), dtype=np.int64)
    for i, b in enumerate(buckets):
        obs[i] = (ids == (i if continuous else b)).sum()
    _, p = ss.chisquare(f_obs=obs, f_exp=expected)
    return p, obs, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2,
                     alpha=0.05):
    """Run chi_square_check `nrepeat` times; fail unless at least success_rate of the runs
    have p > alpha. Returns the p values."""
    ps, obs_l, exp_l = [], [], []
    for _ in range(nrepeat):
        p, obs, exp = chi_square_check(generator=generator, buckets=buckets, probs=probs,
                                       nsamples=nsamples)
        ps.append(p)
        obs_l.append(obs)
        exp_l.append(exp)
    if (np.array(ps) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError(f"Generator test fails, Chi-square p={ps}, obs_freq={obs_l}, "
                             f"expected_freq={exp_l}.\nbuckets={buckets}, probs={probs}")
    return ps


# ---------------------------------------------------------------- executor-based helpers


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True,
                 dtype=np.float32):
    """Central-difference gradient of sum(executor.outputs[0]) for every float argument in
    `location` (a dict name -> NumPy array), as MXNet's: each element is moved by +-eps/2
    in executor.arg_dict, aux_states are reset before each forward. Returns name -> array."""
    nd = _nd()
    assert dtype in (np.float16, np.float32, np.float64)
    grads = {k: np.zeros(v.shape, dtype=dtype) for k, v in location.items()}
    for k, v in location.items():
        executor.arg_dict[k][:] = nd.array(v, dtype=dtype)
    for k in location:
        location[k] = np.asarray(location[k], order="C")

    def run(k, v):
        executor.arg_dict[k][:] = nd.array(v, dtype=dtype)
        if aux_states is not None:
            for key, val in aux_states.items():
                executor.aux_dict[key][:] = nd.array(val, dtype=dtype)
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy()

    for k, v in location.items():
        if v.dtype.kind != "f":
            continue
        old = v.copy()
        for i in range(int(np.prod(v.shape))):
            v.ravel()[i] += eps / 2.0
            f_plus = run(k, v)
            v.ravel()[i] -= eps
            f_minus = run(k, v)
            grads[k].ravel()[i] = (f_plus - f_minus).sum() / eps
            v.ravel()[i] = old.ravel()[i]
        executor.arg_dict[k][:] = nd.array(old, dtype=dtype)
    return grads


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Bind `sym` to the NumPy `inputs`, run forward, return the output(s) as NumPy arrays."""
    from .test_utils import default_context

    if not hasattr(sym, "bind"):
        raise NotImplementedError("simple_forward needs Symbol.bind, which mxnb's Symbol does "
                                  "not have yet")
    ctx = ctx or default_context()
    exe = sym.bind(ctx, args={k: _nd().array(v) for k, v in inputs.items()})
    exe.forward(is_train=is_train)
    outs = [x.asnumpy() for x in exe.outputs]
    return outs[0] if len(outs) == 1 else outs


def getenv(name):
    """The value of environment variable `name`, or None (mx.util.getenv).

    >>> getenv("MXNB_SURELY_UNSET_VARIABLE") is None
    True
    """
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable `name` to `value`; None unsets it (mx.util.setenv)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


# ---------------------------------------------------------------- small utilities


def assign_each(the_input, function):
    """function(v) for each element v of the NumPy array `the_input`, as a float64 array (a
    copy when function is None).

    >>> assign_each(np.array([1, 4]), np.sqrt).tolist()
    [1.0, 2.0]
    """
    if function is None:
        return np.array(the_input)
    return np.array([function(v) for v in np.asarray(the_input).ravel()],
                    dtype=np.float64).reshape(np.shape(the_input))


def assign_each2(input1, input2, function):
    """function(a, b) for each pair of elements of two same-shape NumPy arrays, as float64.

    >>> assign_each2(np.array([1, 2]), np.array([3, 4]), lambda a, b: a * b).tolist()
    [3.0, 8.0]
    """
    if function is None:
        return np.array(input1)
    assert input1.shape == input2.shape
    pairs = zip(np.asarray(input1).ravel(), np.asarray(input2).ravel())
    return np.array([function(a, b) for a, b in pairs], dtype=np.float64).reshape(input1.shape)


def retry(n):
    """Decorator: run a stochastic test up to `n` times, failing only if every run raises
    AssertionError."""
    assert n > 0

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
                    _nd().waitall()
        return wrapper
    return decorate


def list_gpus():
    """range(number of GPUs): empty without one.

    >>> len(list_gpus()) >= 0
    True
    """
    from .context import num_gpus

    return range(num_gpus())


@contextlib.contextmanager
def discard_stderr():
    """Send file descriptor 2 (C-level stderr too) to /dev/null inside the `with` block."""
    with open(os.devnull, "w") as bit_bucket:
        try:
            fd = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            # stderr replaced by an object without a file descriptor (a pytest capture)
            yield
            return
        old = os.dup(fd)
        try:
            sys.stderr.flush()
            os.dup2(bit_bucket.fileno(), fd)
            yield
        finally:
            os.dup2(old, fd)
            os.close(old)


def is_op_runnable():
    """True: every mxnb op runs on every context (MXNet's answer without TVM ops)."""
    return True
