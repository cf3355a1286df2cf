"""A writer for the JSON dialect of dmlc's JSONWriter, which `Symbol.tojson()` prints.

dmlc writes objects one key per line (indent 2 per level, ", " before each
newline), except maps of one entry; arrays of plain values on one line unless
they hold more than 10 items, and arrays of objects one item per line. This
module reproduces those layout rules byte for byte for the graph format.
"""
import json


class Obj(dict):
    """An object written one key per line (dmlc's default BeginObject(true))."""


class Inline(dict):
    """A string map: on one line when it has at most one entry (dmlc's map handler)."""


class Row(list):
    """An array written on one line (dmlc's BeginArray(false), e.g. a node entry)."""


def dumps(value):
    out = []
    _write(value, out, 0)
    return "".join(out)


def _sep(out, depth, multi):
    if multi:
        out.append("\n" + "  " * depth)


def _write(v, out, depth):
    if isinstance(v, Obj) or (isinstance(v, Inline) and len(v) > 1):
        _write_object(v, out, depth, True)
    elif isinstance(v, Inline):
        _write_object(v, out, depth, False)
    elif isinstance(v, Row):
        _write_array(v, out, depth, False)
    elif isinstance(v, list):
        pod = all(isinstance(e, (int, float, str, Row)) for e in v)
        _write_array(v, out, depth, len(v) > 10 or not pod)
    else:
        out.append(json.dumps(v))


def _write_object(d, out, depth, multi):
    out.append("{")
    for k, (key, val) in enumerate(d.items()):
        if k:
            out.append(", ")
        _sep(out, depth + 1, multi)
        out.append(json.dumps(key) + ": ")
        _write(val, out, depth + 1)
    if multi and d:
        _sep(out, depth, True)
    out.append("}")


def _write_array(a, out, depth, multi):
    out.append("[")
    for k, val in enumerate(a):
        if k:
            out.append(", ")
        _sep(out, depth + 1, multi)
        _write(val, out, depth + 1)
    if multi and a:
        _sep(out, depth, True)
    out.append("]")
