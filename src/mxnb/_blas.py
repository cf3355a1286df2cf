"""Keep Numba's parallel kernels off the CPUs where BLAS threads are still spinning.

NumPy's OpenBLAS runs a large gemm on several threads, and those threads then
busy-wait for the next call for about 2**28 cycles (0.1 s) before they sleep.
A Numba parallel kernel launched in that window needs every CPU at once while
the spinners hold some of them, so it stalls for whole scheduler slices (4-8 ms
a call measured on 2 CPUs, against 20-90 µs). A 1-layer LSTM (T=35, N=32,
I=H=200), whose every step is a gemm followed by gate kernels, ran its forward
in 395-439 ms this way, against 21 ms in NumPy.

So every mxnb op that calls BLAS on a product large enough for OpenBLAS to
thread reports it here, and `builder.use_parallel` chooses the serial kernel
while the spinners may still be awake. (Making Numba's own threads sleep instead,
`OMP_WAIT_POLICY=PASSIVE`, fixed that forward too but made every parallel call
cost 35-200 µs more; `OPENBLAS_THREAD_TIMEOUT` would have to be set before NumPy
is imported, which a library cannot promise.) BLAS calls the user makes directly
are not seen. `MXNB_BLAS_SPIN_S` sets the window (0 turns this off).
"""
import os
import time

# OpenBLAS threads a gemm whose m*n*k exceeds about 65536 * GEMM_MULTITHREAD_THRESHOLD (4).
_MT_MNK = 1 << 18
SPIN_S = float(os.environ.get("MXNB_BLAS_SPIN_S", "0.1"))
_until = [0.0]
_clock = time.perf_counter


def used(mnk):
    """Note a BLAS product of `mnk` multiply-adds that just ran (threaded if large)."""
    if mnk >= _MT_MNK and SPIN_S > 0:
        _until[0] = _clock() + SPIN_S


def spinning():
    """Whether BLAS threads may still be spinning from a product mxnb ran."""
    return _until[0] > _clock()
