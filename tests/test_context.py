"""Contexts without a GPU: mx.cpu()/mx.gpu() objects, num_gpus(), and the errors for a missing GPU.

GPU arrays themselves are tested in tests/cuda (under Numba's simulator).
"""
import os
import subprocess
import sys

import pytest

import mxnb as mx

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def _run(code, **env):
    e = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    e["PYTHONPATH"] = SRC + os.pathsep + e.get("PYTHONPATH", "")
    e.update(env)
    return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True,
                          timeout=120)


def test_contexts_are_labels_that_compare_and_print_as_mxnet():
    assert repr(mx.gpu()) == "gpu(0)" and str(mx.gpu(1)) == "gpu(1)"
    assert mx.gpu(1) == mx.Context("gpu", 1) and mx.gpu(0) != mx.cpu(0)
    assert mx.gpu(2).device_type == "gpu" and mx.gpu(2).device_id == 2
    assert len({mx.gpu(0), mx.gpu(0), mx.cpu(0)}) == 2
    with mx.gpu(0):  # making a context current needs no GPU, as in MXNet
        assert mx.current_context() == mx.gpu(0)
    assert mx.current_context() == mx.cpu(0)


def test_no_gpu_means_zero_gpus_and_a_clear_error():
    code = (
        "import mxnb as mx\n"
        "print(mx.context.num_gpus())\n"
        "try:\n"
        "    mx.nd.zeros((2,), ctx=mx.gpu())\n"
        "except mx.base.MXNetError as e:\n"
        "    print('ERR', e)\n"
    )
    r = _run(code, MXNB_DISABLE_CUDA="1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "0"
    assert lines[1].startswith("ERR gpu(0) is not available")
    assert "pip install mxnb[cuda]" in lines[1]


def test_without_the_simulator_this_machine_counts_its_real_gpus():
    r = _run("import mxnb as mx, shutil\n"
             "print(mx.context.num_gpus(), bool(shutil.which('nvidia-smi')))")
    assert r.returncode == 0, r.stderr
    n, has_driver = r.stdout.split()
    if has_driver == "True":
        pytest.skip("this machine has an NVIDIA driver")
    assert n == "0"


def test_simulator_counts_as_one_gpu_unless_disabled():
    code = "import mxnb as mx; print(mx.context.num_gpus())"
    assert _run(code, NUMBA_ENABLE_CUDASIM="1").stdout.strip() == "1"
    assert _run(code, NUMBA_ENABLE_CUDASIM="1", MXNB_DISABLE_CUDA="1").stdout.strip() == "0"


@pytest.mark.parametrize("make", [
    lambda: mx.nd.ones((2,), ctx=mx.gpu()),
    lambda: mx.nd.array([1, 2], ctx=mx.gpu(0)),
    lambda: mx.nd.arange(3, ctx=mx.gpu()),
    lambda: mx.nd.ones((2,)).as_in_context(mx.gpu()),
    lambda: mx.nd.ones((2,)).copyto(mx.gpu(3)),
])
def test_every_way_onto_a_missing_gpu_raises_mxneterror(make):
    if mx.context.num_gpus() > 0:
        pytest.skip("a GPU (or the simulator) is present")
    with pytest.raises(mx.base.MXNetError, match=r"gpu\(\d\) is not available.*mxnb\[cuda\]"):
        make()


def test_importing_mxnb_and_asking_for_gpus_keeps_cpu_code_numba_free():
    r = _run("import sys, mxnb as mx\n"
             "mx.gpu(); mx.nd.ones((2,)) + 1\n"
             "print('numba.cuda' in sys.modules)")
    assert r.stdout.strip() == "False", r.stderr
