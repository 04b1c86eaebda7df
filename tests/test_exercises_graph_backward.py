"""Notebook 03's 'write the backward pass yourself' checkers: right answers written differently
pass (one keeps its own stack, one mutates as it goes), each classic mistake is named, hostile
code gets an answer in the learner's terms, and the checker's graphs agree with finite
differences."""

import math

import pytest

from backprop_lib import graph as g
from backprop_lib.exercises import graph_backward as ex


# ---------------------------------------------------------------- right answers
def order_recursive(root):
    out, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for i in v.inputs:
                visit(i)
            out.append(v)
    visit(root)
    return out


def order_iterative(root):
    """Depth first with an explicit stack (no recursion)."""
    out, done, stack = [], set(), [(root, False)]
    while stack:
        v, expanded = stack.pop()
        if id(v) in done:
            continue
        if expanded:
            done.add(id(v))
            out.append(v)
        else:
            stack.append((v, True))
            stack.extend((i, False) for i in v.inputs if id(i) not in done)
    return out


def order_kahn(root):
    """Kahn's algorithm on the reversed graph, returned as a tuple."""
    nodes = g.topological_order(root)
    users = {id(v): 0 for v in nodes}
    for v in nodes:
        for i in set(map(id, v.inputs)):
            users[i] += 1
    ready, out = [root], []
    while ready:
        v = ready.pop()
        out.append(v)
        for i in {id(x): x for x in v.inputs}.values():
            users[id(i)] -= 1
            if users[id(i)] == 0:
                ready.append(i)
    return tuple(reversed(out))


def backward_plain(root):
    order = order_recursive(root)
    for v in order:
        v.grad = 0
    root.grad = 1
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad += local * node.grad


def backward_dict(root):
    """Accumulates in a dict first, then writes every gradient once."""
    grads = {id(root): 1.0}
    order = order_iterative(root)
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local_grads):
            grads[id(inp)] = grads.get(id(inp), 0.0) + local * grads.get(id(node), 0.0)
    for v in order:
        v.grad = grads.get(id(v), 0.0)
    return "done"


def backward_course(root):
    root.backward()


@pytest.mark.parametrize("fn", [order_recursive, order_iterative, order_kahn,
                                ex.topological_order_reference])
def test_right_orders_pass(fn):
    answer = ex.check_topological_order(fn)
    assert answer.ok, answer.message
    assert answer.use is fn


@pytest.mark.parametrize("fn", [backward_plain, backward_dict, backward_course,
                                ex.backward_reference])
def test_right_backwards_pass(fn):
    answer = ex.check_graph_backward(fn)
    assert answer.ok, answer.message
    assert answer.use is fn


def test_the_graphs_gradients_agree_with_finite_differences():
    for build in ex.CASES.values():
        root = build().backward()
        leaves = ex._leaves(root, build)
        assert len(leaves) >= 2
        for name, leaf in leaves.items():
            assert math.isclose(leaf.grad, ex._finite_difference(build, name), rel_tol=1e-5,
                                abs_tol=1e-7)


# ---------------------------------------------------------------- named mistakes
def _backward(order_of, *, assign=False, seed=1.0, use_data=False, zero=True, forward=False):
    def fn(root):
        order = order_of(root)
        if zero:
            for v in order:
                v.grad = 0.0
        root.grad = seed
        for node in (order if forward else reversed(order)):
            for inp, local in zip(node.inputs, node.local_grads):
                push = local * (node.data if use_data else node.grad)
                if assign:
                    inp.grad = push
                else:
                    inp.grad += push
    return fn


@pytest.mark.parametrize("fn,words", [
    (_backward(order_recursive, assign=True), "do not overwrite with `=`"),
    (_backward(order_recursive, seed=0.0), "set root.grad = 1"),
    (_backward(order_recursive, forward=True), "leaves first"),
    (_backward(order_recursive, use_data=True), "pushed its value, not its gradient"),
    (_backward(order_recursive, zero=False), "added onto the first's gradients"),
])
def test_backward_mistakes_are_named(fn, words):
    answer = ex.check_graph_backward(fn)
    assert not answer.ok and words in answer.message, answer.message
    assert answer.use is ex.backward_reference


def test_an_unnamed_mistake_quotes_the_course_and_a_finite_difference():
    def half(root):
        backward_plain(root)
        for v in g.topological_order(root):
            v.grad *= 0.5
    answer = ex.check_graph_backward(half)
    assert not answer.ok and "finite difference" in answer.message, answer.message


def no_dedupe(root):
    out = []

    def visit(v):
        for i in v.inputs:
            visit(i)
        out.append(v)
    visit(root)
    return out


def root_first(root):
    return order_recursive(root)[::-1]


def leaves_only(root):
    return [v for v in order_recursive(root) if not v.inputs] + [root]


def inputs_after(root):
    out = order_recursive(root)
    return [out[-2]] + out[:-2] + [out[-1]]          # a node moved before its inputs


@pytest.mark.parametrize("fn,words", [
    (no_dedupe, "appears more than once"),
    (root_first, "the output comes first"),
    (leaves_only, "missing"),
    (inputs_after, "comes before its input"),
    (lambda root: None, "returned None"),
    (lambda root: "abc", "list of the graph's Values"),
])
def test_order_mistakes_are_named(fn, words):
    answer = ex.check_topological_order(fn)
    assert not answer.ok and words in answer.message, answer.message


# ---------------------------------------------------------------- hostile code
def test_stub_raises_and_loops_are_handled():
    def stub(root):
        raise NotImplementedError

    def loops(root):
        while True:
            pass

    def breaks(root):
        return root.inputs[7]

    def sets_text(root):
        root.grad = "one"

    assert not ex.check_graph_backward(stub).attempted
    assert "ran for more than" in ex.check_graph_backward(loops, limit=0.2).message
    assert "IndexError" in ex.check_graph_backward(breaks).message
    assert "must be a finite number" in ex.check_graph_backward(sets_text).message


def test_the_learner_cannot_change_the_checkers_graphs():
    def vandal(root):
        for v in g.topological_order(root):
            v.data = 0.0
        backward_plain(root)
    ex.check_graph_backward(vandal)
    root = ex.CASES["a value used three times"]().backward()
    assert root.data == 3.0 * 3.0 + 3.0 * -1.0
