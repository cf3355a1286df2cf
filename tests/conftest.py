"""Test settings: serial kernels unless a test asks for parallel ones (parallel kernels
compile 3x slower; the parallel-vs-serial tests force them explicitly)."""
import os

os.environ.setdefault("MXNB_PAR_MIN", str(1 << 62))
