"""Numba kernel for the CTC loss (imported lazily: imports numba).

The algorithm, and its float32 rounding, is that of the warp-ctc CPU code MXNet
1.9.1 ships: a log-softmax per time step, forward variables (alphas) in log
space over the label with blanks, then one backward sweep that computes the
betas, accumulates alpha * beta per class and writes the gradient with respect
to the activations (before the softmax): softmax - posterior. Only the diagonal
band of (time, label position) cells that can still reach the end is visited,
as warp-ctc does; a label that cannot fit in the time steps
(length + repeats > T) gives loss 0 and a zero gradient, as in MXNet.

Activations are (T, N, C) flat; `grads` must be zeroed by the caller.
"""
# ruff: noqa: F821  (T, D are bound per dtype by spatial_kernels.kernel)
import math

import numpy as np


def _log_plus(p1, p2):
    """log(exp(p1) + exp(p2)) as warp-ctc computes it."""
    if p1 == -np.inf:
        return p2
    if p2 == -np.inf:
        return p1
    return T(math.log1p(math.exp(D(-abs(p1 - p2)))) + D(max(p1, p2)))


def ctc_loss(acts, lp, labels, lab_off, lab_len, in_len, N, C, blank, costs, grads):
    """costs[n] and grads (T, N, C) of the CTC loss of item n, for every n."""
    for n in prange(N):
        Tn = in_len[n]
        # log-softmax of each time step of this item
        for t in range(Tn):
            o = (n + N * t) * C
            m = T(-np.inf)
            for r in range(C):
                m = max(m, acts[o + r])
            den = T(0)
            for r in range(C):
                den += T(math.exp(acts[o + r] - m))
            ld = T(math.log(den))
            for r in range(C):
                lp[o + r] = acts[o + r] - m - ld
        L = lab_len[n]
        S = 2 * L + 1
        lab = labels[lab_off[n]:lab_off[n] + L]
        ext = np.empty(S, np.int64)
        s_inc = np.empty(S, np.int64)
        e_inc = np.empty(S, np.int64)
        repeats = 0
        sc = 0
        ec = 0
        s_inc[sc] = 1
        sc += 1
        for i in range(1, L):
            if lab[i - 1] == lab[i]:
                s_inc[sc] = 1
                s_inc[sc + 1] = 1
                sc += 2
                e_inc[ec] = 1
                e_inc[ec + 1] = 1
                ec += 2
                repeats += 1
            else:
                s_inc[sc] = 2
                sc += 1
                e_inc[ec] = 2
                ec += 1
        e_inc[ec] = 1
        for i in range(L):
            ext[2 * i] = blank
            ext[2 * i + 1] = lab[i]
        ext[S - 1] = blank
        if L + repeats > Tn:
            costs[n] = T(0)
            continue
        NC = N * C
        base = n * C
        alphas = np.full(S * Tn, T(-np.inf))
        # forward variables
        start = 0 if S // 2 + repeats - Tn < 0 else 1
        end = 2 if S > 1 else 1
        for i in range(start, end):
            alphas[i] = lp[base + ext[i]]
        for t in range(1, Tn):
            remain = S // 2 + repeats - (Tn - t)
            if remain >= 0:
                start += s_inc[remain]
            if t <= S // 2 + repeats:
                end += e_inc[t - 1]
            startloop = start
            i1 = t * S
            i2 = (t - 1) * S
            i3 = t * NC + base
            if start == 0:
                alphas[i1] = alphas[i2] + lp[blank + i3]
                startloop += 1
            for i in range(startloop, end):
                ps = LOG_PLUS(alphas[i + i2], alphas[i - 1 + i2])
                if ext[i] != blank and i != 1 and ext[i] != ext[i - 2]:
                    ps = LOG_PLUS(ps, alphas[i - 2 + i2])
                alphas[i + i1] = ps + lp[ext[i] + i3]
        loglike = T(-np.inf)
        for i in range(start, end):
            loglike = LOG_PLUS(loglike, alphas[i + (Tn - 1) * S])
        costs[n] = -loglike
        # backward variables and the gradient
        betas = np.full(S, T(-np.inf))
        out = np.full(C, T(-np.inf))
        start = S - 2 if S > 1 else 0
        end = S if Tn > S // 2 + repeats else S - 1
        i3 = (Tn - 1) * NC + base
        for i in range(start, end):
            betas[i] = lp[ext[i] + i3]
            alphas[i + (Tn - 1) * S] += betas[i]
            out[ext[i]] = LOG_PLUS(alphas[i + (Tn - 1) * S], out[ext[i]])
        GRAD_STEP(grads, lp, out, i3, C, loglike)
        for t in range(Tn - 2, -1, -1):
            remain = S // 2 + repeats - (Tn - t)
            if remain >= -1:
                start -= s_inc[remain + 1]
            if t < S // 2 + repeats:
                end -= e_inc[t]
            endloop = end - 1 if end == S else end
            i1 = t * S
            i3 = t * NC + base
            out[:] = T(-np.inf)
            for i in range(start, endloop):
                ns = LOG_PLUS(betas[i], betas[i + 1])
                if ext[i] != blank and i != S - 2 and ext[i] != ext[i + 2]:
                    ns = LOG_PLUS(ns, betas[i + 2])
                betas[i] = ns + lp[ext[i] + i3]
                alphas[i + i1] += betas[i]
                out[ext[i]] = LOG_PLUS(alphas[i + i1], out[ext[i]])
            if end == S:
                betas[S - 1] = betas[S - 1] + lp[blank + i3]
                alphas[S - 1 + i1] += betas[S - 1]
                out[ext[S - 1]] = LOG_PLUS(alphas[S - 1 + i1], out[ext[S - 1]])
            GRAD_STEP(grads, lp, out, i3, C, loglike)


def _grad_step(grads, lp, out, i3, C, logz):
    """softmax - exp(log(alpha beta) - log p - log Z) for one time step of one item."""
    for r in range(C):
        v = lp[i3 + r]
        e = T(math.exp(v))
        if out[r] == T(0) or out[r] == -np.inf or v == -np.inf:
            grads[i3 + r] = e
        else:
            grads[i3 + r] = e - T(math.exp(out[r] - v - logz))


HELPERS = {"LOG_PLUS": _log_plus, "GRAD_STEP": _grad_step}


def run(dtype, work, *args):
    """ctc_loss compiled for float `dtype`, parallel over batch items when `work` pays."""
    from . import spatial_kernels

    spatial_kernels.run(ctc_loss, work, 8, dtype, *args)
