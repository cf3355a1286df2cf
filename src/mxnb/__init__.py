"""mxnb: MXNet 1.x imperative API on Numba kernels."""
__version__ = "0.1.0"
