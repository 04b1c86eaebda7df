"""Checks on what a learner passes in, so that a mistake gets a sentence, not a numpy traceback.

Every check runs before any state changes: a model that refused an input is exactly as it was.
"""

from __future__ import annotations

import difflib
import numbers

import numpy as np


def as_rng(rng) -> np.random.Generator:
    """A ``np.random.Generator`` from a seed, a Generator, or None (seed 0, so results repeat)."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be an int seed or a np.random.Generator, got {type(rng).__name__}; "
        "pass for example rng=np.random.default_rng(0)"
    )


def as_float_array(X, name: str = "X", ndim: int | None = 2) -> np.ndarray:
    """``X`` as a float64 array, refusing non-numbers, the wrong number of axes, NaN and inf."""
    if isinstance(X, np.ndarray) and X.dtype == np.float64:
        arr = X
    else:
        try:
            arr = np.asarray(X)
        except (ValueError, TypeError) as err:  # ragged lists
            raise TypeError(f"{name} could not be turned into an array ({err}); pass a numeric "
                            "array of shape (n, features)") from None
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                     or np.issubdtype(arr.dtype, np.floating)):
            raise TypeError(
                f"{name} must hold real numbers, got dtype {arr.dtype}; "
                f"convert it with np.asarray({name}, dtype=float)"
            )
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = (f"; for one sample use {name}.reshape(1, -1), "
                    f"for one feature {name}.reshape(-1, 1)")
        raise ValueError(f"{name} must have {ndim} axes (n, features), got shape {arr.shape}{hint}")
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains {first_nonfinite(arr)}; "
                         "remove or impute those values before passing it in")
    return arr


def first_nonfinite(arr: np.ndarray) -> str:
    """'NaN (first at index (2, 1))' or 'inf (...)' for an array that is not all finite."""
    bad = "NaN" if np.isnan(arr).any() else "inf"
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
    return f"{bad} (first at index {where})"


def as_labels(y, n: int, num_classes: int | None = None, name: str = "y") -> np.ndarray:
    """Integer class ids of shape (n,), each in ``range(num_classes)``."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class ids of shape (n,), got shape "
                         f"{arr.shape}; if it is one-hot, use {name}.argmax(axis=1)")
    if arr.shape[0] != n:
        raise ValueError(f"X has {n} rows but {name} has {arr.shape[0]} labels; "
                         "they must have one label per row")
    if arr.dtype.kind not in "iu":                      # signed or unsigned integers
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(
                arr == np.round(arr)):
            raise TypeError(f"{name} must hold integer class ids, got dtype {arr.dtype}; "
                            f"convert with {name}.astype(int)")
        raise TypeError(f"{name} must hold integer class ids 0, 1, 2, ..., got dtype {arr.dtype} "
                        f"(values such as {arr.flat[0]!r})")
    if num_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        bad = arr[(arr < 0) | (arr >= num_classes)][0]
        raise ValueError(f"{name} has the label {bad}, but the model has {num_classes} outputs, "
                         f"so labels must be in 0..{num_classes - 1}")
    return arr.astype(np.intp, copy=False)


def check_positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_lr(lr, name: str = "lr") -> float:
    """A learning rate must be a finite number above zero."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{name} must be a number such as 0.1, got {lr!r}")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"{name} must be a finite number above 0 (typical values 1e-4 to 1), "
                         f"got {lr}")
    return float(lr)


def check_fraction(value, name: str, low_open: bool = False, high_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a number in [0, 1), got {value!r}")
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (low_ok and high_ok):
        lo = "(0" if low_open else "[0"
        hi = "1)" if high_open else "1]"
        raise ValueError(f"{name} must be in {lo}, {hi}, got {value}")
    return float(value)


def unknown_name(kind: str, name, valid) -> ValueError:
    """The error for a name that is not in a registry: the closest valid name (by difflib's
    similarity of the spellings, if one is close), then all of them."""
    choices = ", ".join(repr(v) for v in valid)
    names = [v for v in valid if isinstance(v, str)]
    close = difflib.get_close_matches(str(name).lower(), names, n=1, cutoff=0.5)
    guess = f"did you mean {close[0]!r}? " if close else ""
    return ValueError(f"unknown {kind} {name!r}; {guess}choose one of {choices}")


def check_not_empty(X: np.ndarray, name: str = "X") -> np.ndarray:
    """Data with no rows (or no features) cannot be split, trained on or scaled."""
    if X.shape[0] == 0 or (X.ndim == 2 and X.shape[1] == 0):
        raise ValueError(f"{name} is empty (shape {X.shape}): the data has no examples or no "
                         "features; check how it was loaded or filtered")
    return X
