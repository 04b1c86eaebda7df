"""backprop_lib.debugging: measurements, the broken networks, and the diagnose checklist."""


import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import debugging as dbg


def test_init_profile_follows_theory():
    relu_he = dbg.init_profile(10, "relu", "he")
    tanh_std = dbg.init_profile(10, "tanh", "standard")
    assert relu_he["delta_rms"].shape == (10,) and relu_he["predicted"].shape == (10,)
    assert 1 / 3 < relu_he["ratio"] < 3
    expected = (1 / np.sqrt(3)) ** 9
    assert expected / 3 < tanh_std["ratio"] < expected * 3
    assert np.isclose(relu_he["predicted"][-1], relu_he["delta_rms"][-1])
    with_bn = dbg.init_profile(6, "sigmoid", "standard", norm="batch")
    assert np.all(np.isnan(with_bn["predicted"]))


def test_units_identical_detects_zero_init_and_survives_training():
    X, y = bp.datasets.circles(100, seed=0)
    zero = bp.mlp([2, 6, 6, 2], activation="sigmoid", init="zeros", seed=0)
    bp.train(zero, X, y, optimizer=bp.SGD(1.0, momentum=0.9), epochs=20, batch_size=20)
    assert dbg.units_identical(zero) == [True, True]
    assert np.abs(zero.dense_layers()[1].W.value).max() > 0      # it moved, but together
    assert not any(dbg.units_identical(bp.mlp([2, 6, 6, 2], seed=0)))


def test_scale_weights_and_hidden_bias():
    model = bp.mlp([2, 4, 4, 2], activation="relu", seed=0)
    W = model.dense_layers()[0].W.value.copy()
    dbg.scale_weights(model, 3.0)
    assert np.allclose(model.dense_layers()[0].W.value, 3 * W)
    dbg.set_hidden_bias(model, -2.0)
    assert np.all(model.dense_layers()[0].b.value == -2.0)
    assert np.all(model.dense_layers()[-1].b.value == 0.0)          # the output layer is left alone
    with pytest.raises(ValueError, match="gain must be a positive number"):
        dbg.scale_weights(model, -1)
    with pytest.raises(ValueError, match="bias must be a finite number"):
        dbg.set_hidden_bias(model, float("nan"))


def test_batch_dependence_train_varies_eval_does_not():
    X, y = bp.datasets.moons(100, seed=0)
    model = bp.mlp([2, 8, 8, 2], norm="batch", seed=0)
    bp.train(model, X, y, epochs=3, batch_size=20)
    before = model.layers[1].running_mean.copy()
    result = dbg.batch_dependence(model, X, index=3, batches=6, batch_size=8)
    assert result["train"].shape == (6, 2) and result["eval"].shape == (6, 2)
    assert np.ptp(result["train"], axis=0).max() > 1e-6
    assert np.ptp(result["eval"], axis=0).max() < 1e-12
    assert np.array_equal(model.layers[1].running_mean, before)         # buffers restored
    assert model.training
    with pytest.raises(ValueError, match="index must be a row of X"):
        dbg.batch_dependence(model, X, index=500)
    with pytest.raises(ValueError, match="batch_size"):
        dbg.batch_dependence(model, X, batch_size=1000)


def test_config_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown config entries \\['learning_rate'\\]"):
        dbg.check_config({"learning_rate": 0.1})
    with pytest.raises(TypeError, match="did your fix forget to return it"):
        dbg.check_config(None)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        dbg.check_config({"activation": "relux"})
    with pytest.raises(ValueError, match="sizes must start with 2 inputs"):
        dbg.check_config({"sizes": [3, 2]})
    with pytest.raises(ValueError, match="unknown broken network"):
        dbg.broken("nope")


@pytest.mark.parametrize("entry, bad", [("activation", "leaky_relux"), ("init", "hee"),
                                        ("norm", "batchnorm"), ("sizes", [2, 0, 2]),
                                        ("seed", "zero")])
def test_config_check_is_mlps_own(entry, bad):
    # one copy of the rules: check_config's message is exactly the one mlp gives
    config = {**dbg.BASELINE, entry: bad}
    with pytest.raises((ValueError, TypeError)) as from_mlp:
        bp.mlp(config["sizes"], activation=config["activation"], init=config["init"],
               norm=config["norm"], seed=config["seed"])
    with pytest.raises(type(from_mlp.value)) as from_config:
        dbg.check_config({entry: bad})
    assert str(from_config.value) == str(from_mlp.value)


def test_train_history_is_the_run_without_validation():
    # the explorers' quicker path trains exactly as run() does, only without the held-out figures
    config = {**dbg.BASELINE, "norm": "batch", "epochs": 3}
    quick = dbg.train_history(config)
    full = dbg.run(config, diagnose_it=False).history
    np.testing.assert_array_equal(quick.loss, full.loss)
    assert quick.val_loss == [] and len(full.val_loss) == 3
    diverging = dbg.train_history({**config, "norm": None, "lr": 1e4})
    assert diverging.diverged                        # recorded quietly, as run() does


def test_baseline_learns_and_is_clean():
    run = dbg.run(dbg.BASELINE)
    assert run.learned and not run.diagnosis
    assert "nothing wrong found" in str(run.diagnosis)


@pytest.mark.parametrize("name, problem", [
    ("lr_too_large", "diverged"), ("zero_init", "symmetry"), ("deep_sigmoid", "vanishing"),
    ("dead_relu", "dead_units"), ("shuffled_labels", "labels")])
def test_each_broken_network_fails_and_is_diagnosed(name, problem):
    run = dbg.run(dbg.broken(name))
    assert not run.learned
    assert problem in run.diagnosis, run.diagnosis.problems
    assert run.diagnosis.problems[0] == problem                # the cause comes first


def test_diagnose_messages():
    assert "loss diverged" in str(dbg.run(dbg.broken("lr_too_large")).diagnosis)
    assert "all hidden units identical: zero" in str(dbg.run(dbg.broken("zero_init")).diagnosis)
    text = str(dbg.run(dbg.broken("deep_sigmoid")).diagnosis)
    assert "layer 1 gradients" in text and "of layer 10's: vanishing" in text
    assert "100% dead ReLUs" in str(dbg.run(dbg.broken("dead_relu")).diagnosis)


def test_diagnose_model_alone_and_exploding():
    X, y = bp.datasets.moons(200, seed=0)
    model = dbg.scale_weights(bp.mlp(dbg.hidden_sizes(10, 32), activation="relu", init="he"), 2.0)
    found = dbg.diagnose(model, X, y)
    assert "exploding" in found and "times layer 10's: exploding" in str(found)


def test_diagnose_history_only():
    X, y = bp.datasets.moons(200, seed=0)
    # a loss that grows (here 5x) without crossing train's divergence line: a History by hand,
    # so that the test does not depend on where train draws that line
    h = bp.History(layers=["dense1", "dense2"], loss=np.array([0.7, 1.0, 2.0, 3.0, 3.5, 3.5]))
    assert not h.diverged and "loss_rising" in dbg.diagnose(h)
    assert "lr too large" in str(dbg.diagnose(h))
    diverged = dbg.run(dbg.broken("lr_too_large"), diagnose_it=False).history
    assert diverged.diverged and dbg.diagnose(diverged).problems == ["diverged"]
    h = bp.train(bp.mlp([2, 16, 2]), X, y, optimizer=bp.SGD(1e-6), epochs=5)
    assert dbg.diagnose(h).problems == ["stalled"]


def test_diagnose_bad_inputs():
    model = bp.mlp([2, 4, 2])
    with pytest.raises(TypeError, match="needs a History"):
        dbg.diagnose("model")
    with pytest.raises(ValueError, match="pass the data too"):
        dbg.diagnose(model)
    with pytest.raises(TypeError, match="history must be a History"):
        dbg.diagnose(model, np.zeros((4, 2)), np.zeros(4, int), history=[1, 2])


def test_label_agreement():
    X, y = bp.datasets.moons(200, seed=0)
    agree, chance = dbg.label_agreement(X, y)
    assert agree > 0.9 and abs(chance - 0.5) < 0.01
    shuffled, _ = dbg.label_agreement(X, np.random.default_rng(0).permutation(y))
    assert shuffled < chance + 0.1
    with pytest.raises(ValueError, match="one label per row"):
        dbg.label_agreement(X, y[:10])


def test_compare_and_table():
    runs = dbg.compare({("relu", "he"): {"epochs": 5}, ("tanh", "xavier"): {"activation": "tanh",
                                                                            "init": "xavier",
                                                                            "epochs": 5}})
    table = dbg.results_table(runs)
    assert "relu + he" in table and "tanh + xavier" in table and "val accuracy" in table
