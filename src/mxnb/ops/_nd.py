"""The `mx.nd` op functions, for VJPs to call (filled in by `ndarray._api` once it is built).

VJPs are written in mxnb ops (`nd.exp(x)`, `g * y`) so that they are recorded
when `create_graph=True`, which makes every op differentiable to any order.
"""
