"""`GeneratorPool`: MXNet 1.9.1's random stream for one device, on NumPy arrays.

MXNet's CPU samplers draw from two resources, both reproduced here:

* the *parallel* pool: 1024 MT19937 generators; `seed(s, dev)` seeds
  generator t with (s*127 + dev + t) mod 2**32. Every `mx.nd.random.*`
  sampler (uniform, normal, randint, exponential, gamma, poisson, the
  negative binomials and their per-parameter `_sample_*` forms) draws from
  it; see `cpu_kernels.py` for how a draw is cut into chunks.
* the *single* generator (MXNet's `kRandom` resource), one MT19937 seeded with
  s*127 + dev. `multinomial` and `shuffle` draw from it, so they do not move
  the pool, and the pool does not move them.

All CPU contexts of MXNet share one pool seeded with device id 0 (seeding
`cpu(1)` changes the stream of `cpu(0)`), so callers pass device_id=0 for any
CPU context; a GPU pool for gpu(k) uses device_id=k.

This module imports no numba; the kernels are imported on the first draw.
"""
import functools
import os
import threading

import numpy as np

NUM_STATES = 1024            # MXNet's RandGenerator<cpu>::kNumRandomStates
MIN_PER_CHUNK = 64           # ... kMinNumRandomPerThread
_NSTATE = 624
_PAR_MIN = 32768             # elements x cost from which the parallel kernel pays
_COST = {"uniform_f32": 2, "uniform_f64": 3}   # everything else: 8


_FORKED = []    # non-empty in a forked child: OpenMP there must not be used


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _FORKED.append(True))


def plan(n):
    """MXNet's chunking of an n-sample draw: (nthread, step).

    >>> plan(100003)
    (1024, 98)
    """
    if n <= 0:
        return 0, 0
    nthread = min((n + MIN_PER_CHUNK - 1) // MIN_PER_CHUNK, NUM_STATES)
    return nthread, (n + nthread - 1) // nthread


def _kname(kernel, dtype):
    if kernel == "uniform" or kernel == "normal":
        return kernel + ("_f64" if dtype.char == "d" else "_f32")
    return kernel


_K = []


def _kernels():
    if not _K:
        from mxnb._rng import cpu_kernels
        _K.append(cpu_kernels)
    return _K[0]


def _flat_out(out, name, kinds):
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.dtype not in kinds:
        allowed = ", ".join(sorted(k.name for k in kinds))
        raise TypeError(f"{name}: out dtype must be one of {allowed}, got {out.dtype}")
    flags = out.flags
    if not flags.c_contiguous:
        raise ValueError(f"{name}: out must be C-contiguous")
    if not flags.writeable:
        raise ValueError(f"{name}: out is read-only")
    return out if out.ndim == 1 else out.reshape(-1)


def _param_array(x, name, what):
    """(float64 copy, whether it holds MXNet floats rather than doubles)."""
    a = np.asarray(x)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name}: {what} must be a float array, got {a.dtype}")
    if a.dtype != np.float64:
        # float16 and integers are widened to float32 first (not MXNet's half_t math)
        return np.ascontiguousarray(a.astype(np.float32).reshape(-1), np.float64), True
    return np.ascontiguousarray(a.reshape(-1)), False


def _scalar(x, name, what):
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: {what} must be a real number, got {x!r}") from None
    # MXNet parses scalar parameters into C++ floats
    return np.float32(v)


@functools.lru_cache(maxsize=256)
def _arr(v):
    """A scalar parameter (already a float32) as the kernels' float64 array.

    Cached: the kernels only read it, and most calls repeat a few values."""
    return np.array([v], np.float64)


_F64 = np.dtype(np.float64)
_WIDE = {"exponential": _F64, "gamma": _F64, "poisson": _F64, "randint": np.dtype(np.int64),
         "negative_binomial": _F64, "generalized_negative_binomial": _F64}
_FLOATS = frozenset(map(np.dtype, (np.float16, np.float32, np.float64)))
_INTS = frozenset(map(np.dtype, (np.int32, np.int64)))
_F32_64 = frozenset(map(np.dtype, (np.float32, np.float64)))


class GeneratorPool:
    """1024 MT19937 generators for one device, seeded as MXNet seeds them.

    Every sampler fills a C-contiguous NumPy array in place and continues the
    stream: a draw of 3 then a draw of 1 gives what one fresh draw of 4 gives
    in its first chunk.

    >>> pool = GeneratorPool(seed=42)
    >>> out = np.empty(3, np.float32)
    >>> pool.uniform(out)
    >>> out
    array([0.82909364, 0.7478349 , 0.55818135], dtype=float32)
    """

    def __init__(self, seed=0, device_id=0, target="cpu", parallel=None):
        if target not in ("cpu", "cuda"):
            raise ValueError(f"GeneratorPool: target must be 'cpu' or 'cuda', got {target!r}")
        self.target = target
        self.parallel = parallel   # None: choose by size; True/False: force
        # the kernels release the GIL; draws from one pool must not interleave
        self._lock = threading.RLock()
        self._mt = self._pos = self._mt1 = self._pos1 = None
        self._dev = None           # device mirror of the pool (cuda target)
        self.seed(seed, device_id)

    # -- state ---------------------------------------------------------------
    def seed(self, seed, device_id=0):
        """Re-seed: generator t <- (seed*127 + device_id + t) mod 2**32."""
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        if not isinstance(device_id, (int, np.integer)) or device_id < 0:
            raise ValueError(f"device_id must be a non-negative int, got {device_id!r}")
        self._base = (int(seed) * 127 + int(device_id)) % 2**32
        self._mt = None            # seeded on the next draw
        self._dev = None

    def seed_single(self, value):
        """Seed only the single generator (multinomial, shuffle) with `value`
        mod 2**32 as is. MXNet does this for `mx.random.seed(s, ctx=...)`,
        which seeds that generator with the bare s, not s*127 + dev."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"seed must be an int, got {type(value).__name__}")
        with self._lock:
            self._state()
            pos = np.empty(1, np.uint64)
            mt = np.empty((1, _NSTATE), np.uint32)
            _kernels().seed_states(mt, pos, int(value) % 2**32)
            self._mt1, self._pos1 = mt, pos

    def _state(self):
        if self._mt is None:
            k = _kernels()
            mt = np.empty((NUM_STATES, _NSTATE), np.uint32)
            pos = np.empty(NUM_STATES, np.uint64)
            k.seed_states(mt, pos, self._base)
            # the single generator is seeded with the same value as generator 0
            self._mt1, self._pos1 = mt[:1].copy(), pos[:1].copy()
            self._mt, self._pos = mt, pos
        return self._mt, self._pos

    def state_copy(self):
        """A snapshot of the whole state, for `set_state` (e.g. to roll back)."""
        if self._dev is not None:
            from mxnb._rng import cuda_kernels
            cuda_kernels.pull_state(self)
        mt, pos = self._state()
        return (self._base, mt.copy(), pos.copy(), self._mt1.copy(), self._pos1.copy())

    def set_state(self, state):
        """Restore a snapshot taken by `state_copy`."""
        base, mt, pos, mt1, pos1 = state
        if mt.shape != (NUM_STATES, _NSTATE) or pos.shape != (NUM_STATES,):
            raise ValueError("set_state: not a GeneratorPool state")
        self._base = base
        self._mt, self._pos = mt.astype(np.uint32), pos.astype(np.uint64)
        self._mt1, self._pos1 = mt1.astype(np.uint32), pos1.astype(np.uint64)
        self._dev = None

    def raw(self, n, generator=0):
        """The next n raw 32-bit words of one generator (-1: the single one)."""
        if not -1 <= generator < NUM_STATES:
            raise ValueError(f"raw: generator must be -1 or in [0, {NUM_STATES}), got {generator}")
        out = np.empty(int(n), np.uint32)
        with self._lock:
            mt, pos = self._state()
            if generator == -1:
                _kernels().raw_words(self._mt1, self._pos1, 0, out)
            else:
                _kernels().raw_words(mt, pos, generator, out)
        return out

    # -- plumbing ------------------------------------------------------------
    def _use_parallel(self, n, name):
        if _FORKED:
            return False
        if self.parallel is not None:
            return bool(self.parallel)
        if n * _COST.get(name, 8) < _PAR_MIN or os.environ.get("MXNB_NUM_THREADS") == "1":
            return False
        from mxnb._jit import numba
        return numba().get_num_threads() > 1

    def _run(self, name, flat, *args):
        n = flat.shape[0]
        if n == 0:
            return
        nthread, step = plan(n)
        ser, par = _kernels().DRIVERS[name]
        fn = par if self._use_parallel(n, name) else ser
        with self._lock:
            if self.target == "cuda":
                from mxnb._rng import cuda_kernels
                cuda_kernels.pull_state(self)
            mt, pos = self._state()
            fn(mt, pos, flat, nthread, step, *args)

    def _fill(self, out, flat, kernel, *args):
        """Run sampler `kernel` into `flat`, through a buffer where needed.

        uniform and normal have float32 and float64 kernels; float16 goes
        through float64 (MXNet samples half_t in double). The slow scalar
        samplers have one kernel that writes float64 (or int64 for randint),
        holding exactly what MXNet's C++ converts to the output type; a cast
        gives the same result and saves compiling a kernel per dtype.
        """
        if self.target == "cuda" and not isinstance(out, np.ndarray):
            from mxnb._rng import cuda_kernels
            return cuda_kernels.fill(self, out, kernel, *args)
        wide = _WIDE.get(kernel)
        if wide is None:
            if flat.dtype.char != "e":
                return self._run(_kname(kernel, flat.dtype), flat, *args)
            wide = _F64
        if flat.dtype == wide:
            return self._run(kernel if kernel in _WIDE else _kname(kernel, wide), flat, *args)
        tmp = np.empty(flat.shape, wide)
        self._run(kernel if kernel in _WIDE else _kname(kernel, wide), tmp, *args)
        if flat.dtype.char == "e":
            # MXNet's half_t(double) converts through float
            tmp = tmp.astype(np.float32)
        flat[...] = tmp

    def _prep(self, name, out, kinds):
        if self.target == "cuda" and not isinstance(out, np.ndarray):
            from mxnb._rng import cuda_kernels
            return cuda_kernels.check_out(out, name, kinds)
        return _flat_out(out, name, kinds)

    def _params(self, name, flat, *arrays):
        """Per-parameter arrays as float64, samples per parameter, and p32."""
        conv = [_param_array(a, name, what) for what, a in arrays]
        arrs = [a for a, _ in conv]
        p32 = all(f for _, f in conv)
        npar = arrs[0].shape[0]
        for a in arrs[1:]:
            if a.shape[0] != npar:
                raise ValueError(f"{name}: parameter arrays differ in size "
                                 f"({npar} vs {a.shape[0]})")
        n = flat.shape[0]
        if n and (npar == 0 or n % npar):
            raise ValueError(f"{name}: out has {n} elements, not a multiple of the "
                             f"{npar} parameters")
        return arrs, max(n // max(npar, 1), 1), p32

    # -- the parallel pool: scalar parameters ---------------------------------
    def uniform(self, out, low=0.0, high=1.0):
        """Fill `out` (float16/32/64) with U[low, high) as `mx.nd.random.uniform`."""
        flat = self._prep("uniform", out, _FLOATS)
        lo, hi = _scalar(low, "uniform", "low"), _scalar(high, "uniform", "high")
        if not hi >= lo:
            raise ValueError("low must be less or equal to high in uniform distribution"
                             f" (low={low}, high={high})")
        self._fill(out, flat, "uniform", _arr(lo), _arr(hi),
                   max(flat.shape[0], 1), True)

    def normal(self, out, loc=0.0, scale=1.0):
        """Fill `out` (float16/32/64) with N(loc, scale**2) as `mx.nd.random.normal`."""
        flat = self._prep("normal", out, _FLOATS)
        m, s = _scalar(loc, "normal", "loc"), _scalar(scale, "normal", "scale")
        if not s > 0:
            raise ValueError(f"scale parameter in gaussian has to be positive (scale={scale})")
        self._fill(out, flat, "normal", _arr(m), _arr(s),
                   max(flat.shape[0], 1), True)

    def randint(self, out, low, high):
        """Fill `out` (int32/int64) with integers in [low, high)."""
        flat = self._prep("randint", out, _INTS)
        for v, what in ((low, "low"), (high, "high")):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"randint: {what} must be an int, got {v!r}")
        low, high = int(low), int(high)
        if not high > low:
            # MXNet checks high >= low and then divides by zero when they are equal
            raise ValueError(f"randint: low must be less than high (low={low}, high={high})")
        if low < -2**63 or high - low >= 2**63 or high > 2**63 - 1:
            raise ValueError(f"randint: low/high out of the int64 range ({low}, {high})")
        self._fill(out, flat, "randint",
                   np.array([low], np.int64), np.array([high - low], np.int64),
                   max(flat.shape[0], 1))

    def exponential(self, out, lam=1.0):
        """Fill `out` with Exp(lam) (rate lam; MXNet's Python API passes 1/scale)."""
        flat = self._prep("exponential", out, _FLOATS)
        lam = _scalar(lam, "exponential", "lam")
        if not lam > 0:
            raise ValueError("lambda parameter in exponential distribution has to be "
                             f"positive (lam={lam})")
        self._exp(out, flat, _arr(lam))

    def gamma(self, out, alpha=1.0, beta=1.0):
        """Fill `out` with Gamma(shape alpha, scale beta)."""
        flat = self._prep("gamma", out, _FLOATS)
        a, b = _scalar(alpha, "gamma", "alpha"), _scalar(beta, "gamma", "beta")
        if not a > 0:
            raise ValueError("alpha parameter in gamma distribution has to be positive"
                             f" (alpha={alpha})")
        if not b > 0:
            raise ValueError("beta parameter in gamma distribution has to be positive"
                             f" (beta={beta})")
        if not np.isfinite(a):
            raise ValueError(f"gamma: alpha must be finite (alpha={alpha})")
        self._gam(out, flat, _arr(a), _arr(b))

    def poisson(self, out, lam=1.0):
        """Fill `out` (float16/32/64, as MXNet) with Poisson(lam) counts."""
        flat = self._prep("poisson", out, _FLOATS)
        lam = _scalar(lam, "poisson", "lam")
        if not lam >= 0:
            raise ValueError("lambda parameter in poisson distribution has to be "
                             f"non-negative (lam={lam})")
        self._poi(out, flat, _arr(lam))

    def negative_binomial(self, out, k=1, p=1.0):
        """Fill `out` (float16/32/64) with negative binomial counts: failures before the
        k-th success, success probability p, as `mx.nd.random.negative_binomial`.

        MXNet's gamma-Poisson mixture, Poisson(Gamma(k, (1 - p) / p)), drawn from the
        float generator for every output dtype (so float16/32/64 give the same counts).
        """
        flat = self._prep("negative_binomial", out, _FLOATS)
        k, p = _scalar(k, "negative_binomial", "k"), _scalar(p, "negative_binomial", "p")
        if not k >= 0:
            raise ValueError(f"k parameter in negative binomial distribution has to be "
                             f"non-negative (k={k})")
        if not p >= 0:
            raise ValueError(f"p parameter in negative binomial distribution has to be "
                             f"non-negative (p={p})")
        if not np.isfinite(k):
            raise ValueError(f"negative_binomial: k must be finite (k={k})")
        self._fill(out, flat, "negative_binomial", _arr(k), _arr(p), max(flat.shape[0], 1))

    def generalized_negative_binomial(self, out, mu=1.0, alpha=1.0):
        """Fill `out` with generalized negative binomial counts (mean mu, dispersion alpha):
        Poisson(Gamma(1 / alpha, alpha * mu)), or Poisson(mu) where alpha == 0.
        """
        flat = self._prep("generalized_negative_binomial", out, _FLOATS)
        name = "generalized_negative_binomial"
        mu, alpha = _scalar(mu, name, "mu"), _scalar(alpha, name, "alpha")
        if not mu >= 0:
            raise ValueError(f"mu parameter in generalized negative binomial distribution has "
                             f"to be non-negative (mu={mu})")
        if not alpha >= 0:
            raise ValueError(f"alpha parameter in generalized negative binomial distribution "
                             f"has to be non-negative (alpha={alpha})")
        self._fill(out, flat, name, _arr(mu), _arr(alpha), max(flat.shape[0], 1), True)

    # -- the parallel pool: one batch per parameter element (`_sample_*`) ------
    def uniform_params(self, out, low, high):
        """`_sample_uniform`: out.size // low.size samples per parameter pair.

        `out` is laid out as `param.shape + shape` (parameter-major), e.g.
        out (2, 5) for low, high of shape (2,). No check low <= high, as MXNet.
        """
        flat = self._prep("uniform_params", out, _FLOATS)
        (lo, hi), nb, p32 = self._params("uniform_params", flat, ("low", low), ("high", high))
        self._fill(out, flat, "uniform", lo, hi, nb, p32)

    def normal_params(self, out, loc, scale):
        """`_sample_normal`: out.size // loc.size samples per (loc, scale)."""
        flat = self._prep("normal_params", out, _FLOATS)
        (m, s), nb, p32 = self._params("normal_params", flat, ("loc", loc), ("scale", scale))
        self._fill(out, flat, "normal", m, s, nb, p32)

    def exponential_params(self, out, lam):
        """`_sample_exponential`: out.size // lam.size samples per rate."""
        flat = self._prep("exponential_params", out, _FLOATS)
        (lam,), nb, _ = self._params("exponential_params", flat, ("lam", lam))
        self._exp(out, flat, lam, nb)

    def gamma_params(self, out, alpha, beta):
        """`_sample_gamma`: out.size // alpha.size samples per (alpha, beta).

        Raises ValueError for alpha < 0, inf or NaN, where MXNet loops forever.
        """
        flat = self._prep("gamma_params", out, _FLOATS)
        (a, b), nb, _ = self._params("gamma_params", flat, ("alpha", alpha), ("beta", beta))
        if a.size and not (np.all(a >= 0) and np.all(np.isfinite(a))):
            raise ValueError("gamma_params: alpha must be finite and >= 0")
        self._gam(out, flat, a, b, nb)

    def poisson_params(self, out, lam):
        """`_sample_poisson`: out.size // lam.size samples per rate."""
        flat = self._prep("poisson_params", out, _FLOATS)
        (lam,), nb, _ = self._params("poisson_params", flat, ("lam", lam))
        self._poi(out, flat, lam, nb)

    def negative_binomial_params(self, out, k, p):
        """`_sample_negative_binomial`: out.size // k.size samples per (k, p).

        Raises ValueError for k < 0, inf or NaN, where MXNet loops forever.
        """
        flat = self._prep("negative_binomial_params", out, _FLOATS)
        (k, p), nb, _ = self._params("negative_binomial_params", flat, ("k", k), ("p", p))
        if k.size and not (np.all(k >= 0) and np.all(np.isfinite(k))):
            raise ValueError("negative_binomial_params: k must be finite and >= 0")
        self._fill(out, flat, "negative_binomial", k, p, nb)

    def generalized_negative_binomial_params(self, out, mu, alpha):
        """`_sample_generalized_negative_binomial`: out.size // mu.size samples per
        (mu, alpha). Raises ValueError for alpha < 0 or NaN, where MXNet loops forever.
        """
        name = "generalized_negative_binomial_params"
        flat = self._prep(name, out, _FLOATS)
        (mu, alpha), nb, p32 = self._params(name, flat, ("mu", mu), ("alpha", alpha))
        if alpha.size and not np.all(alpha >= 0):
            raise ValueError(f"{name}: alpha must be >= 0")
        self._fill(out, flat, "generalized_negative_binomial", mu, alpha, nb, p32)

    def _exp(self, out, flat, lam, nb=None):
        nb = nb or max(flat.shape[0], 1)
        dbl = flat.dtype != np.float32            # float16 uses the double generator
        self._fill(out, flat, "exponential", lam, nb, dbl)

    def _gam(self, out, flat, a, b, nb=None):
        nb = nb or max(flat.shape[0], 1)
        dbl = flat.dtype == np.float64            # float16 uses the float generator
        self._fill(out, flat, "gamma", a, b, nb, dbl)

    def _poi(self, out, flat, lam, nb=None):
        nb = nb or max(flat.shape[0], 1)
        self._fill(out, flat, "poisson", lam, nb)

    # -- the single generator -------------------------------------------------
    def multinomial(self, out, probs, logp=None):
        """`_sample_multinomial`: out (k, m) category indices drawn from each row
        of probs (k, n); logp (k, m), if given, gets float32 log(prob) of each
        draw (MXNet's get_prob=True, whose output has the dtype of probs).
        Draws from the single generator.
        """
        probs = np.asarray(probs)
        if probs.dtype not in (np.float32, np.float64):
            raise TypeError(f"multinomial: probs must be float32 or float64, got {probs.dtype}")
        if probs.ndim != 2 or probs.shape[1] == 0:
            raise ValueError(f"multinomial: probs must be (k, n) with n > 0, got {probs.shape}")
        for arr, name in ((out, "out"), (logp, "logp")):
            if arr is None:
                continue
            _flat_out(arr, "multinomial", _INTS | _F32_64 if name == "out" else _F32_64)
            if arr.ndim != 2 or arr.shape[0] != probs.shape[0]:
                raise ValueError(f"multinomial: {name} must be ({probs.shape[0]}, m), "
                                 f"got {arr.shape}")
        if logp is not None and logp.shape != out.shape:
            raise ValueError("multinomial: logp must have the shape of out")
        probs = np.ascontiguousarray(probs)
        lp = logp if logp is not None else np.empty((1, 1), np.float32)
        with self._lock:
            self._state()
            _kernels().multinomial(self._mt1, self._pos1, probs, out, lp, logp is not None)

    def shuffle_index(self, n, ndim=2):
        """The row permutation `mx.nd.random.shuffle` applies to an array with n
        rows: `x[perm]`. MXNet shuffles 1-D arrays with `std::shuffle` and N-d
        arrays with its own Fisher-Yates, so the permutation depends on
        `ndim == 1`. Draws from the single generator.
        """
        n = int(n)
        if n < 0 or n > 2**32:
            raise ValueError(f"shuffle_index: n must be in [0, 2**32], got {n}")
        perm = np.arange(n, dtype=np.int64)
        if n > 1:
            with self._lock:
                self._state()
                _kernels().shuffle_perm(self._mt1, self._pos1, perm, ndim == 1)
        return perm
