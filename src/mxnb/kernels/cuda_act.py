"""Activation, LeakyReLU and Dropout on mx.gpu(): not yet built here; these ops run through the host (`cuda_launch.host_fallback`)."""

FORWARD = {}
BACKWARD = {}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    return []
