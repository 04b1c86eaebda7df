"""One way to run a learner's code: ``run(fn, *args, limit=2.0, **kwargs) -> Outcome``.

Learner code is hostile without meaning to be: it raises, loops forever, prints megabytes,
returns None or a string, and updates its inputs in place (``w -= lr * grad``, which the course
teaches). ``run`` therefore

- deep-copies every input (arrays, arrays inside lists/tuples/dicts, models, Parameters), so the
  checker's own cases never change and the next attempt is judged on the same cases;
- stops the call after ``limit`` seconds. There are no signals nor threads in Pyodide
  (JupyterLite), so the clock is read by a ``sys.settrace`` line tracer that raises
  ``TimeLimit`` at the first line run after the deadline. ``TimeLimit`` derives from
  BaseException so that a learner's ``except Exception:`` cannot swallow it. (A bare ``except:``
  could: Python switches tracing off when a tracer raises. A loop inside one numpy call cannot be
  stopped either; both are rare, and the notebook's stop button still works.) Lines are traced
  only in the learner's own frames; library frames are checked when they call a function.
  Measured cost (2 cores, Python 3.11): 13 checkers on their reference solutions 35 ms instead of
  29 ms; a learner's 10^6-step Python loop 0.67 s instead of 0.07 s; 100 000 prints 0.7 s
  instead of 0.2 s.
- keeps the first ``PRINT_LINES`` lines of what the function printed (stdout and stderr) and counts
  the rest, so 100 000 printed lines neither flood the notebook nor fill the memory;
- tells a stub (the template's ``raise NotImplementedError``, untouched: ``Outcome.stub``, "not
  attempted yet") from code the learner wrote that still reaches such a raise, which is a
  problem naming the line (``stubs.unfinished``);
- catches every Exception, and SystemExit too: ``exit()`` inside a function is a learner's way of
  saying "stop here", and letting it through would end the checker without any feedback (in
  IPython it does not even end the kernel). KeyboardInterrupt (the stop button) goes through.

The problem is told in the learner's terms: the exception, the line of *their* code that raised
(the deepest traceback frame outside backprop_lib, numpy and the standard library) and the shapes
of the inputs.

Reading what the function returned as an array of numbers (``as_array``) is in ``returned``, and
is imported here too.
"""

from __future__ import annotations

import copy
import inspect
import io
import linecache
import os
import sys
import sysconfig
import time
from dataclasses import dataclass

import numpy as np

from .returned import as_array  # reading the answer, after running; found here too

PRINT_LINES = 20          # lines of printed output kept
LINE_CHARS = 300          # characters kept of one printed line
LIMIT = 2.0               # seconds a learner's function may run
TIMED_OUT = "loop that never ends"      # in the problem of a call stopped by the time limit


class TimeLimit(BaseException):
    """Raised inside the learner's code by the tracer once the time limit has passed."""


@dataclass
class Outcome:
    """What happened when a learner's function ran: ``value`` it returned (None if it did not
    return), ``stub`` (its body is still only the template's ``raise NotImplementedError``: not
    attempted yet; code that reaches a leftover raise is a ``problem`` that names the line, see
    ``stubs.unfinished``), ``problem`` (None, or
    what went wrong in the learner's terms), ``printed`` (the first lines of what it printed)
    and ``args``/``kwargs``, the copies it ran on (a checker of an in-place update, such as a
    training step, looks at those)."""

    value: object = None
    stub: bool = False
    problem: str | None = None
    printed: str = ""
    args: tuple = ()
    kwargs: dict | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.stub


class _BoundedText(io.TextIOBase):
    """A text stream that keeps the first ``PRINT_LINES`` lines and only counts the others."""

    def __init__(self):
        self.lines: list[str] = []
        self.partial = ""
        self.extra = 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        if self.extra:                                  # already full: count, keep nothing
            self.extra += s.count("\n")
            return len(s)
        text = self.partial + s
        *done, self.partial = text.split("\n")
        for line in done:
            if len(self.lines) < PRINT_LINES:
                self.lines.append(line[:LINE_CHARS] + (" ..." if len(line) > LINE_CHARS else ""))
            else:
                self.extra += 1
        self.partial = self.partial[:LINE_CHARS]
        return len(s)

    def text(self) -> str:
        lines = list(self.lines)
        if self.partial:
            if len(lines) < PRINT_LINES:
                lines.append(self.partial)
            else:
                self.extra += 1
        if self.extra:
            lines.append(f"... ({self.extra} more lines)")
        return "\n".join(lines)


def copy_input(x):
    """A deep copy of ``x`` (arrays, containers, models); ``x`` itself if it cannot be copied
    (a module, a generator: things a learner's function cannot corrupt through our cases)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if inspect.isroutine(x) or inspect.isclass(x) or inspect.ismodule(x):
        return x
    try:
        return copy.deepcopy(x)
    except Exception:
        return x


# Frames from these folders are not the learner's: the traceback is searched for the deepest
# frame outside them.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NOT_LEARNER = tuple(os.path.abspath(p) + os.sep for p in
                     {_PACKAGE_DIR, os.path.dirname(np.__file__),
                      sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                      sysconfig.get_paths()["platlib"]})


_learner_files: dict = {}                  # filename -> _is_learners(filename), cached


def _is_learners(filename: str) -> bool:
    """A notebook cell ("<ipython-input-..>", "/tmp/ipykernel_../...py", "<string>") or any file
    outside backprop_lib, numpy, the standard library and installed packages."""
    if filename.startswith("<"):
        return not filename.startswith(("<frozen", "<__array_function__"))
    return not os.path.abspath(filename).startswith(_NOT_LEARNER)


def describe(x) -> str:
    """A short description of an input: an array's shape and dtype, a container's length."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape}" + ("" if x.dtype == np.float64 else f" ({x.dtype})")
    if isinstance(x, bool | int | float | np.number):
        return repr(x) if not isinstance(x, float) else f"{x:.4g}"
    if isinstance(x, str):
        return repr(x[:30])
    if isinstance(x, list | tuple):
        return f"{type(x).__name__} of {len(x)}"
    if isinstance(x, dict):
        return f"dict with keys {list(x)[:6]}"
    return f"a {type(x).__name__}"


def describe_inputs(fn, args, kwargs) -> str:
    """"X: array of shape (4, 3), W: ..." with the parameter names of ``fn`` when known."""
    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs).arguments
        items = list(bound.items())
    except (TypeError, ValueError):
        items = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    return ", ".join(f"{name}: {describe(value)}" for name, value in items)


def where(tb) -> str:
    """'line 3 of your function `step`: w -= lr * grad' for the deepest frame of the learner's
    code in traceback ``tb``; "" when none is found."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if _is_learners(code.co_filename):
            found = (code, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return ""
    code, lineno = found
    source = linecache.getline(code.co_filename, lineno).strip()
    first = code.co_firstlineno
    name = "your function" if code.co_name == "<lambda>" else f"`{code.co_name}`"
    place = f"line {lineno - first + 1} of {name}" if lineno >= first else f"in {name}"
    return f"{place}: {source}" if source else place


def run(fn, *args, limit: float | None = None, **kwargs) -> Outcome:
    """Call ``fn(*args, **kwargs)`` on copies of the inputs, within ``limit`` seconds (None:
    the module's ``LIMIT``, read at each call so tests can shorten it), with printed output
    captured; never raises (except KeyboardInterrupt). See the module docstring."""
    if limit is None:
        limit = LIMIT
    if not callable(fn):
        return Outcome(problem=f"expected a function, got {describe(fn)}: pass the function "
                               "itself (its name without brackets)", args=args, kwargs=kwargs)
    args = tuple(copy_input(a) for a in args)
    kwargs = {k: copy_input(v) for k, v in kwargs.items()}
    shown = describe_inputs(fn, args, kwargs)
    out = _BoundedText()
    deadline = time.perf_counter() + limit
    clock = time.perf_counter

    def local(frame, event, arg):
        if clock() > deadline:
            raise TimeLimit
        return local

    def tracer(frame, event, arg):          # called at each new frame ("call" events)
        if clock() > deadline:
            raise TimeLimit
        # Lines are traced only in the learner's frames, where a loop that never ends lives;
        # the library's and numpy's frames are checked when they call a function. That keeps
        # the tracer's cost to the learner's own lines (measured in the module docstring).
        filename = frame.f_code.co_filename
        mine = _learner_files.get(filename)
        if mine is None:
            mine = _learner_files[filename] = _is_learners(filename)
        return local if mine else None

    previous_trace = sys.gettrace()
    old_out, old_err = sys.stdout, sys.stderr
    outcome = Outcome(args=args, kwargs=kwargs)
    error = None
    sys.stdout = sys.stderr = out
    sys.settrace(tracer)
    try:
        with np.errstate(all="ignore"):       # an overflow becomes inf/NaN, which checkers name
            outcome.value = fn(*args, **kwargs)
    except (Exception, SystemExit, TimeLimit) as e:  # noqa: BLE001 - learner code raises anything
        error = e
    finally:
        sys.settrace(previous_trace)
        sys.stdout, sys.stderr = old_out, old_err
    # The error is explained only now, with the tracer off: reading the learner's source (stubs)
    # after a call that used up most of the limit must not itself be stopped by the limit (the
    # TimeLimit would escape from the handler and crash the checker in the notebook).
    if isinstance(error, NotImplementedError):
        # imported here: stubs reads tracebacks with this module's own tools
        from .stubs import unfinished
        outcome.problem = unfinished(error, shown)
        outcome.stub = outcome.problem is None
    elif isinstance(error, TimeLimit):
        outcome.problem = (f"your function ran for more than {limit:g} s: is there a "
                           f"{TIMED_OUT}?")
        if out.extra:
            outcome.problem += (f" (it had printed {len(out.lines) + out.extra} lines: printing "
                                "is slow, print less)")
    elif isinstance(error, RecursionError):
        here = where(error.__traceback__)
        outcome.problem = ("RecursionError: your function calls itself without end"
                           + (f" ({here})" if here else ""))
    elif error is not None:
        outcome.problem = _explain_exception(error, fn, shown)
    outcome.printed = out.text()
    return outcome


def _explain_exception(e: BaseException, fn, shown: str) -> str:
    if isinstance(e, SystemExit):
        text = "your function called exit(): return a value instead"
    else:
        message = str(e)
        if len(message) > 300:
            message = message[:300] + " ..."
        text = f"your function raised {type(e).__name__}" + (f": {message}" if message else "")
    here = where(e.__traceback__)
    if here:
        text += f"\n  at {here}"
    if shown:
        text += f"\n  (inputs: {shown})"
    return text


__all__ = ["run", "Outcome", "TimeLimit", "as_array", "copy_input", "describe", "where",
           "PRINT_LINES", "LIMIT", "TIMED_OUT"]
