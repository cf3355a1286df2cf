"""The MT19937 stream's CUDA kernels: one CUDA block per generator.

One thread per generator, the first design, runs only 1024 threads on a card with
132 SMs, each walking its own 2.5 KB state in global memory with strided loads:
a 1e8 uniform fill took 43 ms on an H200, five times *slower* than the 16-core
CPU fill (now 1.0 ms). Here the generator's 624 words live in shared memory and
a whole block works on them:

* the twist writes a second shared buffer by columns: new word w (< 227) needs
  only old words, w + 227 needs new w, w + 454 needs new w + 227, so one thread
  makes a column from registers and the twist needs a single barrier;
* uniforms and integers: the up-to-624 values of one state are written in
  parallel, coalesced; a value of two words (float64, integers) may straddle a
  twist, and its first word is carried across it in a register every thread holds;
* normals (the polar method rejects about 21% of its candidates): each thread
  judges one candidate, and a block scan of the accept flags gives each accepted
  value its place; up to 3 words are carried over a twist in shared memory.

The values and their order are exactly the CPU pool's: block g fills chunk g of
MXNet's chunking, word after word, and stops where the CPU stops.
"""
import math
import os

import numpy as np
from numba import config, cuda, int32, uint32

from mxnb._rng import cuda_kernels as _k

_SIM = bool(config.ENABLE_CUDASIM)
_NSTATE = 624
_NSHARED = 2 * _NSTATE    # two states in shared memory: s[cur:cur + 624] is live
_F32 = np.float32
_U = np.uint32
# Under the simulator each CUDA thread is a Python thread: keep blocks small there.
# On an H200 (1e8 float32 values), after the column twist, uint32 indices and the
# compile-time `words` (about 2.5x fewer sm_90 instructions a round): uniform 0.66 ms at
# 256 threads against 0.90 ms at 128 (1.00 ms at 128 before those changes), while the
# normals stay best at 128 (3.99 ms; 5.05 ms at 256). So the two kernel families launch
# with their own block sizes: MXNB_RNG_THREADS (normals; their block scan's shared array
# is sized by it) and MXNB_RNG_UNIFORM_THREADS (uniforms, randint), powers of two 32..512.
THREADS = int(os.environ.get("MXNB_RNG_THREADS", 32 if _SIM else 128))
UNIFORM_THREADS = int(os.environ.get("MXNB_RNG_UNIFORM_THREADS", THREADS if _SIM else 256))
for _t, _v in (("MXNB_RNG_THREADS", THREADS), ("MXNB_RNG_UNIFORM_THREADS", UNIFORM_THREADS)):
    if _v not in (32, 64, 128, 256, 512) and not (_SIM and 0 < _v <= 512):
        raise ValueError(f"{_t} must be 32, 64, 128, 256 or 512, got {_v}")


@cuda.jit(device=True)
def _twist(s, cur, tid, nt):
    """Twist the state at s[cur:cur + 624] into the other half of s (cur is 0 or 624),
    then a barrier."""
    # New word w + 227 needs new word w, and w + 454 needs w + 227: one thread makes
    # all three of a column w < 227 and keeps them in registers, so no thread reads
    # another's new words and one barrier (at the end) is enough. Word 623 needs new
    # words 0 and 396: the thread of column 169 makes it, recomputing word 0.
    # The counter is uint32 (an int64 add or compare is two instructions on the
    # device); each index is a uint64 made from one uint32 sum, so Numba adds no
    # negative-index wraparound and s[b + 1], s[b + 397] fold into address offsets.
    L = np.uint64
    nxt = _U(_U(_NSTATE) - cur)
    w = tid
    while w < _U(227):
        b = L(_U(cur + w))
        d = L(_U(nxt + w))
        x = _k._mix(s[b], s[b + L(1)], s[b + L(397)])
        s[d] = x
        y = _k._mix(s[b + L(227)], s[b + L(228)], x)
        s[d + L(227)] = y
        if w < _U(169):
            s[d + L(454)] = _k._mix(s[b + L(454)], s[b + L(455)], y)
        elif w == _U(169):
            x0 = _k._mix(s[cur], s[_U(cur + _U(1))], s[_U(cur + _U(397))])
            s[d + L(454)] = _k._mix(s[b + L(454)], x0, y)
        w = _U(w + nt)
    cuda.syncthreads()


@cuda.jit(device=True)
def _load(mt, g, s, tid, nt):
    """Generator g's state into s[0:624], then a barrier."""
    w = tid
    while w < _U(_NSTATE):
        s[w] = mt[g, w]
        w = _U(w + nt)
    cuda.syncthreads()


@cuda.jit(device=True)
def _store(mt, pos, g, s, cur, p, tid, nt):
    """s[cur:cur + 624] and position p back as generator g's state (every thread has read
    the final buffer; none writes it again)."""
    w = tid
    while w < _U(_NSTATE):
        mt[g, w] = s[_U(cur + w)]
        w = _U(w + nt)
    if tid == _U(0):
        pos[g] = p


@cuda.jit(device=True)
def _chunk(g, step, n):
    """[begin, end) of chunk g (no min(): Numba's CUDA target mistypes min(int64, int64))."""
    i = g * step
    end = i + step
    if end > n:
        end = n
    return i, end


@cuda.jit(device=True)
def _emit_uniform32(out, j, a, b, lo, scale, words):
    out[j] = _k._fadd(lo, _k._fmul(scale, _k._u01_f32(a)))


@cuda.jit(device=True)
def _emit_uniform64(out, j, a, b, lo, scale, words):
    # float64 values take two words; float32 values with float64 parameters one
    u = _k._u01_f64(a, b) if words == 2 else float(_k._u01_f32(a))
    out[j] = _k._dadd(lo, _k._dmul(scale, u))


@cuda.jit(device=True)
def _emit_randint(out, j, a, b, low, span, words):
    u = np.uint64(np.uint64(a) << np.uint64(31)) + np.uint64(b)
    d = np.uint64(span)
    if u < np.uint64(2 ** 63):
        r = np.int64(u % d)
    else:
        r = -np.int64((np.uint64(0) - u) % d)
    out[j] = low + r


@cuda.jit(device=True)
def _value_words(s, base, j, cu, carry, words):
    """The tempered words (a, b) of value j of a round: the first word of value 0 is
    `carry` when cu is 1 (it was carried over a twist); b is 0 for one-word values."""
    if words == 1:
        return _k._temper(s[_U(base + j)]), _U(0)
    w = np.uint64(_U(base + j + j + _U(1) - cu))    # the second word's index
    if cu == _U(1) and j == _U(0):
        a = carry
    else:
        a = s[w - np.uint64(1)]
    return _k._temper(a), _k._temper(s[w])


def _make(emit, words):
    """A kernel that runs `emit` for each value of each block's chunk.

    `words` (1 or 2, a compile-time constant) is how many stream words one value
    takes. The kernel keeps a `words` argument so every block kernel has one
    argument list; `launch` picks the kernel by it.
    """

    @cuda.jit
    def kernel(mt, pos, out, nthread, step, pa, pb, nb, words_arg):
        g = cuda.blockIdx.x
        if g >= nthread:     # the whole block leaves together: no barrier is split
            return
        tid = _U(cuda.threadIdx.x)
        nt = _U(cuda.blockDim.x)
        s = cuda.shared.array(_NSHARED, uint32)
        # every thread reads pos[g] (and its share of mt[g]) before _load's barrier, so
        # thread 0's write-back at the end cannot overtake a slower thread's read
        p = pos[g]
        _load(mt, g, s, tid, nt)
        cur = _U(0)
        single = nb >= out.shape[0]
        # one parameter pair for the whole array: read it once, not per value
        pa0 = pa[0]
        pb0 = pb[0]
        i, end = _chunk(g, step, out.shape[0])
        carried = False
        carry = np.uint32(0)
        while i < end:
            if p >= _NSTATE:
                _twist(s, cur, tid, nt)
                cur = _U(_U(_NSTATE) - cur)
                p = 0
            c = 1 if carried else 0
            m = (_NSTATE - p + c) // words
            if m > end - i:
                m = end - i
            if words == 2 and m == 0:   # one word left before a twist: carry it over
                carry = s[_U(cur + _U(p))]
                carried = True
                p = _NSTATE
                continue
            iu = np.uint64(i)     # unsigned indices: no wraparound test per access
            mu = _U(m)
            base = _U(cur + _U(p))
            cu = _U(c)
            j = tid
            if single:
                while j < mu:
                    a, b = _value_words(s, base, j, cu, carry, words)
                    emit(out, iu + np.uint64(j), a, b, pa0, pb0, words)
                    j = _U(j + nt)
            else:
                while j < mu:
                    a, b = _value_words(s, base, j, cu, carry, words)
                    # per-parameter draws pay a division per value; unsigned skips
                    # the sign fix-ups and the index wraparound
                    q = iu + np.uint64(j)
                    k = q // np.uint64(nb)
                    emit(out, q, a, b, pa[k], pb[k], words)
                    j = _U(j + nt)
            p += words * m - c
            i += m
            carried = False
        _store(mt, pos, g, s, cur, p, tid, nt)

    return kernel


# ---------------------------------------------------------------------------
# normals: Marsaglia's polar method, one candidate per thread, a block scan
# ---------------------------------------------------------------------------
@cuda.jit(device=True)
def _polar32(a, b, c, d, words):
    """float32 polar candidate from two words: (accepted, y * sqrt(-2 ln r2 / r2))."""
    x = _F32(2.0) * _k._u01_f32(a) - _F32(1.0)
    y = _F32(2.0) * _k._u01_f32(b) - _F32(1.0)
    r2 = _k._fadd(_k._fmul(x, x), _k._fmul(y, y))
    if r2 <= _F32(1.0) and r2 != _F32(0.0):
        return True, _k._fmul(y, _F32(math.sqrt(_F32(-2.0) * _k._logf(r2) / r2)))
    return False, _F32(0.0)


@cuda.jit(device=True)
def _polar64(a, b, c, d, words):
    """float64 value of a candidate: the double polar method from four words (float64 out)
    or the float32 one from two (float32 out, float64 parameters)."""
    if words == 4:
        x = 2.0 * _k._u01_f64(a, b) - 1.0
        y = 2.0 * _k._u01_f64(c, d) - 1.0
        r2 = _k._dadd(_k._dmul(x, x), _k._dmul(y, y))
        if r2 <= 1.0 and r2 != 0.0:
            return True, _k._dmul(y, math.sqrt(-2.0 * _k._log_f64(r2) / r2))
        return False, 0.0
    ok, z = _polar32(a, b, c, d, words)
    return ok, float(z)


@cuda.jit(device=True)
def _put32(out, i, k, z, loc, sd):
    out[i] = _k._fadd(_k._fmul(z, sd[k]), loc[k])


@cuda.jit(device=True)
def _put64(out, i, k, z, loc, sd):
    out[i] = _k._dadd(_k._dmul(z, sd[k]), loc[k])


@cuda.jit(device=True)
def _word(s, buf, p, left, c, v):
    """Word v of the window: the c words left over from the last state, then s[buf, p:]."""
    if v < c:
        return left[v]
    return s[buf * _NSTATE + p + v - c]


def _make_normal(cand, put):
    """A normal kernel: `words` (2 or 4) words make one candidate, `cand` judges it.

    Each round gives every thread one candidate; an exclusive scan of the accept
    flags gives each accepted value its place. The chunk ends at the candidate that
    gives its last value, so the stream stops exactly where the CPU's does.
    """

    @cuda.jit
    def kernel(mt, pos, out, nthread, step, loc, sd, nb, words):
        g = cuda.blockIdx.x
        if g >= nthread:
            return
        tid = cuda.threadIdx.x
        nt = cuda.blockDim.x
        s = cuda.shared.array(_NSHARED, uint32)
        left = cuda.shared.array(4, uint32)       # words carried over a twist
        sc = cuda.shared.array((2, THREADS), int32)
        last = cuda.shared.array(1, int32)
        p = pos[g]     # read before _load's barrier (see the uniform kernel)
        _load(mt, g, s, _U(tid), _U(nt))
        buf = 0
        single = nb >= out.shape[0]
        i, end = _chunk(g, step, out.shape[0])
        c = 0
        while i < end:
            if p >= _NSTATE:
                _twist(s, _U(buf * _NSTATE), _U(tid), _U(nt))
                buf = 1 - buf
                p = 0
            have = c + _NSTATE - p
            ncand = have // words
            base = 0
            while base < ncand and i < end:
                j = base + tid
                # threads past the last candidate judge candidate 0 and drop it: z then
                # has one type on every path
                v = words * j if j < ncand else 0
                w0 = _k._temper(_word(s, buf, p, left, c, v))
                w1 = _k._temper(_word(s, buf, p, left, c, v + 1))
                w2 = w0
                w3 = w1
                if words == 4:
                    w2 = _k._temper(_word(s, buf, p, left, c, v + 2))
                    w3 = _k._temper(_word(s, buf, p, left, c, v + 3))
                ok, z = cand(w0, w1, w2, w3, words)
                ok = ok and j < ncand
                # inclusive Hillis-Steele scan of the flags, ping-pong buffers
                flag = 1 if ok else 0
                sc[0, tid] = flag
                cuda.syncthreads()
                src = 0
                d = 1
                while d < nt:
                    acc = sc[src, tid]
                    if tid >= d:
                        acc += sc[src, tid - d]
                    sc[1 - src, tid] = acc
                    src = 1 - src
                    cuda.syncthreads()
                    d *= 2
                before = sc[src, tid] - flag
                total = sc[src, nt - 1]
                need = end - i
                if ok and before < need:
                    k = 0 if single else (i + before) // nb
                    put(out, i + before, k, z, loc, sd)
                if total >= need:
                    if ok and before == need - 1:
                        last[0] = j
                    cuda.syncthreads()
                    p += words * (last[0] + 1) - c
                    c = 0
                    i = end
                else:
                    i += total
                    base += nt
                cuda.syncthreads()     # the scan buffers are rewritten next round
            if i < end:
                # this state is spent: its last (have mod words) words start the next window
                r = have - ncand * words
                if tid < r:
                    left[tid] = _word(s, buf, p, left, c, ncand * words + tid)
                cuda.syncthreads()
                c = r
                p = _NSTATE
        _store(mt, pos, g, s, _U(buf * _NSTATE), p, _U(tid), _U(nt))

    return kernel


uniform_c32 = _make(_emit_uniform32, 1)
uniform_c64 = _make(_emit_uniform64, 2)
uniform_c64_w1 = _make(_emit_uniform64, 1)     # float32 values, float64 parameters
randint_k = _make(_emit_randint, 2)

normal_c32 = _make_normal(_polar32, _put32)
normal_c64 = _make_normal(_polar64, _put64)

KERNELS = {"uniform_c32": uniform_c32, "uniform_c64": uniform_c64,
           "uniform_c64_w1": uniform_c64_w1, "randint": randint_k,
           "normal_c32": normal_c32, "normal_c64": normal_c64}


def launch(name, nthread, *args):
    """Run block kernel `name` over `nthread` generators (one block each); the last
    argument is the words per value."""
    if name == "uniform_c64" and args[-1] == 1:
        name = "uniform_c64_w1"
    threads = THREADS if name.startswith("normal") else UNIFORM_THREADS
    KERNELS[name][nthread, threads](*args)
