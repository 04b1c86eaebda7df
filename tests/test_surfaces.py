"""Loss surfaces, their gradients, and the regimes of gradient descent."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import regimes as R
from backprop_lib import surfaces as S

SURFACES = [S.quadratic(2.0), S.quadratic([1.0, 20.0], center=[0.5, -1.0], angle=0.4),
            S.DoubleWell(0.3), S.Rosenbrock(10.0)]


@pytest.mark.parametrize("surface", SURFACES, ids=str)
def test_gradients_match_finite_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        w = rng.uniform(-1.5, 1.5, surface.dim)
        numeric = bp.numerical_gradient(lambda w=w: surface.loss(w), w)
        assert bp.relative_error(surface.grad(w), numeric) < 1e-7


@pytest.mark.parametrize("surface", SURFACES, ids=str)
def test_minimum_has_zero_gradient(surface):
    assert np.allclose(surface.grad(surface.minimum), 0, atol=1e-8)


def test_loss_grid_matches_loss():
    s = SURFACES[1]
    W = np.random.default_rng(1).normal(size=(4, 3, 2))
    grid = s.loss_grid(W)
    assert grid.shape == (4, 3)
    assert grid[2, 1] == pytest.approx(s.loss(W[2, 1]))


@pytest.mark.parametrize("a", [0.5, 1.0, 4.0])
def test_regimes_on_a_quadratic(a):
    q = S.quadratic(a)
    for factor, name in [(0.01, "crawl"), (0.5, "converge"), (1.5, "oscillate"),
                         (2.3, "diverge")]:
        lr = factor / a
        assert R.regime(lr, a) == name
        path = S.descend(q, [3.0], lr, steps=30)
        assert path.regime == name
    w = S.descend(q, [3.0], 0.5 / a, steps=20).points[:, 0]
    assert np.all(np.diff(w) < 0) and np.all(w > 0)          # monotone, never crosses
    w = S.descend(q, [3.0], 1.5 / a, steps=20).points[:, 0]
    assert np.all(np.sign(w[1:]) != np.sign(w[:-1]))          # flips side every step
    assert np.all(np.diff(np.abs(w)) < 0)                     # ...while getting closer


def test_diverging_path_stops_at_the_bound():
    path = S.descend(S.quadratic(1.0), [3.0], 5.0, steps=1000, bound=100.0)
    assert path.diverged and path.steps < 1000
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.losses))
    assert np.abs(path.points[-2]).max() <= 100.0


def test_momentum_matches_bp_sgd():
    s = S.quadratic([1.0, 20.0], angle=0.3)
    path = S.descend(s, [-3.0, 1.0], 0.02, steps=10, momentum=0.9)
    p = bp.Parameter("w", np.array([-3.0, 1.0]))
    opt = bp.SGD(0.02, momentum=0.9)
    for _ in range(10):
        p.grad[...] = s.grad(p.value)
        opt.step([p])
    assert np.allclose(path.points[-1], p.value)


def test_momentum_beats_plain_descent_on_a_narrow_valley():
    s = S.quadratic([1.0, 20.0], angle=0.4)
    plain = S.descend(s, [-3.0, 1.5], 0.02, steps=60)
    heavy = S.descend(s, [-3.0, 1.5], 0.02, steps=60, momentum=0.8)
    assert heavy.final_loss < 0.01 * plain.final_loss


def test_path_shapes():
    path = S.descend(SURFACES[1], [1.0, 1.0], 0.01, steps=7)
    assert path.points.shape == (8, 2) and path.losses.shape == (8,)
    assert path.grads.shape == (7, 2)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: S.quadratic([1.0, -2.0]), ValueError, "positive"),
    (lambda: S.quadratic([1.0, 2.0, 3.0]), ValueError, "1 or 2 numbers"),
    (lambda: S.quadratic([1.0, 2.0], center=[0.0]), ValueError, "center"),
    (lambda: S.quadratic(1.0).loss([1.0, 2.0]), ValueError, "takes a point of 1"),
    (lambda: S.descend(S.quadratic(1.0), [1.0], lr=-0.1), ValueError, "above 0"),
    (lambda: S.descend(S.quadratic(1.0), [1.0], lr=0.1, momentum=1.5), ValueError, "momentum"),
    (lambda: S.descend(S.quadratic(1.0), [1.0], lr=0.1, bound=0), ValueError, "bound"),
    (lambda: S.descend("bowl", [1.0], lr=0.1), TypeError, "Surface"),
    (lambda: R.regime(0.1, -1.0), ValueError, "curvature"),
    (lambda: S.DoubleWell("a"), TypeError, "tilt"),
    (lambda: S.Rosenbrock(-1), ValueError, "positive"),
])
def test_bad_inputs_say_what_is_wrong(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


@pytest.mark.parametrize("a", [0.5, 1.0, 4.0])
def test_at_lr_times_curvature_2_the_path_bounces_and_is_labelled_so(a):
    """lr·a = 2: the factor is -1, w -> -w -> w forever. Neither theory nor the path, nor the
    explorer's title, may call that converging."""
    from backprop_lib.plots import descent as dplots

    q = S.quadratic(a)
    lr = 2.0 / a
    assert R.regime(lr, a) == "bounce"
    assert R.regime(lr * (1 + 1e-12), a) == "bounce"        # rounding does not decide the label
    path = S.descend(q, [3.0], lr, steps=25)
    w = path.points[:, 0]
    assert np.allclose(np.abs(w), 3.0) and np.all(np.sign(w[1:]) != np.sign(w[:-1]))
    assert path.regime == "bounce"
    title = dplots.regime_title(path)
    assert "converge" not in title and "bounces" in title
    assert R.regime(1.99 / a, a) == "oscillate" and R.regime(2.01 / a, a) == "diverge"
    assert S.descend(q, [3.0], 1.5 / a, steps=25).regime == "oscillate"


@pytest.mark.parametrize("mu", [0.0, 0.8])
def test_descend_with_sgd_follows_the_same_path_as_descend(mu):
    import backprop_lib as bp

    valley = S.quadratic([1.0, 20.0], angle=0.4)
    a = S.descend(valley, [-3.0, 1.5], 0.02, steps=30, momentum=mu)
    b = S.descend_with(valley, [-3.0, 1.5], bp.SGD(0.02, momentum=mu), steps=30)
    assert np.allclose(a.points, b.points) and np.allclose(a.losses, b.losses)


def test_descend_with_adam_first_step_is_lr_in_every_coordinate():
    import backprop_lib as bp

    valley = S.quadratic([1.0, 20.0])
    path = S.descend_with(valley, [-3.0, 1.5], bp.Adam(0.1), steps=1)
    assert np.allclose(np.abs(path.points[1] - path.points[0]), 0.1, rtol=1e-6)


def test_descend_with_refuses_a_used_optimizer_and_non_optimizers():
    import backprop_lib as bp

    valley = S.quadratic([1.0, 20.0])
    opt = bp.Adam(0.1)
    S.descend_with(valley, [1.0, 1.0], opt, steps=2)
    with pytest.raises(ValueError, match="pass a fresh one"):
        S.descend_with(valley, [1.0, 1.0], opt, steps=2)
    with pytest.raises(TypeError, match="bp.Adam"):
        S.descend_with(valley, [1.0, 1.0], 0.1, steps=2)


def test_a_valley_bouncing_across_its_steep_side_is_not_called_converging():
    valley = S.quadratic([1.0, 20.0], angle=0.4)
    path = S.descend(valley, [-3.0, 1.5], 2.0 / 20.0, steps=60)      # steep side: lr·a = 2
    assert path.final_loss > 0.9 * path.losses[0]
    assert path.regime == "bounce"
    assert S.descend(valley, [-3.0, 1.5], 0.095, steps=60).regime != "bounce"


def test_regimes_still_importable_from_surfaces():
    """Notebook 05 and older code reach them as ``surfaces`` names: the same objects."""
    for name in ("regime", "path_regime", "CRAWL_BELOW"):
        assert getattr(S, name) is getattr(R, name)
