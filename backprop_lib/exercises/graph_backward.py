"""Exercises of notebook 03: write the backward pass of a scalar graph yourself (as micrograd).

    topological_order(root) -> [every value root depends on, each after its inputs, root last]
    backward(root)          -> fills v.grad = dL/dv for every v in root's graph (L = root)

A ``graph.Value`` keeps its ``inputs`` and, for each input, the local derivative
d(value)/d(input) in ``local_grads``. The backward pass zeroes every gradient, sets
dL/dL = 1, and walks the nodes in reverse topological order; each node adds
``local · node.grad`` to each input's gradient (``+=``: a value used twice receives one
contribution per use).

The checkers run the learner's function through ``sandbox.run`` on copies of several graphs
(a chain, a value used three times, a diamond where the order matters, max and ReLU), compare with
the course's ``Value.backward`` and with finite differences, and name the classic mistakes.
"""

from __future__ import annotations

import inspect
import math

from ..graph import Value, neuron
from ..graph import topological_order as course_order
from .feedback import Answer, fall_back, refusal
from .sandbox import run

__all__ = ["check_topological_order", "check_graph_backward", "topological_order_reference",
           "backward_reference", "CASES"]


# ---------------------------------------------------------------- the reference solutions
# The order is the course's own (graph.topological_order: a depth-first visit that appends a
# value after everything it is computed from), so there is one implementation to read.
topological_order_reference = course_order


def backward_reference(root):
    order = topological_order_reference(root)
    for v in order:
        v.grad = 0.0                # the pass below only adds: start from zero
    root.grad = 1.0                 # dL/dL = 1
    for node in reversed(order):    # every node after all the nodes that use it
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad += local * node.grad      # chain rule, one contribution per use


# ---------------------------------------------------------------- the graphs checked
# Each builder takes its leaves' values as keywords, so that a finite difference can rebuild the
# graph with one leaf nudged.
def _chain(x=1.5, w=0.8, b=-0.5, t=1.0):
    return neuron(x, w, b, t)["L"]


def _shared(a=3.0, b=-1.0):
    a, b = Value(a, "a"), Value(b, "b")
    return ((a * a).named("a·a") + (a * b).named("a·b")).named("f")


def _diamond(a=0.7, b=-1.3):
    a, b = Value(a, "a"), Value(b, "b")
    u = (a * b).named("u")
    v = (u + a).named("v")
    return (u * v).tanh().named("L")


def _routing(a=1.2, b=-0.4, c=0.9):
    a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
    m = a.max(b).named("max")
    r = (m * c - 0.3).relu().named("relu")
    s = (c * -2.0).relu().named("blocked")
    return (r + s + b * b).named("L")


CASES = {"the neuron's chain": _chain, "a value used three times": _shared,
         "a diamond (u feeds v and the output)": _diamond, "max and ReLU": _routing}


def _leaves(root, build) -> dict:
    """The graph's inputs that ``build`` takes as keywords (not its constants), by name."""
    names = set(inspect.signature(build).parameters)
    return {v.label: v for v in course_order(root) if not v.inputs and v.label in names}


def _finite_difference(build, name: str, h: float = 1e-6) -> float:
    """dL/d(leaf ``name``) by a centred difference, rebuilding the graph with the leaf nudged."""
    x = inspect.signature(build).parameters[name].default
    return (build(**{name: x + h}).data - build(**{name: x - h}).data) / (2 * h)


# ---------------------------------------------------------------- the wrong versions
def _variant(root, *, order="reverse", assign=False, seed_one=True, use_data=False,
             zero=True, dedupe=False, add=False):
    order_list = topological_order_reference(root)
    if zero:
        for v in order_list:
            v.grad = 0.0
    if seed_one:
        root.grad = 1.0
    if order == "recursive":             # push, then recurse into each input at once
        def push(node):
            for inp, local in zip(node.inputs, node.local_grads):
                inp.grad += local * node.grad
                push(inp)
        push(root)
        return
    if order == "breadth":               # by distance from the output, a queue
        order_list, queue, seen = [], [root], {id(root)}
        while queue:
            node = queue.pop(0)
            order_list.append(node)
            for inp in node.inputs:
                if id(inp) not in seen:
                    seen.add(id(inp))
                    queue.append(inp)
        order_list.reverse()
    nodes = reversed(order_list) if order in ("reverse", "breadth") else iter(order_list)
    for node in nodes:
        pairs = zip(node.inputs, node.local_grads)
        if dedupe:                   # a dict keeps one entry per input: a·a counts once
            pairs = {id(inp): (inp, local) for inp, local in pairs}.values()
        for inp, local in pairs:
            push = local * (node.data if use_data else node.grad)
            if add:
                push = local + node.grad
            if assign:
                inp.grad = push
            else:
                inp.grad += push


MISTAKES = {
    "a value used twice got only one contribution: add with `+=` (inp.grad += local * "
    "node.grad), do not overwrite with `=`": dict(assign=True),
    "every gradient stays 0: set root.grad = 1 (dL/dL = 1) after zeroing the gradients and "
    "before the loop": dict(seed_one=False),
    "the nodes were walked leaves first: walk the topological order reversed, so that a node "
    "pushes only after every node that uses it has pushed": dict(order="forward"),
    "each node pushed its value, not its gradient: the chain rule multiplies the local "
    "derivative by node.grad (dL/dnode)": dict(use_data=True),
    "a node that uses the same input twice (a·a) passed it only one contribution: walk "
    "zip(node.inputs, node.local_grads) as it is; a set or a dict keyed by the input keeps one "
    "of the two": dict(dedupe=True),
    "the local derivative was added to node.grad: the chain rule multiplies them "
    "(local * node.grad)": dict(add=True),
    "each node pushed to its inputs and recursed into them straight away, so a value reached "
    "by two paths (u in the diamond) pushed on before its gradient was complete, and again "
    "later: first compute the topological order, then walk it reversed, each node once":
        dict(order="recursive"),
    "the nodes were walked by distance from the output (breadth first), so in the diamond u "
    "pushed before v, which still adds to u's gradient: walk the topological order reversed "
    "(a node after every node that uses it)": dict(order="breadth"),
}


def _grads(root):
    return {id(v): v.grad for v in course_order(root)}


def _same(g1, g2, nodes):
    return all(math.isclose(g1[id(v)], g2[id(v)], rel_tol=1e-9, abs_tol=1e-12) for v in nodes)


def _kind(x) -> str:
    """'a set', 'a str': what a learner returned, in words."""
    return f"a {type(x).__name__}" + (": the order matters, return a list" if
                                      isinstance(x, set | frozenset) else "")


def _show(x):
    return f"{x:.6g}" if isinstance(x, float) else repr(x)


# ---------------------------------------------------------------- checkers
def check_topological_order(fn, limit: float | None = None) -> Answer:
    """``fn(root)`` returns every value ``root`` depends on, each after its inputs."""
    title = "topological_order"
    for case, build in CASES.items():
        outcome = run(fn, build(), limit=limit)
        answer = refusal(outcome, topological_order_reference, title)
        if answer is not None:
            return answer
        root, got = outcome.args[0], outcome.value
        if got is None:
            return fall_back(topological_order_reference, "your function returned None; return "
                             "the list of values", title)
        if not isinstance(got, list | tuple):
            return fall_back(topological_order_reference, f"return a list of the graph's Values "
                             f"(got {_kind(got)})", title)
        if not all(isinstance(v, Value) for v in got):
            other = next(v for v in got if not isinstance(v, Value))
            return fall_back(topological_order_reference, f"return a list of the graph's Values "
                             f"themselves (got a {type(got).__name__} holding "
                             f"{_kind(other)}, such as {_show(other)[:30]})", title)
        everything = course_order(root)
        ids = [id(v) for v in got]
        if len(set(ids)) < len(ids):
            twice = next(v for v in got if ids.count(id(v)) > 1)
            return fall_back(topological_order_reference, f"{case}: {twice.name} appears more "
                             "than once: remember which values you have visited (a set) and "
                             "skip them", title)
        missing = [v.name for v in everything if id(v) not in set(ids)]
        if missing:
            return fall_back(topological_order_reference, f"{case}: missing {', '.join(missing)}:"
                             " visit the inputs of every value, and their inputs, down to the "
                             "leaves", title)
        if len(got) != len(everything):
            return fall_back(topological_order_reference, f"{case}: the list holds values that "
                             "are not in this graph", title)
        place = {id(v): i for i, v in enumerate(got)}
        if got[0] is root and len(got) > 1:
            return fall_back(topological_order_reference, f"{case}: the output comes first: this"
                             " is the backward order; the forward order puts a value after its "
                             "inputs (append a value after visiting them), root last", title)
        for v in got:
            for inp in v.inputs:
                if place[id(inp)] > place[id(v)]:
                    return fall_back(topological_order_reference, f"{case}: {v.name} comes "
                                     f"before its input {inp.name}: append a value only after "
                                     "all its inputs", title)
    return Answer(True, f"{title}: correct ✓ on {len(CASES)} graphs", use=fn)


def check_graph_backward(fn, limit: float | None = None) -> Answer:
    """``fn(root)`` fills ``v.grad`` = d(root)/dv for every value of the graph. Compared with the
    course's ``Value.backward`` and finite differences on four graphs, then run twice on one graph
    (the second pass must give the same gradients: zero them first)."""
    title = "backward"
    for case, build in CASES.items():
        outcome = run(fn, build(), limit=limit)
        if "NotImplementedError" in (outcome.problem or ""):     # a helper still to write?
            helper = _stub_inside(fn, build(), limit)
            if helper:
                return fall_back(backward_reference, f"your backward calls `{helper}`, which "
                                 "still raises NotImplementedError: write it first (or call "
                                 "order_result.use(root), the reference order until yours "
                                 "passes)", title)
        answer = refusal(outcome, backward_reference, title)
        if answer is not None:
            return answer
        root = outcome.args[0]
        nodes = course_order(root)
        bad = [v for v in nodes if not (isinstance(v.grad, int | float) and math.isfinite(v.grad))]
        if bad:
            return fall_back(backward_reference, f"{case}: {bad[0].name}.grad is "
                             f"{_show(bad[0].grad)}; every gradient must be a finite number",
                             title)
        got = _grads(root)
        expected_root = build().backward()
        expected = _grads_by_position(expected_root, root)
        if _same(got, expected, nodes):
            continue
        if outcome.value is not None and all(v.grad == 0 for v in nodes):
            return fall_back(backward_reference, f"{case}: every .grad is still 0 and your "
                             f"function returned {_kind(outcome.value)}: backward returns "
                             "nothing, it fills each value's .grad in place (inp.grad += ...)",
                             title)
        for message, kw in MISTAKES.items():
            wrong_root = build()
            _variant(wrong_root, **kw)
            if _same(got, _grads_by_position(wrong_root, root), nodes):
                return fall_back(backward_reference, f"{case}: {message}", title)
        return fall_back(backward_reference, _first_difference(case, build, root, got, expected),
                         title)

    build = CASES["a value used three times"]
    first = run(fn, build(), limit=limit)            # a second pass over the graph the first
    outcome = run(fn, first.args[0], limit=limit)    # left behind (run copies it, grads too)
    if not outcome.ok:
        return fall_back(backward_reference, "run a second time on the same graph (as training "
                         "does at every step): " + (outcome.problem or "it raised "
                         "NotImplementedError"), title)
    root = outcome.args[0]
    expected = _grads_by_position(build().backward(), root)
    if not _same(_grads(root), expected, course_order(root)):
        return fall_back(backward_reference, "run twice on the same graph, the second pass "
                         "added onto the first's gradients: set every v.grad = 0 before the "
                         "pass (it only adds, with +=)", title)
    return Answer(True, f"{title}: correct ✓ on {len(CASES)} graphs, matching the course's "
                        "backward and finite differences, and the same when run twice", use=fn)


def _stub_inside(fn, root, limit):
    """The name of the function, other than ``fn`` itself, whose NotImplementedError stopped
    ``fn(root)`` (a backward that calls a topological_order still to be written), or None."""
    own, learners = getattr(fn, "__code__", None), fn

    def probe(r):               # run below runs this, and so the learner's code, sandboxed
        try:
            learners(r)
        except NotImplementedError as e:
            tb = e.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            code = tb.tb_frame.f_code
            return None if code is own else code.co_name
        return None

    outcome = run(probe, root, limit=limit)
    return outcome.value if outcome.ok else None


def _grads_by_position(reference_root, root):
    """The reference graph's gradients keyed by the id of the matching node of ``root`` (the
    two graphs are built alike, so their topological orders match one to one)."""
    return {id(v): r.grad for v, r in zip(course_order(root), course_order(reference_root))}


def _first_difference(case, build, root, got, expected):
    for name, leaf in _leaves(root, build).items():
        if not math.isclose(got[id(leaf)], expected[id(leaf)], rel_tol=1e-9, abs_tol=1e-12):
            fd = _finite_difference(build, name)
            return (f"{case}: dL/d{name} is {got[id(leaf)]:.6g}; the course's backward gives "
                    f"{expected[id(leaf)]:.6g} and a finite difference {fd:.6g}")
    for v in course_order(root):
        if not math.isclose(got[id(v)], expected[id(v)], rel_tol=1e-9, abs_tol=1e-12):
            return (f"{case}: the inputs' gradients are right but {v.name}.grad is "
                    f"{got[id(v)]:.6g}, expected {expected[id(v)]:.6g}")
    return f"{case}: the gradients differ from the course's backward"
