"""A stub, or code that still reaches a leftover ``raise NotImplementedError``?

Every exercise starts as a template whose whole body is ``raise NotImplementedError``: a checker
that meets it says "not attempted yet" and goes on with the reference. But a learner who wrote
code and left the template's line at its end, or wrote their code *below* it, or calls a helper
of theirs still to be written, has started: telling them "not attempted yet" sends them looking
in the wrong place. ``unfinished`` reads the traceback and the source of the function that
raised and says which it is, naming the line to delete or finish.

Engine floor: the standard library only.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from .sandbox import _explain_exception, _is_learners, where


def _is_raise_nie(node) -> bool:
    """``raise NotImplementedError`` or ``raise NotImplementedError(...)``."""
    exc = getattr(node, "exc", None) if isinstance(node, ast.Raise) else None
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _body(code):
    """The top-level statements of the function ``code`` (its docstring, ``pass`` and ``...``
    left out), parsed from its source; None when the source cannot be read (a function made by
    exec, a lambda, a cell the kernel did not keep)."""
    if code.co_name == "<lambda>":
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
    except Exception:                       # noqa: BLE001 - no source: the caller falls back
        return None
    fn = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
               and n.name == code.co_name), None)
    if fn is None:
        return None
    offset = code.co_firstlineno - min([fn.lineno] + [d.lineno for d in fn.decorator_list])
    for node in ast.walk(fn):               # line numbers as in the file, not in the snippet
        if hasattr(node, "lineno"):
            node.lineno += offset
            node.end_lineno = (node.end_lineno or node.lineno - offset) + offset
    return [s for s in fn.body
            if not (isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(
                    s.value, ast.Constant) and (s.value.value is ... or isinstance(
                        s.value.value, str))))]


def _first_line(code) -> int | None:
    """The line of the first statement of ``code``'s body (from its bytecode)."""
    lines = [line for _, _, line in code.co_lines() if line is not None]
    body = [line for line in lines if line != code.co_firstlineno] or lines
    return min(body) if body else None


def unfinished(e: NotImplementedError, shown: str = "") -> str | None:
    """None when the NotImplementedError ``e`` comes from a stub: the learner's function is
    still the template, ``raise NotImplementedError`` as its whole body (a lambda that only
    passes its inputs on to such a function counts too). Otherwise what the learner must do,
    naming the line: a leftover raise at the end of code they wrote, one above their code (which
    then never runs), one in a case they have not written yet, or a helper of theirs that is
    still a stub."""
    frames, tb, raised_by_learner = [], e.__traceback__, False
    while tb is not None:
        code = tb.tb_frame.f_code
        raised_by_learner = _is_learners(code.co_filename)
        if raised_by_learner:
            frames.append((code, tb.tb_lineno))
        tb = tb.tb_next
    while len(frames) > 1 and frames[0][0].co_name == "<lambda>":
        frames.pop(0)                       # a lambda that passes its inputs on adds nothing
    if not frames:
        return None                         # not Python code of the learner's: as before
    if not raised_by_learner:               # numpy or the library raised it: the learner's call
        return _explain_exception(e, None, shown)
    code, lineno = frames[-1]
    body = _body(code)
    raises = [s for s in body if s.lineno <= lineno <= (s.end_lineno or s.lineno)] if body else []
    top = raises[0] if raises and _is_raise_nie(raises[0]) else None
    if len(frames) == 1:
        if body is not None and len(body) == 1 and top is not None:
            return None                     # the template, untouched
        if body is None and lineno == _first_line(code):
            return None                     # no source to read: raised at the first statement
    name = "your function" if code.co_name == "<lambda>" else f"`{code.co_name}`"
    here = where(e.__traceback__)
    if len(frames) > 1:
        text = f"your function calls {name}, which still raises NotImplementedError"
        text += (" (it is still the template): write it first" if body is not None and
                 len(body) == 1 and top is not None else f" ({here}): finish it first")
    elif top is not None and top is body[-1]:
        text = (f"your function still ends with raise NotImplementedError ({here}): that "
                "line is the template's placeholder; delete it (and return your result)")
    elif top is not None and top is body[0]:
        text = (f"your function still starts with raise NotImplementedError ({here}), so "
                "the code you wrote below it never runs: delete that line")
    else:
        text = (f"your function still raises NotImplementedError for these inputs ({here}): "
                "finish that part, or delete the line if it is the template's placeholder")
    return text + (f"\n  (inputs: {shown})" if shown else "")


__all__ = ["unfinished"]
