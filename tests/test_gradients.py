"""Every backward pass against centred finite differences, in float64, tolerance 1e-7.

Shapes are drawn by hypothesis; one registry (tests/registry.py) drives the layer tests.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from registry import LAYERS, away_from_kinks

import backprop_lib as bp
from backprop_lib.gradcheck import SUSPICIOUS

TOL = 1e-7
shapes = st.tuples(st.integers(2, 6), st.integers(1, 5))
seeds = st.integers(0, 2**31 - 1)


@pytest.mark.parametrize("name", sorted(LAYERS))
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=seeds)
def test_layer_backward_matches_finite_differences(name, shape, seed):
    rng = np.random.default_rng(seed)
    n, features = shape
    # normalizing 2 values gives ±1 whatever they are: the input gradient is then only rounding
    # noise (about eps/x³), so the norms are checked on 3 or more values
    if name == "layernorm":
        features = max(features, 3)
    if name == "batchnorm":
        n = max(n, 3)
    layer = LAYERS[name](features, rng)
    X = away_from_kinks(rng.normal(0, 1.5, (n, features)), name)
    check = bp.gradient_check(layer, X, seed=seed)
    assert "input" in check
    assert check.worst < TOL, f"{name}\n{check}"


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "softmax_cross_entropy"])
@settings(max_examples=25, deadline=None)
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 5)), seed=seeds,
       scale=st.sampled_from([0.1, 1.0, 10.0]))
def test_loss_gradient_matches_finite_differences(loss, shape, seed, scale):
    rng = np.random.default_rng(seed)
    n, k = shape
    pred = rng.normal(0, scale, (n, k))
    if loss == "mse":
        target = rng.normal(0, 1, (n, k))
    elif loss == "binary_cross_entropy":
        target = rng.integers(0, 2, (n, k)).astype(float)
    else:
        target = rng.integers(0, k, n)
    fn = bp.LOSSES[loss]
    check = bp.gradient_check(lambda z: fn(z, target), pred)
    if check["input"] >= TOL:
        # A confident, right prediction has a tiny gradient (e^-20 at logits 20 apart), near the
        # rounding noise of a centred difference (about 1e-16 / h = 1e-11), so only an absolute
        # comparison means anything there.
        analytic = fn(pred, target)[1]
        numeric = bp.numerical_gradient(lambda: fn(pred, target)[0], pred)
        assert np.abs(analytic).max() < 1e-4, check
        np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-9)


@pytest.mark.parametrize("activation", sorted(bp.ACTIVATIONS))
@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@settings(max_examples=5, deadline=None)
@given(seed=seeds, n=st.integers(3, 8), widths=st.lists(st.integers(2, 6), min_size=1,
                                                         max_size=3))
def test_whole_network_gradients(activation, norm, seed, n, widths):
    rng = np.random.default_rng(seed)
    if norm == "layer":                       # LayerNorm over 2 features is ±1 whatever they are
        widths = [max(w, 3) for w in widths]
    sizes = [3, *widths, 4]
    model = bp.mlp(sizes, activation=activation, norm=norm, seed=seed)
    for layer in model.dense_layers():        # biases of 0 would hide a bias mistake, and put a
        layer.b.value[...] = rng.normal(0, 0.3, layer.fan_out)   # dead ReLU layer on its kink
    X = rng.normal(0, 1, (n, 3))
    y = rng.integers(0, 4, n)
    check = bp.gradient_check(model, X, y, loss=bp.softmax_cross_entropy)
    if "relu" in activation or norm is not None:
        # a ReLU unit whose input sits within h of 0 makes the difference straddle the kink; and
        # a normalization over 3 values (or a batch of 3) curves so sharply that the centred
        # difference's own h² error reaches the worst entry's 1e-5 (measured: worst 2.6e-5 over
        # 360 such networks; the error scales as h², so it is the difference, not the backward).
        # "look closer" is then the best the check can say; a mistake still reads above 1e-2.
        assert check.worst < SUSPICIOUS, check
    else:
        assert check.worst < TOL, check
    assert set(check) == {p.name for p in model.parameters()} | {"input"}


def test_relu_network_gradients_exact_away_from_kinks():
    rng = np.random.default_rng(3)
    model = bp.mlp([3, 5, 5, 2], activation="relu", seed=3)
    X = rng.normal(0, 1, (6, 3))
    model.forward(X)
    for i, layer in enumerate(model.layers):   # this seed keeps every unit's input away from 0
        if isinstance(layer, bp.Dense) and i + 1 < len(model.layers):
            assert np.abs(model.outputs[i]).min() > 1e-4
    check = bp.gradient_check(model, X, rng.integers(0, 2, 6))
    assert check.worst < TOL, check


@pytest.mark.parametrize("loss,make_y", [
    (bp.mse, lambda rng, n: rng.normal(size=(n, 2))),
    (bp.binary_cross_entropy, lambda rng, n: rng.integers(0, 2, (n, 2)).astype(float)),
])
def test_network_with_other_losses(loss, make_y):
    rng = np.random.default_rng(0)
    model = bp.mlp([3, 4, 2], activation="tanh", seed=0)
    X = rng.normal(size=(5, 3))
    check = bp.gradient_check(model, X, make_y(rng, 5), loss=loss)
    assert check.worst < TOL, check


def test_gradient_check_catches_a_wrong_backward():
    class Broken(bp.Dense):
        def backward(self, dZ, input_grad=True):
            dX = super().backward(dZ, input_grad)
            self.W.grad *= 2                     # an extra factor 2
            return dX
    layer = Broken(3, 2, rng=0)
    check = bp.gradient_check(layer, np.random.default_rng(0).normal(size=(4, 3)))
    assert check["W"] > 1e-2 and bp.grade(check["W"]) == "WRONG"
    assert check["b"] < TOL
    assert check.wrong() == ["W"]
    assert "WRONG" in str(check)


def test_gradient_check_leaves_batchnorm_running_statistics_alone():
    model = bp.mlp([2, 4, 2], norm="batch", seed=0)
    bn = model.layers[1]
    before = (bn.running_mean.copy(), bn.running_var.copy())
    X = np.random.default_rng(0).normal(size=(5, 2))
    bp.gradient_check(model, X, np.array([0, 1, 0, 1, 1]))
    np.testing.assert_array_equal(bn.running_mean, before[0])
    np.testing.assert_array_equal(bn.running_var, before[1])


def test_uniform_upstream_gradient_cancels_in_batchnorm():
    # why the check uses a random upstream gradient: with dL/dY = 1 everywhere, BatchNorm's dL/dX
    # is exactly zero, and a broken backward returning zeros would pass
    bn = bp.BatchNorm(3)
    X = np.random.default_rng(0).normal(size=(5, 3))
    bn.forward(X)
    np.testing.assert_allclose(bn.backward(np.ones((5, 3))), 0, atol=1e-12)


def test_numerical_gradient_restores_its_input_and_refuses_float32():
    x = np.array([1.0, 2.0, 3.0])
    grad = bp.numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(grad, 3 * np.array([1.0, 4.0, 9.0]), rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="float64"):
        bp.numerical_gradient(lambda: 0.0, x.astype(np.float32))


def test_grades():
    assert bp.grade(1e-9) == "good"
    assert bp.grade(1e-6) == "look closer"
    assert bp.grade(1e-3) == "suspicious"
    assert bp.grade(0.5) == "WRONG"


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_activation_backward_is_the_product_with_its_local_grad(name):
    # the plots read f'(Z) from local_grad; backward computes the same product in one array
    rng = np.random.default_rng(0)
    act = bp.activation(name)
    act.forward(rng.normal(0, 3, (7, 5)))
    dY = rng.normal(size=(7, 5))
    np.testing.assert_array_equal(act.backward(dY), dY * act.local_grad())


# ---------------------------------------------------------------- the check itself is safe
class _Boom(Exception):
    pass


@pytest.mark.parametrize("error", [_Boom, KeyboardInterrupt])
def test_numerical_gradient_restores_x_when_the_function_raises(error):
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 4:                  # inside the second entry, while it is nudged
            raise error()
        return float(np.sum(x ** 2))
    with pytest.raises(error):
        bp.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("error", [_Boom, KeyboardInterrupt])
def test_gradient_check_restores_every_parameter_when_the_loss_raises(error):
    model = bp.mlp([2, 4, 2], norm="batch", seed=0)
    before = [p.value.copy() for p in model.parameters()]
    bn = model.layers[1]
    stats = (bn.running_mean.copy(), bn.running_var.copy())
    calls = []

    def loss(out, y):
        calls.append(1)
        if len(calls) == 7:
            raise error()
        return bp.softmax_cross_entropy(out, y)
    X = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(error):
        bp.gradient_check(model, X, np.array([0, 1, 0, 1, 1]), loss=loss)
    for p, value in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.value, value)
    np.testing.assert_array_equal(bn.running_mean, stats[0])
    np.testing.assert_array_equal(bn.running_var, stats[1])


@pytest.mark.parametrize("h", [0, -1e-5, float("nan"), float("inf"), "1e-5", None, True])
def test_h_must_be_a_small_positive_number(h):
    x = np.array([1.0])
    with pytest.raises(ValueError, match="h must be a small positive number"):
        bp.numerical_gradient(lambda: float(x[0]), x, h=h)
    with pytest.raises(ValueError, match="h must be a small positive number"):
        bp.gradient_check(bp.Dense(2, 2), np.ones((2, 2)), h=h)


def test_a_large_check_warns_before_it_starts(monkeypatch):
    from backprop_lib import gradcheck
    monkeypatch.setattr(gradcheck, "SLOW_CHECK_NUMBERS", 10)
    layer = bp.Dense(3, 4)                        # 12 + 4 parameters + 6 inputs > 10
    with pytest.warns(RuntimeWarning, match="nudges 22 numbers"):
        bp.gradient_check(layer, np.ones((2, 3)))


def test_one_wrong_entry_in_a_large_matrix_is_not_diluted():
    rng = np.random.default_rng(0)
    numeric = rng.normal(size=(100, 100))
    analytic = numeric.copy()
    analytic[37, 11] *= 2                         # one entry of 10,000 off by a factor 2
    assert bp.relative_error(analytic, numeric) == pytest.approx(1 / 3)
    assert bp.grade(bp.relative_error(analytic, numeric)) == "WRONG"


def test_entries_near_zero_are_compared_to_tiny_not_to_themselves():
    from backprop_lib.gradcheck import TINY
    # two gradients of 1e-12 that differ by rounding noise are both zero for the check
    assert bp.relative_error([1e-12], [2e-12]) == pytest.approx(1e-12 / TINY)
    assert bp.grade(bp.relative_error([1e-12], [2e-12])) == "good"
    # but an entry of TINY / 10 dropped to zero is still wrong
    assert bp.grade(bp.relative_error([0.0], [TINY / 10])) == "WRONG"


def test_non_finite_gradients_are_wrong():
    assert bp.relative_error([np.nan, 1.0], [1.0, 1.0]) == np.inf
    assert bp.grade(np.nan) == "WRONG"


def test_grade_reads_the_one_table():
    from backprop_lib.gradcheck import GRADES
    low = 1e-12
    for bound, word in GRADES:
        assert bp.grade(low) == word
        low = bound * 1.5
