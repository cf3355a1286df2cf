"""Chunks of a serial (nogil) kernel's work spread over Python threads, taken in turn.

Why not a numba `prange` kernel: on a shared 2-core machine OpenMP's static split
waits for a worker the OS holds back, and a 1 ms gather then takes 4 or 8 ms
(numba-facts Q2, "stall hazard"; measured again for take: serial 2 ms, prange
1 ms when the machine was quiet, 8 ms median under load). Here every thread,
the caller included, takes the next chunk until none is left, so a held-back
helper delays the call by at most the one chunk it holds. It also saves
compiling a parallel variant of each kernel (3 to 15 s each).

Threads only pay when a core is idle: with another process running on the second
of two cores, a helper shares the caller's core and take ran 2x slower than
serially (sorts: no faster). So a call counts the threads running on the machine
(Linux's /proc/loadavg, 3 us) and only uses as many as there are idle CPUs.

The kernels must release the GIL (`nogil=True`) and write disjoint outputs per
chunk, so the result does not depend on the thread count.
"""
import itertools
import os
from concurrent.futures import ThreadPoolExecutor

from .._jit import numba
from . import builder

_nb = numba()
_pool = {}
_proc = {}
# Handing a chunk to a thread costs some 10-50 us (a wake-up), so a call goes on threads only
# when its work (elements x cost) is this many times builder's parallel threshold.
_MIN_FACTOR = 4


def threads_for(n, cost):
    """How many threads a call of `n` elements at `cost` per element should use (1: serial)."""
    if not builder.use_parallel(n, cost / _MIN_FACTOR):
        return 1
    return max(1, min(_nb.get_num_threads(), _idle_cpus() + 1))


def _idle_cpus():
    """CPUs of this process not running anything now, the calling thread aside (the count of
    running threads is machine-wide: in a container it may overstate the load, which only
    makes calls serial)."""
    fd = _proc.get("fd")
    if fd is None:
        try:
            _proc["fd"] = fd = os.open("/proc/loadavg", os.O_RDONLY)
        except OSError:
            _proc["fd"] = fd = -1
    if fd < 0:
        return _cpus()
    try:
        running = int(os.pread(fd, 64, 0).split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return _cpus()
    return max(0, _cpus() - running)


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _executor(threads):
    """This process's pool (a forked child must not reuse its parent's threads)."""
    key = (os.getpid(), threads)
    ex = _pool.get(key)
    if ex is None:
        _pool.clear()
        ex = _pool[key] = ThreadPoolExecutor(threads - 1, thread_name_prefix="mxnb-work")
    return ex


def run_chunks(fn, chunks, threads):
    """Call fn(c) for c in range(chunks), spread over `threads` threads (the caller's among
    them), each taking the next c until none is left. Example::

        run_chunks(lambda c: out[c::4].fill(c), 4, 2)
    """
    if threads < 2 or chunks < 2:
        for c in range(chunks):
            fn(c)
        return
    taken = itertools.count()
    stop = []

    def work():
        for c in taken:
            if c >= chunks or stop:
                return
            fn(c)

    helpers = [_executor(threads).submit(work) for _ in range(min(threads, chunks) - 1)]
    try:
        work()
    except BaseException:
        stop.append(True)
        raise
    finally:
        for h in helpers:
            h.result()
