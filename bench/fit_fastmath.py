"""Refit the minimax polynomials used in mxnb.kernels.fastmath.

Usage: python bench/fit_fastmath.py   (NumPy and SciPy; a few seconds)

Prints, for each polynomial, the float32 coefficients (highest degree first, as
the Horner code lists them) and the weighted max error of the float64 fit. The fit
is Lawson's iteratively reweighted least squares on 20000 Chebyshev nodes, which
converges to the minimax (equioscillating) solution. The log and tanh polynomials
are Cephes' logf/tanhf coefficients and are not refitted here.

Each weight makes the fitted quantity's error proportional to the final
function's error:
- exp:   e^r = 1 + r + r^2 P(r), |r| <= ln2/2, relative error of e^r.
- expm1: e^r - 1 = r + r^2 P(r), |r| <= 0.7, relative error of e^r - 1.
- erf, |x| < 0.95: erf(x) = x + x P(x^2), relative error of erf.
- erf, 0.95 <= x <= 3.93: erf(x) = 1 - exp(Q(x)), Q ~ log(erfc(x)); absolute error
  of erf, so the weight is erfc(x).
"""
import numpy as np


def lawson(f, w, degree, lo, hi, n=20000, iters=300):
    """Coefficients c[0..degree] (lowest first) minimising max |w (f - sum c_k x^k)|."""
    k = np.arange(n)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)
    a = np.stack([x ** p for p in range(degree + 1)], 1) * w(x)[:, None]
    b = f(x) * w(x)
    lam = np.full(n, 1.0 / n)
    for _ in range(iters):
        s = np.sqrt(lam)
        c = np.linalg.lstsq(a * s[:, None], b * s, rcond=None)[0]
        e = np.abs(a @ c - b)
        lam = lam * e
        lam /= lam.sum()
    return c, e.max()


def show(name, c, err):
    coeffs = ", ".join(repr(float(np.float32(v))) for v in c[::-1])
    print(f"{name}: max weighted error {err:.3g}\n    {coeffs}")


def main():
    from scipy.special import erf, erfc

    half_ln2 = np.log(2.0) / 2
    show("exp P", *lawson(lambda r: (np.expm1(r) - r) / r ** 2, lambda r: r ** 2 / np.exp(r),
                          5, -half_ln2, half_ln2))
    show("expm1 P", *lawson(lambda r: (np.expm1(r) - r) / r ** 2,
                            lambda r: r ** 2 / np.abs(np.expm1(r)), 6, -0.7, 0.7))
    t = 0.95
    show("erf small P", *lawson(lambda z: erf(np.sqrt(z)) / np.sqrt(z) - 1,
                                lambda z: np.sqrt(z) / erf(np.sqrt(z)), 6, 1e-12, t * t))
    show("erf large Q", *lawson(lambda x: np.log(erfc(x)), erfc, 6, t, 3.93))


if __name__ == "__main__":
    main()
