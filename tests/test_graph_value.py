"""Value additions for notebook 03: max routes the gradient, zero_grad, and what backward's
zeroing is for (a second pass with zero=False adds onto the first)."""

import pytest

from backprop_lib import graph as g


@pytest.mark.parametrize("a,b", [(2.0, -1.0), (-0.5, 0.7), (3.0, 2.999)])
def test_max_routes_the_whole_gradient_to_the_larger_input(a, b):
    A, B = g.Value(a, "a"), g.Value(b, "b")
    out = A.max(B) * 3.0
    out.backward()
    assert out.data == pytest.approx(3.0 * max(a, b))
    h = 1e-6
    for leaf, is_a in ((A, True), (B, False)):
        def f(d, is_a=is_a):
            return (g.Value(a + d * is_a).max(g.Value(b + d * (not is_a))) * 3.0).data
        assert leaf.grad == pytest.approx((f(h) - f(-h)) / (2 * h), abs=1e-6)
    assert {A.grad, B.grad} == {3.0, 0.0}


def test_max_with_a_number_and_a_tie_goes_to_the_first():
    A = g.Value(1.0, "a")
    m = A.max(1.0)
    m.backward()
    assert A.grad == 1.0 and m.inputs[1].grad == 0.0


@pytest.mark.parametrize("x,expected", [(2.0, 5.0), (-2.0, 0.0)])
def test_relu_passes_or_blocks(x, expected):
    X = g.Value(x, "x")
    ((X.relu()) * 5.0).backward()
    assert X.grad == expected


def test_add_distributes_and_multiply_swaps():
    a, b = g.Value(3.0, "a"), g.Value(-2.0, "b")
    s = (a + b) * 4.0
    s.backward()
    assert a.grad == b.grad == 4.0                       # the upstream 4, copied to both
    a2, b2 = g.Value(3.0, "a"), g.Value(-2.0, "b")
    (a2 * b2).backward()
    assert a2.grad == -2.0 and b2.grad == 3.0            # each gets the other's value


def test_zero_grad_clears_every_gradient():
    nodes = g.neuron()
    nodes["L"].backward()
    assert nodes["w"].grad != 0
    g.zero_grad(nodes["L"])
    assert all(v.grad == 0.0 for v in g.topological_order(nodes["L"]))


def test_backward_zeroes_by_default_and_accumulates_with_zero_false():
    nodes = g.neuron()
    L = nodes["L"]
    w1 = L.backward() and nodes["w"].grad
    L.backward()
    assert nodes["w"].grad == w1                          # repeatable: zeroed first
    L.backward(zero=False)
    assert abs(nodes["w"].grad) > abs(w1) * 1.5           # added onto the first pass's gradients
