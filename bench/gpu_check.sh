#!/usr/bin/env bash
# One prepared check of mxnb on a lent NVIDIA GPU (H100/H200, 16 cores, no network), < 8 min:
#   1. install the project with the cuda extra (offline: what the machine has),
#   2. time the issue-6 targets beside CuPy and PyTorch (bench/gpu_check.py), one table,
#   3. run tests/cuda on the GPU (the same tests CI runs under the simulator).
# Timings come first: they are what only a lent card can give, and the tests' time limit is the
# part that may run out.
# Logs and the table go to $OUT (the device tool's folder) or /tmp/mxnb-gpu-check.
#
#   bash bench/gpu_check.sh            # everything
#   SKIP_TESTS=1 bash bench/gpu_check.sh   # timings only
#   TESTS=tests/cuda/test_rng_cuda.py bash bench/gpu_check.sh   # timings and some tests
#   RNG_PROBE=1 bash bench/gpu_check.sh   # also the random stream's block-size sweep
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/mxnb-gpu-check}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
start=$(date +%s)
say() { echo "== [$(( $(date +%s) - start )) s] $*"; }

say "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -2
nproc

# numba-cuda as shipped on the lent image registers an overload for np.row_stack, which NumPy 2.5
# removed: its import fails there. Give that interpreter the alias (this run only, not mxnb).
if ! $PY -c "import numpy; numpy.row_stack" 2>/dev/null; then
    mkdir -p /tmp/mxnb-np-shim
    printf 'import numpy\nnumpy.row_stack = numpy.vstack\n' >/tmp/mxnb-np-shim/sitecustomize.py
    export PYTHONPATH="/tmp/mxnb-np-shim${PYTHONPATH:+:$PYTHONPATH}"
    echo "numpy without row_stack: shimmed for numba-cuda's import"
fi

say "install (offline, the cuda extra; falls back to PYTHONPATH=src)"
if ! $PY -m pip install -q --no-build-isolation --no-index --no-deps -e ".[test,cuda]" \
        >"$OUT/pip.log" 2>&1; then
    tail -3 "$OUT/pip.log"
    export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
fi
$PY - <<'EOF'
import numpy, numba, mxnb
from numba import cuda
print("numpy", numpy.__version__, "numba", numba.__version__,
      "cuda target", getattr(cuda, "implementation", "?"), "gpu", cuda.is_available(),
      "mxnb gpus", mxnb.context.num_gpus())
EOF

say "timings"
timeout ${TIMINGS_LIMIT:-200} $PY bench/gpu_check.py ${TIMINGS_ARGS:-} 2>&1 | tee "$OUT/gpu_check.txt" | tail -40

if [ -n "${RNG_PROBE:-}" ]; then
    say "random stream: block-size sweep with a bit check"
    PYTHONWARNINGS=ignore timeout 200 $PY bench/gpu_rng_probe.py 2>&1 | grep -E "^threads|Error|error" | tail -12
fi

say "glibc log transcription on the device (float64 normals)"
timeout 60 $PY bench/check_log_f64.py --cuda 2>&1 | tail -8

if [ -z "${SKIP_TESTS:-}" ]; then
    say "tests/cuda on the GPU (test_ptx runs in CI; the kernels compile for this card here)"
    # -rfE names every failure at the end; the verbose log keeps each result as it comes, so a
    # run cut short by the limit still tells what passed
    XDIST=""
    $PY -c "import xdist" 2>/dev/null && XDIST="-n ${WORKERS:-$(nproc)}"
    TIMEOUT=""
    $PY -c "import pytest_timeout" 2>/dev/null && TIMEOUT="--timeout 120"
    timeout ${TESTS_LIMIT:-270} $PY -m pytest ${TESTS:-tests/cuda} -v -rfE -p no:cacheprovider \
        $XDIST $TIMEOUT --ignore=tests/cuda/test_ptx.py --durations=15 >"$OUT/tests.log" 2>&1
    echo "pytest exit: $?"
    grep -E "^(FAILED|ERROR)|passed|failed" "$OUT/tests.log" | tail -60
    echo "pytest exit: ${PIPESTATUS[0]}"
fi

say "done"
