"""over_seeds: one number per seed, the spread quoted, a claim checked for every seed."""

import numpy as np
import pytest

import backprop_lib as bp


def test_spread_holds_one_value_per_seed_in_order():
    spread = bp.over_seeds(lambda seed: seed * 2.0, seeds=[3, 1, 2])
    assert spread.seeds == (3, 1, 2)
    np.testing.assert_array_equal(spread.values, [6.0, 2.0, 4.0])
    assert (spread.min, spread.median, spread.max) == (2.0, 4.0, 6.0)
    assert str(spread) == "4 (2-6 over 3 seeds)"


def test_default_is_five_seeds_and_random_measurements_differ():
    spread = bp.over_seeds(lambda seed: np.random.default_rng(seed).normal())
    assert spread.seeds == (0, 1, 2, 3, 4)
    assert len(set(spread.values)) == 5


def test_a_claim_holds_for_every_seed_or_names_the_seeds_it_fails():
    spread = bp.over_seeds(lambda seed: float(seed))
    assert spread.all(lambda v: v < 5)
    assert not spread.all(lambda v: v < 3)
    assert spread.failing(lambda v: v < 3) == [3, 4]


@pytest.mark.parametrize("bad, message", [
    (lambda seed: None, "NoneType"),
    (lambda seed: "0.5", "str"),
    (lambda seed: np.ones(3), "ndarray"),
    (lambda seed: float("nan"), "finite"),
])
def test_a_measurement_that_is_not_one_finite_number_is_named(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        bp.over_seeds(bad)


def test_no_seeds_and_not_a_function_are_refused():
    with pytest.raises(ValueError, match="at least one seed"):
        bp.over_seeds(lambda s: 1.0, seeds=[])
    with pytest.raises(TypeError, match="function of the seed"):
        bp.over_seeds(3.0)
