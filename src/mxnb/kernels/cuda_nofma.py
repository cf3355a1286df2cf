"""mxnb's CUDA kernels are compiled with NVVM's `-fma=0`: each product rounded, as on the CPU.

NVVM contracts `a * b + c` into one fused multiply-add by default (`-fma=1`),
whatever the IR's flags say, and numba offers no option to turn that off. The
CPU kernels are compiled without contraction (MXNet's CPU build has none), and
a fused multiply-add moves a last bit: the simulator, which runs kernels as
Python, cannot show it.

`install()` wraps numba's `nvvm.compile_ir` (the one call every CUDA library
goes through, in numba's own CUDA target and in numba-cuda alike) so that a
library whose entry point is an mxnb kernel (mangled `_ZN4mxnb...`, or
`_ZN6cudapy4mxnb...` in numba's own target) is compiled with `fma=False`; the
PTX then carries `.rn` on every float add and multiply, which ptxas never fuses
(`cuda_ptx` checks this for every kernel). Kernels that may fuse say so in
their name with `FMA_OK`: the op table's elementwise ops that need not equal
the CPU bit for bit (`Op.gpu_fma`; libdevice's transcendentals differ from the
C library's anyway); the compute-bound GEMM's names (generated source) do not carry the mxnb
marker at all. Other users' kernels in the same process are left as they are.

NVVM's option holds only where NVVM generates the code. numba-cuda links with nvJitLink's
link-time optimisation by default, and there NVVM emits LTO IR whose code nvJitLink generates
with its own `-fma=1`: 12 bit-exact tests failed on an H200 that way, and compiled here with
numba-cuda 0.30.4 and nvJitLink 13 the PTX after LTO had fused multiply-adds in 22 float32
kernels. So these kernels are also linked without LTO (`cuda_build.jit_options`), and
`cuda_ptx` fails an exact kernel that would be.
"""
import re

FMA_OK = "fmaok"
# numba's own CUDA target mangles `mxnb.x.f` as _ZN6cudapy4mxnb..., numba-cuda 0.30 as _ZN4mxnb...
_MARK = re.compile(r"define[^\n]*@\"?_ZN(?:6cudapy)?4mxnb")
_installed = False


def wants_unfused(irs):
    """True when the NVVM program `irs` (list of IR strings, the library's own module first)
    is an mxnb kernel that must not contract multiply-adds."""
    head = irs[0] if irs else ""
    return _MARK.search(head) is not None and FMA_OK not in head


def install():
    """Wrap `numba.cuda.cudadrv.nvvm.compile_ir` once per process (no-op under the simulator,
    which has no NVVM)."""
    global _installed
    if _installed:
        return
    from numba.cuda.cudadrv import nvvm

    orig = nvvm.compile_ir

    def compile_ir(llvmir, **opts):
        irs = [llvmir] if isinstance(llvmir, str) else list(llvmir)
        if "fma" not in opts and not opts.get("fastmath") and wants_unfused(irs):
            opts["fma"] = False
        return orig(irs, **opts)

    compile_ir.__wrapped__ = orig
    nvvm.compile_ir = compile_ir
    _installed = True
