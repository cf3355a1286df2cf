"""Loops of the colour augmenters (`ops/image_random.py`) that NumPy cannot express in order."""
import numpy as np

from .._jit import njit


@njit(error_model="numpy", nogil=True, boundscheck=False)
def float_sum_of_doubles(terms):
    """C++'s `float sum; sum += term` over double terms, in order: each add is done in double
    and rounded to float (a Python loop took 0.6 s for a 224x224x3 image)."""
    s = np.float32(0)
    for i in range(terms.size):
        s = np.float32(np.float64(s) + terms[i])
    return s
