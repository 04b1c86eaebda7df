"""Data sets for the course: small 2-D toy problems you can draw, and real handwritten digits.

Every generator is deterministic given its ``seed``. X is (n, features) float64; y is (n,) int
class ids.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from ._validate import as_float_array, check_not_empty, check_positive_int


def _noise(noise):
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not np.isfinite(noise) \
            or noise < 0:
        raise ValueError(f"noise must be a number >= 0 (the std of added Gaussian noise), "
                         f"got {noise!r}")
    return float(noise)


def _shuffled(X, y, rng):
    order = rng.permutation(len(y))
    return X[order], y[order]


def xor(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Four clusters at the corners of a square; class 1 where exactly one coordinate is
    positive. No single straight line separates the classes: the smallest problem that needs a
    hidden layer."""
    n = check_positive_int(n, "n", minimum=4)
    noise = _noise(noise)
    rng = np.random.default_rng(seed)
    corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=float)
    which = np.arange(n) % 4
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = (which == 1) | (which == 2)
    return _shuffled(X, y.astype(np.intp), rng)


def moons(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Two interleaving half circles (as in scikit-learn's make_moons)."""
    n = check_positive_int(n, "n", minimum=2)
    noise = _noise(noise)
    rng = np.random.default_rng(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0, np.intp), np.ones(n1, np.intp)])
    return _shuffled(X, y, rng)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    """A small circle (class 1) inside a large one (class 0)."""
    n = check_positive_int(n, "n", minimum=2)
    noise = _noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0, np.intp), np.ones(n1, np.intp)])
    return _shuffled(X, y, rng)


def spiral(n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """Interleaved spiral arms, one per class (the CS231n spiral): 3 x 100 points by default."""
    n_per_class = check_positive_int(n_per_class, "n_per_class", minimum=2)
    classes = check_positive_int(classes, "classes", minimum=2)
    noise = _noise(noise)
    rng = np.random.default_rng(seed)
    X = np.zeros((n_per_class * classes, 2))
    y = np.zeros(n_per_class * classes, dtype=np.intp)
    for k in range(classes):
        rows = slice(n_per_class * k, n_per_class * (k + 1))
        r = np.linspace(0.0, 1.0, n_per_class)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + noise * rng.standard_normal(
            n_per_class)
        X[rows] = np.column_stack([r * np.sin(t), r * np.cos(t)])
        y[rows] = k
    return _shuffled(X, y, rng)


TOY_SETS = {"xor": xor, "moons": moons, "circles": circles, "spiral": spiral}


def _data_dir() -> Path:
    """Where the course's data lives: the same answer in a checkout, an installed wheel and the
    in-browser edition, with nothing for the learner to set.

    A checkout keeps it in ``data/`` beside the package; an installed copy carries the same
    files inside the package, as ``backprop_lib/data`` (pyproject.toml maps one onto the other).
    BACKPROP_DATA, if set, names another folder (an instructor's copy)."""
    env = os.environ.get("BACKPROP_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    installed, checkout = here / "data", here.parent / "data"
    return installed if (installed / "digits.csv.gz").exists() else checkout


def load_digits(path=None, scale: bool = True):
    """The UCI 8x8 handwritten digits: X (1797, 64), y (1797,) in 0..9.

    Each pixel counts ink in a 4x4 block, 0..16; ``scale=True`` divides by 16 so that inputs
    lie in [0, 1]. Read from ``data/digits.csv.gz`` of the course (see ``data/README.md`` for its
    provenance), or ``path``, or the folder named by the environment variable BACKPROP_DATA.
    """
    file = Path(path) if path is not None else _data_dir() / "digits.csv.gz"
    if not file.exists():
        raise FileNotFoundError(f"digits data not found at {file}; it ships in the course's data/ "
                                "folder: pass path=... or set BACKPROP_DATA to that folder")
    with gzip.open(file, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 65:
        raise ValueError(f"{file} should have 65 columns (64 pixels and a label), "
                         f"got shape {table.shape}")
    X = table[:, :64].astype(np.float64)
    y = table[:, 64].astype(np.intp)
    return (X / 16.0 if scale else X), y


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """Shuffle (X, y) with ``seed`` and hold out ``test_fraction`` of it, stratified by class so
    that each class keeps its share. Returns X_train, X_test, y_train, y_test."""
    X = check_not_empty(as_float_array(X, "X"))
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        test.extend(rows[: int(round(test_fraction * len(rows)))])
    if not 0 < len(test) < len(y):
        side = "test" if not test else "training"
        raise ValueError(f"test_fraction={test_fraction} of {len(y)} examples leaves the {side} "
                         f"set empty (each class's share is rounded); use more data or a "
                         f"test_fraction nearer 0.5")
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test] = True
    train_idx = rng.permutation(np.flatnonzero(~is_test))
    test_idx = rng.permutation(np.flatnonzero(is_test))
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def standardize(X_train, *others):
    """Scale every feature to mean 0, std 1 using the training set's statistics only, and apply
    the same scaling to the other sets. Returns the scaled arrays in the same order."""
    X_train = check_not_empty(as_float_array(X_train, "X_train"), "X_train")
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0                     # a constant feature stays 0
    return tuple((as_float_array(X, "X") - mean) / std for X in (X_train, *others))
