"""Training works, and the same seed gives bit-identical results."""

import numpy as np
import pytest

import backprop_lib as bp


def test_xor_is_solved():
    X, y = bp.datasets.xor(200, noise=0.1, seed=0)
    model = bp.mlp([2, 8, 2], activation="tanh", seed=0)
    history = bp.train(model, X, y, optimizer=bp.SGD(0.5), epochs=300)
    assert history.train_accuracy[-1] == 1.0
    assert bp.accuracy(model.forward(X), y) == 1.0


def test_xor_needs_a_hidden_layer():
    # a linear model cannot separate XOR: near chance however long it trains
    X, y = bp.datasets.xor(200, noise=0.1, seed=0)
    model = bp.mlp([2, 2], seed=0)
    bp.train(model, X, y, optimizer=bp.SGD(0.5), epochs=300)
    assert bp.accuracy(model.forward(X), y) < 0.8


def test_spiral_above_95_percent():
    X, y = bp.datasets.spiral(100, classes=3, seed=0)
    model = bp.mlp([2, 64, 64, 3], activation="relu", seed=0)
    history = bp.train(model, X, y, optimizer=bp.Adam(0.01), epochs=300)
    assert bp.accuracy(model.forward(X), y) > 0.95
    assert history.train_loss[-1] < history.train_loss[0] / 10


def test_digits_above_95_percent_on_the_test_set():
    X, y = bp.datasets.load_digits()
    X_train, X_test, y_train, y_test = bp.datasets.train_test_split(X, y, 0.25, seed=0)
    model = bp.mlp([64, 64, 10], activation="relu", seed=0)
    history = bp.train(model, X_train, y_train, optimizer=bp.SGD(0.1, momentum=0.9), epochs=20,
                       batch_size=32, seed=0, validation=(X_test, y_test))
    loss, acc = bp.evaluate(model, X_test, y_test)
    assert acc > 0.95
    assert history.val_accuracy[-1] == pytest.approx(acc)


def test_same_seed_bit_identical_different_seed_not():
    X, y = bp.datasets.moons(120, seed=1)

    def run(seed):
        model = bp.mlp([2, 16, 16, 2], activation="tanh", norm="batch", seed=seed)
        history = bp.train(model, X, y, optimizer=bp.Adam(0.01), epochs=5, batch_size=16,
                           seed=seed)
        return history, [p.value for p in model.parameters()]

    (h1, p1), (h2, p2), (h3, _) = run(0), run(0), run(1)
    np.testing.assert_array_equal(h1.loss, h2.loss)
    np.testing.assert_array_equal(h1.grad_norm, h2.grad_norm)
    for a, b in zip(p1, p2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(h1.loss, h3.loss)


def test_history_shapes_and_epochs():
    X, y = bp.datasets.moons(100, seed=0)
    model = bp.mlp([2, 8, 8, 2], seed=0)
    h = bp.train(model, X, y, epochs=3, batch_size=32, validation=(X[:20], y[:20]))
    steps = 3 * 4                                          # ceil(100 / 32) = 4 batches an epoch
    assert h.steps == steps and h.loss.shape == (steps,)
    assert h.layers == ["dense1", "dense2", "dense3"]
    for name in bp.STATS:
        assert getattr(h, name).shape == (steps, 3)
    assert np.all(np.isnan(h.saturation[:, 2]))           # the linear output layer
    assert h.epoch_step == [4, 8, 12]
    assert len(h.train_loss) == len(h.train_accuracy) == len(h.val_loss) == 3
    assert "3 epochs" in h.summary()


def test_epoch_loss_is_the_mean_of_its_batches():
    X, y = bp.datasets.moons(64, seed=0)
    h = bp.train(bp.mlp([2, 4, 2], seed=0), X, y, epochs=2, batch_size=16)
    assert h.train_loss[0] == pytest.approx(h.loss[:4].mean())


def test_mse_and_binary_cross_entropy_train():
    X, y = bp.datasets.circles(200, seed=0)
    model = bp.mlp([2, 16, 1], activation="tanh", seed=0)
    h = bp.train(model, X, y, loss=bp.binary_cross_entropy, optimizer=bp.Adam(0.05), epochs=200)
    assert h.train_accuracy[-1] > 0.95
    x = np.linspace(-1, 1, 50)[:, None]
    reg = bp.mlp([1, 16, 1], activation="tanh", seed=0)
    h = bp.train(reg, x, np.sin(3 * x), loss=bp.mse, optimizer=bp.Adam(0.02), epochs=500)
    assert h.train_loss[-1] < 0.01
    assert h.train_accuracy == []


def test_callback_sees_every_step_and_can_stop():
    X, y = bp.datasets.xor(40, seed=0)
    seen = []

    def callback(step):
        seen.append((step.step, step.epoch, step.epoch_end, len(step.history.loss)))
        return step.step < 5

    h = bp.train(bp.mlp([2, 4, 2], seed=0), X, y, epochs=50, callback=callback)
    assert h.stopped_early and h.steps == 5
    assert seen[0] == (1, 0, True, 1) and seen[-1][0] == 5


def test_batchnorm_folds_a_last_batch_of_one():
    X, y = bp.datasets.moons(33, seed=0)
    h = bp.train(bp.mlp([2, 4, 2], norm="batch", seed=0), X, y, epochs=1, batch_size=16)
    assert h.steps == 2                                     # 16 + 17, not 16 + 16 + 1


def test_evaluation_mode_uses_running_statistics():
    X, y = bp.datasets.moons(200, seed=0)
    model = bp.mlp([2, 16, 2], norm="batch", seed=0)
    bp.train(model, X, y, optimizer=bp.SGD(0.1), epochs=50, batch_size=50)
    model.eval()
    one = model.forward(X[:1])
    in_batch = model.forward(X[:50])[:1]
    np.testing.assert_allclose(one, in_batch)               # no dependence on the batch
    model.train()
    assert not np.allclose(model.forward(X[:2])[:1], model.forward(X[:50])[:1])


def test_optimizer_updates_follow_their_formulas():
    p = bp.Parameter("w", np.array([1.0, -2.0]))
    p.grad[...] = [0.5, 0.25]
    bp.SGD(0.1).step([p])
    np.testing.assert_allclose(p.value, [0.95, -2.025])
    sgd = bp.SGD(0.1, momentum=0.9)
    p = bp.Parameter("w", np.zeros(1))
    p.grad[...] = 1.0
    sgd.step([p])
    sgd.step([p])                                           # v = -0.1, then -0.19
    np.testing.assert_allclose(p.value, [-0.29])
    adam = bp.Adam(0.01)
    p = bp.Parameter("w", np.zeros(2))
    p.grad[...] = [1e-6, 1e3]
    adam.step([p])                                          # Adam's first step is lr·sign(g)
    np.testing.assert_allclose(p.value, [-0.01, -0.01], rtol=1e-2)


def test_clipping_keeps_the_direction_and_caps_the_norm():
    a, b = bp.Parameter("a", np.zeros(2)), bp.Parameter("b", np.zeros(1))
    a.grad[...] = [3.0, 0.0]
    b.grad[...] = [4.0]
    assert bp.clip_grad_norm([a, b], 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(np.concatenate([a.grad, b.grad]), [0.6, 0.0, 0.8])
    assert bp.grad_norm([a, b]) == pytest.approx(1.0)


def test_clipping_rescues_a_diverging_run():
    X, y = bp.datasets.moons(100, seed=0)
    y = y.astype(float)
    h = bp.train(bp.mlp([2, 16, 1], seed=0), X, y, loss=bp.mse,
                 optimizer=bp.SGD(lr=1.5, clip_norm=0.5), epochs=200)
    assert not h.diverged and h.train_loss[-1] < h.train_loss[0]


def test_a_huge_number_of_epochs_asks_for_no_memory_up_front():
    # epochs=10**9 by a slip: the records grow with the steps taken, not with the steps asked for
    X, y = bp.datasets.xor()
    seen = []

    def stop_after_3000(step):
        seen.append(step.history.loss.shape[0])
        return step.step < 3000

    h = bp.train(bp.mlp([2, 4, 2], seed=0), X, y, epochs=10**9, callback=stop_after_3000)
    assert h.steps == 3000 and h.stopped_early and np.isfinite(h.loss).all()
    assert h.grad_norm.shape == (3000, 2) and np.isfinite(h.grad_norm).all()
    assert seen[:3] == [1, 2, 3] and seen[-1] == 3000


def test_best_epoch_is_the_lowest_validation_loss_counted_from_1():
    X, y = bp.datasets.spiral(20, seed=0)
    h = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, optimizer=bp.Adam(0.05), epochs=6,
                 validation=(X[:15], y[:15]))
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    h.val_loss = [0.9, 0.5, 0.5, 0.7]                     # a tie: the first one
    assert h.best_epoch == 2
    no_val = bp.train(bp.mlp([2, 3, 3]), X, y, epochs=2)
    with pytest.raises(ValueError, match="validation="):
        _ = no_val.best_epoch
