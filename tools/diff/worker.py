"""Run diff cases under one framework and write one JSON line per case.

Usage: python worker.py MODULE CASEFILE OUTFILE [START [STOP]]
MODULE is `mxnet` or `mxnb`; each case's code runs with `mx` bound to it and `np` to NumPy, in a
fresh namespace; stdout, the exception type (if any) and its message are recorded.
"""
import contextlib
import importlib
import io
import json
import sys
import traceback
import warnings


def main():
    modname, casefile, outfile = sys.argv[1:4]
    start = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    stop = int(sys.argv[5]) if len(sys.argv) > 5 else None
    import numpy as np
    mx = importlib.import_module(modname)
    printopts = np.get_printoptions()
    with open(casefile) as f:
        cases = json.load(f)
    with open(outfile, "a") as out:
        for i in range(start, len(cases) if stop is None else stop):
            name, code = cases[i]
            buf = io.StringIO()
            exc = msg = None
            ns = {"mx": mx, "np": np, "__name__": "__case__"}
            # MXNet's failing assert_almost_equal leaves NumPy's print threshold at 4.
            np.set_printoptions(**printopts)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(compile(code, name, "exec"), ns)
                        # MXNet runs asynchronously: make its errors surface in this case.
                        mx.nd.waitall()
                except BaseException as e:  # noqa: B902 - record every failure, SystemExit too
                    exc = type(e).__name__
                    msg = str(e)[:400]
                    if modname == "mxnb" and exc not in ("MXNetError", "ValueError", "TypeError",
                                                         "AssertionError", "KeyError",
                                                         "IndexError", "NotImplementedError"):
                        msg += "\n" + traceback.format_exc()[-1500:]
            for fn in ("set_recording", "set_training"):
                try:
                    getattr(mx.autograd, fn)(False)
                except Exception:
                    pass
            out.write(json.dumps({"i": i, "name": name, "out": buf.getvalue(), "exc": exc,
                                  "msg": msg}) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
