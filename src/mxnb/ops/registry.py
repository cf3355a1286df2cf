"""The op table and the one function every operator call goes through.

An `Op` carries everything the rest of mxnb derives from it: name and MXNet
aliases, input and attribute names, a shape/dtype rule (`infer`), the forward
(`forward`, usually a Numba kernel launch), the fused backward kernel
(`backward`), the VJP written in mxnb ops (`vjp`, differentiable again, so
`create_graph=True` works to any order), and the domain tests draw inputs from.
"""
import numpy as np

from ..base import MXNetError

OPS = {}


class Op:
    """One operator. See the module docstring; families build these through helpers.

    Gradient fields: an op either has a `vjp` (and usually a fused `backward`) or
    says `zero_grad=True`; `nondiff_inputs` lists input indices that get no
    gradient (indices, conditions). `smooth=True` means twice differentiable on
    the test domain (the op-table walk in tests/test_op_grads.py then checks
    order 2, else order 1).

    `test` tells that walk how to call the op. A dict, every key optional:

    * ``"shapes"``: one shape per input, e.g. ``[(2, 3), (3, 4)]``. Elementwise
      kinds have defaults (unary/scalar ``[(2, 3)]``, elemwise ``[(2, 3), (2, 3)]``,
      broadcast ``[(2, 3), (1, 3)]``); any other op must give shapes or ``"inputs"``.
    * ``"attrs"``: attribute values for the call, e.g. ``{"axis": 1}``; required
      attributes (default None) must appear here. Shorthand: keys that are
      attribute names of the op count as attrs (``test={"scalar": 1.7}``).
    * ``"domain"``: ``(lo, hi)`` for every input or a tuple of one per input;
      uniform float64 values are drawn there (default: ``op.domain``).
    * ``"inputs"``: ``rng -> [NumPy arrays]``, the input values themselves (for
      index arrays, distinct values, SPD matrices...); overrides shapes/domain.
    * ``"wrt"``: indices of the inputs to differentiate (default: all but
      ``nondiff_inputs``).
    * ``"order"``: the highest order to check (default 2 if smooth, else 1).
    * ``"tol"``: ``{"rtol": ..., "atol": ...}`` for the finite-difference check.
    * ``"cases"``: a list of such dicts, each merged over the others keys, to
      check several configurations (axis=0, axis=None, keepdims...).
    * ``"skip"``: a reason string; the walk then reports the op as skipped
      instead of checking it (use for ops whose gradient a dedicated test checks).

    A differentiable op without a usable spec fails the walk.
    """

    def __init__(self, name, inputs, *, infer, forward, aliases=(), attrs=(), backward=None,
                 vjp=None, zero_grad=False, nondiff_inputs=(), domain=(-2.0, 2.0), cost=1,
                 exact=False, smooth=True, doc="", kind="custom", fwd=None, bwd=None,
                 nparams=0, dtypes=None, num_outputs=1, test=None, optional_inputs=(),
                 num_visible=None):
        self.name = name
        self.aliases = tuple(aliases)
        self.inputs = tuple(inputs)          # input argument names, e.g. ("lhs", "rhs")
        self.attrs = tuple(attrs)            # ((name, default), ...) in positional order
        self.infer = infer                   # (op, inputs, attrs) -> [(shape, dtype), ...]
        self.forward = forward               # (op, in_raw, out_raw, attrs) -> None
        self.backward = backward             # (op, dys, ins, outs, attrs) -> [grad or None]
        self.vjp = vjp                       # (op, dys, ins, outs, attrs) -> [NDArray or None]
        self.zero_grad = zero_grad           # gradient is zero everywhere it exists
        self.nondiff_inputs = frozenset(nondiff_inputs)
        self.domain = domain                 # where tests draw inputs (tuple per input, or one)
        self.cost = cost                     # relative cost per element, for the parallel choice
        self.exact = exact                   # closed over integers: integer dtypes compute exactly
        self.smooth = smooth                 # twice differentiable on `domain`
        self.doc = doc
        self.kind = kind
        self.fwd = fwd                       # scalar forward function (elementwise ops)
        self.bwd = bwd                       # scalar fused backward function(s)
        self.nparams = nparams
        self.dtypes = dtypes
        self.num_outputs = num_outputs
        self.test = test or {}
        # Inputs a caller may leave out (MXNet infers the count from attrs: Convolution's bias
        # when no_bias=True); `infer` checks the count it got.
        self.optional_inputs = frozenset(optional_inputs)
        # attrs -> how many leading outputs the caller sees; the rest are saved for backward
        # (Dropout's mask, BatchNorm's mean and inverse std), as MXNet's hidden outputs.
        self.num_visible = num_visible
        # Ops computing the same values (elemwise_add and broadcast_add on equal shapes)
        # share compiled kernels under one name.
        self.kernel_name = name
        # A small-array backward may run a whole run of such ops in one go (see
        # elemwise.backward_chain); set for table unary ops with a fused backward.
        self.chain = False
        # Its gradient is the output gradient itself (x + s, x - s): a run of chained
        # nodes passes its buffer through without a kernel call.
        self.passes_grad = False
        # Whether its CPU kernels may fuse a multiply and an add (FMA). No by default:
        # MXNet's x86-64 build rounds each apart, and a fused 1 - y * y (tanh's gradient)
        # differs from it in the last bit (see builder.compile_cpu).
        self.contract = False
        # Whether its CUDA kernels may (cuda_build's FMA_OK: libdevice's own FMAs, LTO); the
        # ops whose GPU results must equal the CPU's bit for bit say no.
        self.gpu_fma = True

    @property
    def differentiable(self):
        return self.zero_grad or self.vjp is not None

    def __repr__(self):
        return f"<Op {self.name}>"


def register(op):
    for n in (op.name,) + op.aliases:
        if n in OPS and OPS[n] is not op:
            raise ValueError(f"operator {n} is declared twice")
        OPS[n] = op
    return op


def fmt_shape(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def same_dtype(op, arrays):
    """MXNet requires equal dtypes for array operands; say which input differs."""
    dt = arrays[0].dtype
    for i, a in enumerate(arrays[1:], 1):
        if a.dtype != dt:
            raise MXNetError(
                f"Incompatible attr in node {op.name} at {i}-th input: expected "
                f"{np.dtype(dt).name}, got {np.dtype(a.dtype).name}")
    return np.dtype(dt)
