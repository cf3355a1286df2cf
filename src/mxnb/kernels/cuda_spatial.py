"""CUDA kernels for the spatial ops on mx.gpu() (filled in by its task; empty tables run them through the host)."""

FORWARD = {}
BACKWARD = {}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    return []
