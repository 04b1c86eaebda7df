"""The scalar computational graph: values, local derivatives, the backward pass step by step."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_lib import graph as g

finite = st.floats(-3, 3, allow_nan=False)


def _fd(build, leaf_index, values, h=1e-6):
    """Centred difference of build(*values).data with respect to values[leaf_index]."""
    up, down = list(values), list(values)
    up[leaf_index] += h
    down[leaf_index] -= h
    return (build(*up).data - build(*down).data) / (2 * h)


def _neuron_loss(x, w, b, t):
    return g.neuron(x, w, b, t)["L"]


@settings(max_examples=30, deadline=None)
@given(finite, finite, finite, st.floats(0, 1))
def test_neuron_gradients_match_finite_differences(x, w, b, t):
    nodes = g.neuron(x, w, b, t)
    nodes["L"].backward()
    for i, name in enumerate("xwbt"):
        assert nodes[name].grad == pytest.approx(_fd(_neuron_loss, i, (x, w, b, t)),
                                                 rel=1e-5, abs=1e-8)


OPS = {
    "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 2.0 - a * b, "neg": lambda a, b: -a + b, "pow": lambda a, b: a ** 3 * b,
    "sigmoid": lambda a, b: (a * b).sigmoid(), "tanh": lambda a, b: (a + b).tanh(),
    "exp": lambda a, b: (a * b).exp(), "relu": lambda a, b: (a * b + 0.05).relu(),
    "reuse": lambda a, b: a * a + a * b,
}


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=15, deadline=None)
@given(a=st.floats(-2, 2), b=st.floats(-2, 2))
def test_every_operation_backward_matches_finite_differences(name, a, b):
    op = OPS[name]
    if name == "relu" and abs(a * b + 0.05) < 1e-3:
        return                                             # the kink: no derivative there
    A, B = g.Value(a, "a"), g.Value(b, "b")
    op(A, B).backward()

    def build(a_, b_):
        return op(g.Value(a_), g.Value(b_))
    assert A.grad == pytest.approx(_fd(build, 0, (a, b)), rel=1e-5, abs=1e-7)
    assert B.grad == pytest.approx(_fd(build, 1, (a, b)), rel=1e-5, abs=1e-7)


def test_backward_in_steps_reaches_leaves_last():
    nodes = g.neuron()
    L = nodes["L"]
    order = g.backward_order(L)
    assert [v.name for v in order] == ["L", "e", "y", "z", "w·x"]
    L.backward(steps=0)
    assert L.grad == 1.0 and nodes["e"].grad == 0.0
    L.backward(steps=1)
    assert nodes["e"].grad == pytest.approx(2 * nodes["e"].data)
    assert nodes["w"].grad == 0.0
    L.backward(steps=len(order))
    full = nodes["w"].grad
    L.backward()
    assert nodes["w"].grad == full != 0.0
    L.backward(steps=99)                       # more steps than nodes: the whole pass
    assert nodes["w"].grad == full


def test_backward_is_repeatable_not_accumulating():
    nodes = g.neuron()
    nodes["L"].backward()
    first = nodes["w"].grad
    nodes["L"].backward()
    assert nodes["w"].grad == first


def test_neuron_values():
    n = g.neuron(1.5, 0.8, -0.5, 1.0)
    assert n["z"].data == pytest.approx(0.7)
    assert n["y"].data == pytest.approx(1 / (1 + math.exp(-0.7)))
    assert n["L"].data == pytest.approx((n["y"].data - 1.0) ** 2)


def test_layout_places_leaves_left_of_their_consumers():
    from backprop_lib.plots.graph import layout  # drawing, so the plots floor

    n = g.neuron()
    pos = layout(n["L"])
    assert set(pos) == set(g.topological_order(n["L"]))
    for v in g.topological_order(n["L"]):
        for inp in v.inputs:
            assert pos[inp][0] < pos[v][0]
    assert len({pos[v] for v in pos}) == len(pos)          # no two boxes on one spot
    assert not hasattr(g, "layout")                         # the engine holds no drawing code


def test_orders():
    n = g.neuron()
    topo = g.topological_order(n["L"])
    assert topo[-1] is n["L"]
    assert {v.name for v in g.leaves(n["L"])} == {"x", "w", "b", "t"}
    assert len(g.forward_order(n["L"])) == 5


def test_finite_differences():
    f = math.sin
    assert g.finite_difference(f, 0.3) == pytest.approx(math.cos(0.3), abs=1e-9)
    assert abs(g.finite_difference(f, 0.3, 1e-3, "forward") - math.cos(0.3)) > 1e-5
    errs = g.finite_difference_errors(f, math.cos(0.3), 0.3, np.logspace(-10, -1, 10))
    assert errs["central"][5] < errs["forward"][5]          # h = 1e-5: h² beats h
    assert errs["forward"][-1] > 1e-3 and errs["central"][-1] < errs["forward"][-1]


@pytest.mark.parametrize("call, exc, words", [
    (lambda: g.Value("1"), TypeError, "one real number"),
    (lambda: g.Value(float("nan")), ValueError, "finite"),
    (lambda: g.Value(1.0) * "a", TypeError, "combine a Value"),
    (lambda: g.Value(1.0) ** g.Value(2.0), TypeError, "constant power"),
    (lambda: g.neuron()["L"].backward(steps=-1), ValueError, "steps must be"),
    (lambda: g.topological_order(3.0), TypeError, "expected a Value"),
    (lambda: g.finite_difference(math.sin, 0.0, h=0), ValueError, "positive"),
    (lambda: g.finite_difference(math.sin, 0.0, kind="back"), ValueError, "unknown kind"),
    (lambda: g.finite_difference(3, 0.0), TypeError, "function"),
    (lambda: g.finite_difference_errors(math.sin, 1.0, 0.0, [-1.0]), ValueError, "positive"),
])
def test_bad_inputs_say_what_is_wrong(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
