"""Numba kernels of the Hawkes process log-likelihood (imported lazily: imports numba).

The recurrence is MXNet 1.9.1's (src/operator/contrib/hawkes_ll-inl.h): per sample, walk the
valid points in order, keeping for each mark k the time of its last point and the state
s_k = sum over past points of exp(-beta_k (t - t_i)); the backward carries ds_k / dbeta_k
along, as MXNet's does. Everything is float64 (MXNet computes in the input dtype with
float32 `expf`/`logf`); one signature per kernel keeps compile time down.
"""
import math

from .._jit import njit

_OPTS = dict(error_model="numpy", fastmath={"contract"}, nogil=True)


@njit(**_OPTS)
def hawkes_forward(mu, alpha, beta, state, lags, marks, counts, max_time, ll, sout, last):
    """ll[i] and the final state sout[i, :] of sample i; `last` is (N, K) scratch."""
    n_samples, n_marks = mu.shape
    for i in range(n_samples):
        for k in range(n_marks):
            sout[i, k] = state[i, k]
            last[i, k] = 0.0
        t = 0.0
        acc = 0.0
        for j in range(counts[i]):
            c = marks[i, j]
            t += lags[i, j]
            d = t - last[i, c]
            ed = math.exp(-beta[c] * d)
            s = sout[i, c]
            lam = mu[i, c] + alpha[c] * beta[c] * s * ed
            acc += math.log(lam) - (mu[i, c] * d + alpha[c] * s * (1.0 - ed))
            sout[i, c] = 1.0 + s * ed
            last[i, c] = t
        rem = 0.0
        for k in range(n_marks):
            # the compensator of the quiet stretch from each mark's last point to max_time
            d = max_time[i] - last[i, k]
            ed = math.exp(-beta[k] * d)
            rem += mu[i, k] * d + alpha[k] * sout[i, k] * (1.0 - ed)
            sout[i, k] = ed * sout[i, k]
        ll[i] = acc - rem


@njit(**_OPTS)
def hawkes_backward(mu, alpha, beta, state, lags, marks, counts, max_time, gmu, galpha, gbeta,
                    dsout, last, s, ds):
    """Per sample and mark: d ll / d mu, d ll / d alpha, d ll / d beta, and d sout / d beta.

    The input state is a constant (MXNet gives it no gradient); `last`, `s`, `ds` are
    (N, K) scratch.
    """
    n_samples, n_marks = mu.shape
    for i in range(n_samples):
        for k in range(n_marks):
            s[i, k] = state[i, k]
            ds[i, k] = 0.0
            last[i, k] = 0.0
            gmu[i, k] = 0.0
            galpha[i, k] = 0.0
            gbeta[i, k] = 0.0
        t = 0.0
        for j in range(counts[i]):
            c = marks[i, j]
            t += lags[i, j]
            d = t - last[i, c]
            b = beta[c]
            a = alpha[c]
            ed = math.exp(-b * d)
            sc = s[i, c]
            dsc = ds[i, c]
            lam = mu[i, c] + a * b * sc * ed
            gmu[i, c] += 1.0 / lam - d
            galpha[i, c] += b * sc * ed / lam - sc * (1.0 - ed)
            gbeta[i, c] += (a * ed * (sc * (1.0 - b * d) + b * dsc) / lam
                            - a * (dsc * (1.0 - ed) + sc * d * ed))
            ds[i, c] = ed * (dsc - d * sc)
            s[i, c] = 1.0 + sc * ed
            last[i, c] = t
        for k in range(n_marks):
            d = max_time[i] - last[i, k]
            ed = math.exp(-beta[k] * d)
            gmu[i, k] -= d
            galpha[i, k] -= s[i, k] * (1.0 - ed)
            gbeta[i, k] -= alpha[k] * (ds[i, k] * (1.0 - ed) + s[i, k] * d * ed)
            dsout[i, k] = ed * (ds[i, k] - d * s[i, k])
