"""The op-table walk: every op's gradient, checked from its table entry alone.

For every op in `mxnb.ops.OPS` (aliases counted once):

* it has a VJP (`op.vjp`) or says `zero_grad=True`;
* a differentiable op passes `check_grads` in float64 against central
  differences, with random head gradients, to order 2 where `op.smooth`
  (order 1 otherwise), and a sample of ops to order 3; order k>1 also
  differentiates with respect to the head gradients of order k-1;
* its fused backward (`op.backward`, used when the backward pass is not
  recorded) gives the same numbers as its VJP (used with create_graph=True);
* a zero_grad op gives zero gradients.

How the walk calls an op comes from its `Op.test` dict (documented on the `Op`
class in `mxnb/ops/registry.py`):

    "shapes"  one shape per input; elementwise kinds have defaults
              (unary/scalar [(2, 3)], elemwise [(2, 3), (2, 3)], broadcast [(2, 3), (1, 3)])
    "attrs"   attribute values (keys that are attr names of the op also count as attrs)
    "domain"  (lo, hi), or one per input; default op.domain
    "inputs"  rng -> [NumPy arrays]: the input values themselves (overrides shapes/domain)
    "wrt"     input indices to differentiate; default: all but op.nondiff_inputs
    "order"   highest order to check; default 2 if op.smooth else 1
    "tol"     {"rtol": .., "atol": ..} for the finite-difference comparison
    "cases"   list of dicts merged over the rest, one check per configuration
    "skip"    reason string: reported as skipped, not checked

A differentiable op without a usable spec fails `test_every_differentiable_op_has_a_spec`.
Example (a reduction): ``test={"shapes": [(2, 3, 4)], "cases": [{"attrs": {"axis": 1}},
{"attrs": {"axis": (0, 2), "keepdims": True}}]}``. Kernels are float64 and tiny, and the
suite runs serial kernels (tests/conftest.py), to keep compile time low.
"""
import zlib

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.ops import OPS
from mxnb.test_utils import assert_almost_equal, check_grads

UNIQUE = {op.name: op for op in OPS.values()}
DEFAULT_SHAPES = {"unary": [(2, 3)], "scalar": [(2, 3)], "elemwise": [(2, 3), (2, 3)],
                  "broadcast": [(2, 3), (1, 3)]}
SPEC_KEYS = {"shapes", "attrs", "domain", "inputs", "wrt", "order", "tol", "cases", "skip"}
THIRD_ORDER = ["exp", "log", "sigmoid", "tanh", "sin", "sqrt", "reciprocal", "erf", "arctan",
               "broadcast_mul", "broadcast_div", "broadcast_power", "_rdiv_scalar",
               "_power_scalar", "transpose", "where", "_getitem_basic", "sum", "dot",
               "FullyConnected", "softmax"]


class SpecError(Exception):
    pass


def cases(op):
    """The list of resolved test configurations of `op` (SpecError when there is none)."""
    spec = dict(op.test or {})
    attr_names = {a for a, _ in op.attrs}
    base = {"attrs": {}}
    for k, v in spec.items():
        if k in SPEC_KEYS:
            base[k] = v
        elif k in attr_names:
            base["attrs"] = dict(base["attrs"], **{k: v})
        else:
            raise SpecError(f"{op.name}: unknown key {k!r} in Op.test")
    subs = base.pop("cases", None) or [{}]
    out = []
    for sub in subs:
        case = dict(base)
        for k, v in sub.items():
            if k == "attrs":
                case["attrs"] = dict(base["attrs"], **v)
            elif k in SPEC_KEYS:
                case[k] = v
            elif k in attr_names:
                case["attrs"] = dict(case["attrs"], **{k: v})
            else:
                raise SpecError(f"{op.name}: unknown key {k!r} in Op.test case")
        if "skip" in case:
            out.append(case)
            continue
        if "inputs" not in case:
            shapes = case.get("shapes", DEFAULT_SHAPES.get(op.kind))
            if shapes is None:
                raise SpecError(f"{op.name}: Op.test gives neither 'shapes' nor 'inputs', and "
                                f"kind {op.kind!r} has no default shapes")
            n_min = len(op.inputs) - len(getattr(op, "optional_inputs", ()))
            if not n_min <= len(shapes) <= len(op.inputs):
                raise SpecError(f"{op.name}: {len(shapes)} test shapes for {len(op.inputs)} "
                                "inputs")
            case["shapes"] = [tuple(s) for s in shapes]
        missing = [a for a, d in op.attrs if d is None and a not in case["attrs"]]
        if missing:
            raise SpecError(f"{op.name}: Op.test lacks the required attributes {missing}")
        out.append(case)
    return out


def _resolved():
    ok, bad = {}, {}
    for name, op in sorted(UNIQUE.items()):
        try:
            ok[name] = cases(op)
        except SpecError as exc:
            bad[name] = str(exc)
    return ok, bad


CASES, BAD_SPECS = _resolved()
DIFF_CASES = [(n, i) for n, cs in CASES.items() if UNIQUE[n].vjp is not None
              for i in range(len(cs))]


def _inputs(op, case, rng):
    if "inputs" in case:
        return [np.asarray(a, dtype=np.float64) for a in case["inputs"](rng)]
    dom = case.get("domain", op.domain)
    per_input = isinstance(dom[0], (tuple, list))
    return [rng.uniform(*(dom[i] if per_input else dom), size=s)
            for i, s in enumerate(case["shapes"])]


def _setup(name, i):
    op = UNIQUE[name]
    case = CASES[name][i]
    if "skip" in case:
        pytest.skip(f"{name}: {case['skip']}")
    rng = np.random.RandomState(zlib.crc32(name.encode()) + i)
    args = [mx.nd.array(a, dtype="float64") for a in _inputs(op, case, rng)]
    fn = getattr(mx.nd, name)
    attrs = case["attrs"]

    def f(*xs):
        return fn(*xs, **attrs)

    wrt = case.get("wrt", [k for k in range(len(args)) if k not in op.nondiff_inputs])
    return op, case, args, f, wrt, rng


def test_every_op_has_a_vjp_or_is_zero_grad():
    missing = [n for n, op in UNIQUE.items() if op.vjp is None and not op.zero_grad]
    assert not missing, f"ops with neither a VJP nor zero_grad=True: {missing}"


def test_every_differentiable_op_has_a_spec():
    bad = {n: why for n, why in BAD_SPECS.items() if not UNIQUE[n].zero_grad}
    assert not bad, "differentiable ops without a usable Op.test:\n" + "\n".join(bad.values())


def test_spec_resolution_rejects_what_it_cannot_use():
    from mxnb.ops.registry import Op

    def op(**kw):
        return Op("probe", ("data",), infer=None, forward=None, **kw)

    with pytest.raises(SpecError, match="neither 'shapes' nor 'inputs'"):
        cases(op(kind="custom"))
    with pytest.raises(SpecError, match="required attributes"):
        cases(op(kind="unary", attrs=(("axis", None),)))
    with pytest.raises(SpecError, match="unknown key"):
        cases(op(kind="unary", test={"shape": (2,)}))
    assert cases(op(kind="unary", attrs=(("scalar", None),), test={"scalar": 2.0})) == \
        [{"attrs": {"scalar": 2.0}, "shapes": [(2, 3)]}]


@pytest.mark.parametrize("name,i", DIFF_CASES, ids=[f"{n}-{i}" for n, i in DIFF_CASES])
def test_gradient_matches_finite_differences(name, i):
    op, case, args, f, wrt, _ = _setup(name, i)
    order = case.get("order", 2 if op.smooth else 1)
    check_grads(f, args, order=order, wrt=wrt, seed=i, **case.get("tol", {}))


@pytest.mark.parametrize("name", [n for n in THIRD_ORDER if n in CASES])
def test_third_order_on_a_sample(name):
    op, case, args, f, wrt, _ = _setup(name, 0)
    assert op.smooth
    check_grads(f, args, order=3, wrt=wrt, seed=3, **case.get("tol", {}))


FUSED = [(n, i) for n, i in DIFF_CASES if UNIQUE[n].backward is not None]


@pytest.mark.parametrize("name,i", FUSED, ids=[f"{n}-{i}" for n, i in FUSED])
def test_fused_backward_equals_vjp(name, i):
    op, case, args, f, wrt, rng = _setup(name, i)
    for k in wrt:
        args[k].attach_grad()
    with autograd.record():
        outs = f(*args)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    vs = [mx.nd.array(rng.standard_normal(o.shape), dtype=o.dtype) for o in outs]
    variables = [args[k] for k in wrt]
    fused = autograd.grad(outs, variables, head_grads=vs, retain_graph=True)
    vjp = autograd.grad(outs, variables, head_grads=vs, create_graph=True)
    for k, a, b in zip(wrt, fused, vjp):
        assert a.shape == args[k].shape and b.shape == args[k].shape
        assert_almost_equal(a, b, rtol=1e-10, atol=1e-12, names=("fused", "vjp"))


ZERO = [n for n, op in UNIQUE.items() if op.zero_grad and n in CASES]


@pytest.mark.parametrize("name", ZERO)
def test_zero_grad_op_gives_zero_gradients(name):
    op = UNIQUE[name]
    if "skip" in CASES[name][0]:
        pytest.skip(f"{name}: {CASES[name][0]['skip']}")
    rng = np.random.RandomState(1)
    args = [mx.nd.array(a, dtype="float64") for a in _inputs(op, CASES[name][0], rng)]
    for a in args:
        a.attach_grad()
        a.grad[:] = 5
    with autograd.record():
        y = getattr(mx.nd, name)(*args, **CASES[name][0]["attrs"])
    y.backward()
    for a in args:
        assert np.all(a.grad.asnumpy() == 0), name
