"""Test helper: run the thread-pool paths (kernels/workers.py) whatever the machine's load."""
from mxnb.base import settings
from mxnb.kernels import workers


def threads_used(monkeypatch):
    """Force threads (even on a busy machine) and record the thread count of each call."""
    monkeypatch.setattr(workers, "_idle_cpus", lambda: 8)
    monkeypatch.setattr(settings, "par_min", 0)
    used = []
    run = workers.run_chunks

    def spy(fn, chunks, threads):
        used.append(threads)
        return run(fn, chunks, threads)

    monkeypatch.setattr(workers, "run_chunks", spy)
    return used
