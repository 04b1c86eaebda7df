"""The forward signal, the weight-gradient product, measured slopes and probes (signals.py,
probes.py, theory.predicted_delta_rms with measured gains)."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import debugging as dbg
from backprop_lib import probes, signals, theory


def data(n=64, features=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, features)), rng.integers(0, classes, n)


def digits(n=256):
    """The lesson's batch: standardized digits (07)."""
    X, y = bp.datasets.load_digits()
    X_train, X_test, y_train, _ = bp.datasets.train_test_split(X, y, 0.25, seed=0)
    X_train, _ = bp.datasets.standardize(X_train, X_test)
    return X_train[:n], y_train[:n]


def rms(M):
    return np.sqrt(np.mean(M ** 2))


# ------------------------------------------------------------------ forward profile
def test_forward_profile_reads_each_dense_input_and_pre_activation():
    X, _ = data()
    model = bp.mlp([5, 7, 6, 3], activation="tanh", seed=1)
    profile = signals.forward_profile(model, X)
    W1, b1 = model.layers[0].W.value, model.layers[0].b.value
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    assert profile["layers"] == ["dense1", "dense2", "dense3"]
    assert np.isclose(profile["input_rms"][0], rms(X))
    assert np.isclose(profile["input_rms"][1], rms(A1))
    assert np.isclose(profile["z_rms"][0], rms(Z1))
    assert profile["input_rms"].shape == profile["z_rms"].shape == (3,)


def test_signal_functions_reject_what_is_not_a_network():
    X, y = data()
    for fn, args in [(signals.forward_profile, (X,)), (signals.weight_gradient_parts, (X, y)),
                     (signals.slope_gain, ()), (signals.input_dependent_share, (X,))]:
        with pytest.raises(TypeError, match="bp.mlp"):
            fn("not a model", *args)


# ------------------------------------------------------------------ the product
def test_weight_gradient_parts_multiply_back_to_the_gradient_exactly():
    X, y = data()
    model = bp.mlp([5, 8, 8, 3], activation="relu", seed=2)
    before = [p.value.copy() for p in model.parameters()]
    parts = signals.weight_gradient_parts(model, X, y)
    rebuilt = parts["alignment"] * parts["size_factor"] * parts["input_rms"] * parts["delta_rms"]
    assert np.allclose(rebuilt, parts["grad_norm"], rtol=1e-12)
    assert np.all((parts["alignment"] > 0) & (parts["alignment"] <= 1 + 1e-12))
    direct = [np.linalg.norm(d.W.grad) for d in model.dense_layers()]
    assert np.allclose(parts["grad_norm"], direct)
    assert all(np.array_equal(b, p.value) for b, p in zip(before, model.parameters()))


def test_alignment_is_one_for_a_single_example():
    # one example: dL/dW = a · dzᵀ is an outer product, whose norm is exactly |a|·|dz|
    X, y = data(n=1)
    parts = signals.weight_gradient_parts(bp.mlp([5, 4, 3], activation="tanh", seed=0), X, y)
    assert np.allclose(parts["alignment"], 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_tanh_xavier_depth_25_weight_gradient_flat_while_the_error_shrinks(seed):
    X, y = digits()
    model = bp.mlp([64] + [32] * 25 + [10], activation="tanh", init="xavier", seed=seed)
    parts = signals.weight_gradient_parts(model, X, y)
    assert parts["delta_rms"][0] < parts["delta_rms"][-2] / 5          # the error shrinks back
    assert parts["input_rms"][0] > 5 * parts["input_rms"][-2]          # the signal shrinks forward
    assert parts["grad_norm"].max() < 3 * parts["grad_norm"].min()     # their product does not


@pytest.mark.parametrize("seed", range(5))
def test_relu_small_init_weight_gradient_is_tiny_everywhere(seed):
    X, y = digits()
    model = bp.mlp([64] + [32] * 25 + [10], activation="relu", init="small", seed=seed)
    parts = signals.weight_gradient_parts(model, X, y)
    assert parts["grad_norm"].max() < 1e-25
    assert parts["delta_rms"][-2] > 1e20 * parts["delta_rms"][0]       # vanished back ...
    assert parts["input_rms"][0] > 1e20 * parts["input_rms"][-2]       # ... and forward


# ------------------------------------------------------------------ measured slopes
def test_slope_gain_is_the_mean_squared_derivative():
    X, _ = data()
    model = bp.mlp([5, 6, 6, 3], activation="sigmoid", seed=0)
    model.forward(X)
    gains = signals.slope_gain(model)
    expected = [np.mean(model.layers[k].local_grad() ** 2) for k in (1, 3)]
    assert np.allclose(gains, expected)
    assert np.all(gains <= 1 / 16 + 1e-12)


def test_slope_gain_needs_a_forward_pass():
    with pytest.raises(RuntimeError, match="forward"):
        signals.slope_gain(bp.mlp([2, 3, 2], seed=0))


def test_slope_gain_of_tanh_near_zero_is_one():
    X, _ = data()
    model = bp.mlp([5, 6, 6, 3], activation="tanh", init="small", seed=0)
    model.forward(X)
    assert np.allclose(signals.slope_gain(model), 1.0, atol=1e-3)


def test_predicted_delta_rms_with_the_zero_point_gains_is_the_plain_prediction():
    sizes = [2, 8, 8, 8, 2]
    plain = theory.predicted_delta_rms(sizes, "tanh", "he", 1.0)
    same = theory.predicted_delta_rms(sizes, "tanh", "he", 1.0, gains=[1.0, 1.0, 1.0])
    half = theory.predicted_delta_rms(sizes, "tanh", "he", 1.0, gains=[0.5, 0.5, 0.5])
    assert np.allclose(plain, same)
    assert np.allclose(half[0], 1.0)                   # sqrt(8 · 2/8 · 1/2) = 1 per layer


@pytest.mark.parametrize("gains", [[1.0, 1.0], [1.0, -1.0, 1.0], [np.nan, 1, 1], "abc"])
def test_predicted_delta_rms_rejects_bad_gains(gains):
    with pytest.raises(ValueError, match="gains"):
        theory.predicted_delta_rms([2, 8, 8, 8, 2], "tanh", "he", gains=gains)


@pytest.mark.parametrize("seed", range(5))
def test_tanh_he_theory_at_zero_fails_and_the_measured_slope_repairs_it(seed):
    profile = dbg.init_profile(10, "tanh", "he", seed=seed)
    gains = signals.slope_gain(profile["model"])
    corrected = theory.predicted_delta_rms(dbg.hidden_sizes(10, 32), "tanh", "he",
                                           profile["delta_rms"][-1], gains=gains)
    naive = profile["factor"] ** 9
    assert naive > 5 * profile["ratio"]                               # off by far
    assert 1 / 3 < (corrected[0] / corrected[-1]) / profile["ratio"] < 3
    assert np.all(gains < 0.8)                                        # not 1: not linear


# ------------------------------------------------------------------ input-dependent share
def test_input_dependent_share_is_zero_for_constant_units_and_one_for_centred_units():
    X, _ = data()
    model = bp.mlp([5, 4, 2], activation="tanh", seed=0)
    model.layers[0].W.value[...] = 0.0
    model.layers[0].b.value[...] = [-1.0, 0.0, 0.5, 2.0]     # each unit its own constant
    assert np.allclose(signals.input_dependent_share(model, X), 0.0)
    model.layers[0].W.value[...] = np.random.default_rng(0).normal(size=(5, 4))
    model.layers[0].b.value[...] = 0.0
    share = signals.input_dependent_share(model, X)
    A = model.outputs[1]
    expected = A.var(axis=0).mean() / A.var()
    assert np.allclose(share, expected) and 0.9 < share[0] <= 1.0


@pytest.mark.parametrize("seed", range(5))
def test_batchnorm_keeps_the_deep_sigmoid_layers_input_dependent(seed):
    X, _ = bp.datasets.moons(256, noise=0.15, seed=seed)
    sizes = dbg.hidden_sizes(10, 32)
    plain = signals.input_dependent_share(bp.mlp(sizes, "sigmoid", "standard", seed=seed), X)
    batch = signals.input_dependent_share(
        bp.mlp(sizes, "sigmoid", "standard", norm="batch", seed=seed), X)
    assert plain[0] > 0.5 and plain[2] < 0.05 and plain[-1] < 1e-3
    assert np.all(batch > 0.95)


# ------------------------------------------------------------------ probes
def test_backward_gain_scales_backward_only():
    Z = np.random.default_rng(0).normal(size=(6, 4))
    G = np.random.default_rng(1).normal(size=(6, 4))
    plain, probe = bp.Sigmoid(), probes.BackwardGain(bp.Sigmoid(), 4)
    assert np.array_equal(plain.forward(Z), probe.forward(Z))
    assert np.allclose(probe.backward(G), 4 * plain.backward(G))
    assert np.allclose(probe.local_grad(), 4 * plain.local_grad())


@pytest.mark.parametrize("bad", [0, -1, "4", True, None])
def test_backward_gain_rejects_bad_gains(bad):
    with pytest.raises(ValueError, match="gain"):
        probes.BackwardGain(bp.Sigmoid(), bad)


def test_backward_gain_wraps_activations_only():
    with pytest.raises(TypeError, match="activation"):
        probes.BackwardGain(bp.Dense(2, 2), 4)


def test_centred_sigmoid_is_sigmoid_minus_half_with_a_true_backward():
    Z = np.random.default_rng(0).normal(size=(6, 4))
    layer = probes.CentredSigmoid()
    assert np.allclose(layer.forward(Z), 1 / (1 + np.exp(-Z)) - 0.5)
    assert probes.CentredSigmoid().forward(np.zeros((1, 1)))[0, 0] == 0.0
    assert bp.gradient_check(probes.CentredSigmoid(), Z).passed()


def test_with_activation_replaces_every_activation_and_keeps_weights():
    model = bp.mlp([2, 4, 4, 3], activation="sigmoid", seed=0)
    weights = [p.value.copy() for p in model.parameters()]
    probes.with_activation(model, lambda old: probes.BackwardGain(old, 2))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "BackwardGain", "Dense", "BackwardGain", "Dense"]
    assert all(np.array_equal(w, p.value) for w, p in zip(weights, model.parameters()))
    with pytest.raises(TypeError, match="activation"):
        probes.with_activation(model, lambda old: "tanh")
    with pytest.raises(TypeError, match="function"):
        probes.with_activation(model, 4)


def final_loss(optimizer, gain, seed):
    X, y = bp.datasets.spiral(n_per_class=40, seed=seed)
    model = bp.mlp([2, 16, 16, 3], activation="sigmoid", seed=seed)
    if gain != 1:
        probes.with_activation(model, lambda old: probes.BackwardGain(old, gain))
    return bp.train(model, X, y, optimizer=optimizer, epochs=60, seed=seed).loss[-1]


@pytest.mark.parametrize("seed", range(5))
def test_adam_ignores_a_backward_gain_and_sgd_does_not(seed):
    adam = final_loss(bp.Adam(0.03), 1, seed), final_loss(bp.Adam(0.03), 4, seed)
    sgd = final_loss(bp.SGD(0.3), 1, seed), final_loss(bp.SGD(0.3), 4, seed)
    assert abs(adam[1] - adam[0]) < 1e-3 * adam[0]
    assert sgd[1] < 0.95 * sgd[0]
