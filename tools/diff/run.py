"""Differential harness: run every case under MXNet 1.9.1 and under mxnb, compare outputs.

Usage (from the worktree root):
    python tools/diff/run.py [--ref PYTHON] [--mxnb PYTHON] [-k SUBSTR] [-v]

Cases live in tools/diff/cases_*.py as lists `CASES = [(name, code), ...]`. Each case runs in a
fresh namespace with `mx` (mxnet or mxnb) and `np`. Verdicts per case:
  same   stdout identical (after renaming mxnet -> mxnb) and same exception type (or none)
  close  same text skeleton, every number within rtol 1e-5 / atol 1e-6 (names starting
         `exact_` never get this verdict: bit-exact cases, e.g. seeded random draws)
  DIFF   anything else
The reference interpreter (a venv with mxnet 1.9.1) comes from --ref or $MXREF_PY; mxnb runs
under --mxnb / $MXNB_PY (default: this interpreter) with PYTHONPATH=src.
"""
import argparse
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NUM = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")


def load_cases(substr=None):
    cases = []
    for path in sorted(glob.glob(os.path.join(HERE, "cases_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name, code in mod.CASES:
            if substr is None or any(s in name for s in substr.split(",")):
                cases.append((name, code))
    names = [n for n, _ in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit("duplicate case names: %s" % sorted(dup))
    return cases


def _worker(python, module, casefile, outfile, env, timeout, start, stop=None, stall=120):
    """Run worker.py from case `start`; stop it after `timeout` s, or after `stall` s without a
    new result (MXNet 1.9.1 can hang instead of exiting after a segfault)."""
    import time

    cmd = [python, os.path.join(HERE, "worker.py"), module, casefile, outfile, str(start)]
    if stop is not None:
        cmd.append(str(stop))
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True)
        t0 = last_change = time.monotonic()
        size = os.path.getsize(outfile)
        while p.poll() is None:
            time.sleep(0.5)
            now = time.monotonic()
            new = os.path.getsize(outfile)
            if new != size:
                size, last_change = new, now
            if now - t0 > timeout or now - last_change > stall:
                p.kill()
                p.wait()
                return "timeout"
        err.seek(0)
        return err.read()[-2000:]


def _last(outfile):
    last = -1
    for line in open(outfile):
        last = json.loads(line)["i"]
    return last


def run_side(python, module, casefile, outfile, n, env, timeout):
    """Run the worker; after a crash (segfault, abort) rerun the case alone in a fresh process
    (MXNet's crashes may come from an earlier case's corrupted state), then go on."""
    open(outfile, "w").close()
    start = 0
    while start < n:
        _worker(python, module, casefile, outfile, env, timeout, start)
        last = _last(outfile)
        if last >= n - 1:
            break
        bad = max(last + 1, start)
        err = _worker(python, module, casefile, outfile, env, timeout, bad, bad + 1)
        if _last(outfile) != bad:
            with open(outfile, "a") as f:
                f.write(json.dumps({"i": bad, "out": "", "exc": "CRASH", "msg": err}) + "\n")
        start = bad + 1
    res = {}
    for line in open(outfile):
        r = json.loads(line)
        res[r["i"]] = r
    return res


def skeleton(text):
    # NumPy pads columns to the widest number: spacing is not part of the skeleton.
    sk = re.sub(r"\s*([\[\]])\s*", r"\1", " ".join(NUM.sub("#", text).split()))
    return sk, [float(x) for x in NUM.findall(text)]


# NumPy 2 prints scalars as `np.float32(2.0)`, NumPy 1.23 as `2.0`: not mxnb's doing.
NPSCALAR = re.compile(r"np\.(?:float|int|uint|bool|complex)\w*\(([^()]*)\)")


def verdict(name, a, b):
    if a["exc"] != b["exc"]:
        return "DIFF"
    ta = a["out"].replace("mxnet", "mxnb")
    tb = NPSCALAR.sub(r"\1", b["out"]).replace("<class 'numpy.bool'>", "<class 'numpy.bool_'>")
    if ta == tb:
        return "same"
    if name.startswith("exact_"):
        return "DIFF"
    sa, na = skeleton(ta)
    sb, nb = skeleton(tb)
    if sa != sb or len(na) != len(nb):
        return "DIFF"
    import numpy as np
    if np.allclose(na, nb, rtol=1e-5, atol=1e-6, equal_nan=True):
        return "close"
    return "DIFF"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=os.environ.get("MXREF_PY"))
    ap.add_argument("--mxnb", default=os.environ.get("MXNB_PY", sys.executable))
    ap.add_argument("-k", default=None, help="comma-separated name substrings")
    ap.add_argument("-v", action="store_true", help="show outputs of close cases too")
    ap.add_argument("--all", action="store_true", help="show known differences in full too")
    ap.add_argument("--timeout", type=int, default=1200)
    ap.add_argument("--json", default=None, help="write per-case verdicts here")
    args = ap.parse_args()
    if not args.ref:
        raise SystemExit("give the MXNet 1.9.1 interpreter with --ref or MXREF_PY")
    cases = load_cases(args.k)
    tmp = tempfile.mkdtemp(prefix="mxdiff")
    casefile = os.path.join(tmp, "cases.json")
    with open(casefile, "w") as f:
        json.dump(cases, f)
    env_ref = dict(os.environ, PYTHONPATH="")
    env_nb = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:
        fa = ex.submit(run_side, args.ref, "mxnet", casefile, os.path.join(tmp, "ref.jsonl"),
                       len(cases), env_ref, args.timeout)
        fb = ex.submit(run_side, args.mxnb, "mxnb", casefile, os.path.join(tmp, "nb.jsonl"),
                       len(cases), env_nb, args.timeout)
        ra, rb = fa.result(), fb.result()
    sys.path.insert(0, HERE)
    from known import reason

    counts = {"same": 0, "close": 0, "DIFF": 0, "known": 0}
    verdicts = {}
    known = []
    for i, (name, code) in enumerate(cases):
        a, b = ra[i], rb[i]
        v = verdict(name, a, b)
        if v == "DIFF" and reason(name) and not args.all:
            known.append((name, reason(name)))
            v = "known"
        counts[v] += 1
        verdicts[name] = v
        if v == "DIFF" or (v == "close" and args.v):
            print("=" * 30, v, name)
            print(code.strip())
            print("--- mxnet: %s %s" % (a["exc"] or "", (a["msg"] or "")[:300]))
            print(a["out"].rstrip())
            print("--- mxnb:  %s %s" % (b["exc"] or "", (b["msg"] or "")[:1500]))
            print(b["out"].rstrip())
    if known:
        print("\nknown differences (tools/diff/known.py):")
        for name, why in known:
            print("  %-32s %s" % (name, why))
    print("\n%d cases: %s" % (len(cases), counts))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(verdicts, f, indent=0)


if __name__ == "__main__":
    main()
