"""`autograd.get_symbol`: the recorded graph as a Symbol."""


def get_symbol(x):
    """Return a Symbol of the graph that computed `x` (not built yet)."""
    raise NotImplementedError("autograd.get_symbol is not implemented yet in mxnb")
