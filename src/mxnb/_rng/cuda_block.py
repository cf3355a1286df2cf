"""Block-cooperative MT19937 kernels: one CUDA block per generator.

One thread per generator (as `cuda_kernels` does for the normal sampler) runs
only 1024 threads on a card with 132 SMs, each walking its own 2.5 KB state
in global memory with strided loads: a 1e8 uniform fill took 43 ms on an H200,
five times *slower* than the 16-core CPU fill. Here the generator's 624 words
live in shared memory and a whole block works on them:

* the twist runs in three dependency phases (words 0..226 need only old words,
  227..453 need the new words 0..226, 454..623 the new 227..396), into a
  second shared buffer, so no phase reads what another thread writes;
* the up-to-624 outputs of one state are then written in parallel, coalesced.

The outputs and their order are exactly those of the one-thread kernels (and
of the CPU pool): block g fills chunk g of MXNet's chunking, word after word.
A value made of two words (float64 uniforms, integers) may straddle a twist;
its first word is carried across it in a register every thread holds.
"""
import numpy as np
from numba import config, cuda, uint32

from mxnb._rng import cuda_kernels as _k

_SIM = bool(config.ENABLE_CUDASIM)
_NSTATE = 624
# Under the simulator each CUDA thread is a Python thread: keep blocks small there.
THREADS = 32 if _SIM else 256


@cuda.jit(device=True)
def _twist(s, o, tid, nt):
    """Twist buffer `o` of shared `s` (2, 624) into buffer 1 - o."""
    n = 1 - o
    for i in range(tid, 227, nt):
        s[n, i] = _k._mix(s[o, i], s[o, i + 1], s[o, i + 397])
    cuda.syncthreads()
    for i in range(227 + tid, 454, nt):
        s[n, i] = _k._mix(s[o, i], s[o, i + 1], s[n, i - 227])
    cuda.syncthreads()
    for i in range(454 + tid, 623, nt):
        s[n, i] = _k._mix(s[o, i], s[o, i + 1], s[n, i - 227])
    if tid == 0:
        s[n, 623] = _k._mix(s[o, 623], s[n, 0], s[n, 396])
    cuda.syncthreads()


@cuda.jit(device=True)
def _emit_uniform32(out, i, a, b, lo, scale, nb, words):
    k = i // nb
    out[i] = _k._fadd(lo[k], _k._fmul(scale[k], _k._u01_f32(a)))


@cuda.jit(device=True)
def _emit_uniform64(out, i, a, b, lo, scale, nb, words):
    # float64 values take two words; float32 values with float64 parameters one
    u = _k._u01_f64(a, b) if words == 2 else float(_k._u01_f32(a))
    k = i // nb
    out[i] = _k._dadd(lo[k], _k._dmul(scale[k], u))


@cuda.jit(device=True)
def _emit_randint(out, i, a, b, low, span, nb, words):
    u = np.uint64(np.uint64(a) << np.uint64(31)) + np.uint64(b)
    d = np.uint64(span[0])
    if u < np.uint64(2 ** 63):
        r = np.int64(u % d)
    else:
        r = -np.int64((np.uint64(0) - u) % d)
    out[i] = low[0] + r


def _make(emit):
    """A kernel that runs `emit` for each value of each block's chunk.

    `words` (1 or 2) is how many stream words one value takes.
    """

    @cuda.jit
    def kernel(mt, pos, out, nthread, step, pa, pb, nb, words):
        g = cuda.blockIdx.x
        if g >= nthread:     # the whole block leaves together: no barrier is split
            return
        tid = cuda.threadIdx.x
        nt = cuda.blockDim.x
        s = cuda.shared.array((2, _NSTATE), uint32)
        # every thread reads pos[g] and its share of mt[g] before the barrier, so
        # thread 0's write-back at the end cannot overtake a slower thread's read
        p = pos[g]
        for w in range(tid, _NSTATE, nt):
            s[0, w] = mt[g, w]
        cuda.syncthreads()
        buf = 0
        i = g * step
        end = i + step      # no min(): Numba's CUDA target mistypes min(int64, int64)
        if end > out.shape[0]:
            end = out.shape[0]
        carried = False
        carry = np.uint32(0)
        while i < end:
            if p >= _NSTATE:
                _twist(s, buf, tid, nt)
                buf = 1 - buf
                p = 0
            have = _NSTATE - p + (1 if carried else 0)
            m = have // words
            if m > end - i:
                m = end - i
            if m == 0:           # one word left before a twist: the next value's first
                carry = s[buf, p]
                carried = True
                p = _NSTATE
                continue
            c = 1 if carried else 0
            for j in range(tid, m, nt):
                v = words * j
                if v == 0 and carried:
                    a = carry
                else:
                    a = s[buf, p + v - c]
                b = np.uint32(0)
                if words == 2:
                    b = _k._temper(s[buf, p + v + 1 - c])
                emit(out, i + j, _k._temper(a), b, pa, pb, nb, words)
            p += words * m - c
            i += m
            carried = False
        # every thread has read the final buffer; none writes it again
        for w in range(tid, _NSTATE, nt):
            mt[g, w] = s[buf, w]
        if tid == 0:
            pos[g] = p

    return kernel


uniform_c32 = _make(_emit_uniform32)
uniform_c64 = _make(_emit_uniform64)
randint_k = _make(_emit_randint)

KERNELS = {"uniform_c32": uniform_c32, "uniform_c64": uniform_c64, "randint": randint_k}


def launch(name, nthread, *args):
    """Run block kernel `name` over `nthread` generators (one block each)."""
    KERNELS[name][nthread, THREADS](*args)
