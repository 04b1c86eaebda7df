import hashlib
from pathlib import Path

import numpy as np
import pytest

import backprop_lib as bp

DIGITS = Path(__file__).resolve().parent.parent / "data" / "digits.csv.gz"


@pytest.mark.parametrize("name", sorted(bp.datasets.TOY_SETS))
def test_toy_sets_are_deterministic_and_well_formed(name):
    make = bp.datasets.TOY_SETS[name]
    X1, y1 = make(seed=3)
    X2, y2 = make(seed=3)
    X3, _ = make(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.dtype == np.float64 and X1.shape[1] == 2 and y1.shape == (len(X1),)
    assert np.issubdtype(y1.dtype, np.integer) and y1.min() == 0


def test_spiral_default_is_3_by_100():
    X, y = bp.datasets.spiral()
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [100, 100, 100]


def test_digits_file_is_the_shipped_one():
    assert hashlib.sha256(DIGITS.read_bytes()).hexdigest() == (
        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22")


def test_load_digits():
    X, y = bp.datasets.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 1
    assert sorted(np.unique(y)) == list(range(10))
    raw, _ = bp.datasets.load_digits(scale=False)
    assert raw.max() == 16


def test_load_digits_missing_file_says_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="BACKPROP_DATA"):
        bp.datasets.load_digits(path=tmp_path / "nope.csv.gz")


def test_split_is_seeded_stratified_and_disjoint():
    X, y = bp.datasets.load_digits()
    Xtr, Xte, ytr, yte = bp.datasets.train_test_split(X, y, 0.25, seed=0)
    again = bp.datasets.train_test_split(X, y, 0.25, seed=0)
    np.testing.assert_array_equal(Xte, again[1])
    assert len(Xtr) + len(Xte) == 1797
    assert abs(len(Xte) - 0.25 * 1797) < 10
    share = np.bincount(yte) / np.bincount(y)
    assert np.all(np.abs(share - 0.25) < 0.02)
    rows = {r.tobytes() for r in Xtr}
    assert sum(r.tobytes() in rows for r in Xte) < 5        # (a few digits are exact repeats)


def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(0)
    A, B = rng.normal(5, 2, (100, 3)), rng.normal(5, 2, (10, 3))
    As, Bs = bp.datasets.standardize(A, B)
    np.testing.assert_allclose(As.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Bs, (B - A.mean(0)) / A.std(0))
