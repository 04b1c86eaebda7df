"""The checklist for a network that does not learn: ``diagnose(history or model, ...)`` turns
measurements into findings such as "loss diverged: lr too large" or "70% dead ReLUs", each with
what to try. Engine floor: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validate import as_float_array, as_rng
from ..activations import ReLU
from ..diagnostics import dead_units, gradient_profile
from ..losses import softmax_cross_entropy
from ..network import Sequential, dense_blocks
from ..train import History
from .measurements import units_identical


@dataclass
class Finding:
    """One thing the checklist found: a short ``problem`` key, what was measured, what to try."""

    problem: str
    message: str
    fix: str

    def __str__(self):
        return f"{self.message}  ->  {self.fix}"


@dataclass
class Diagnosis:
    """The findings of ``diagnose``, most fundamental first. Falsy when nothing was found."""

    findings: list = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f.problem for f in self.findings]

    def __contains__(self, problem):
        return problem in self.problems

    def __bool__(self):
        return bool(self.findings)

    def __len__(self):
        return len(self.findings)

    def __str__(self):
        if not self.findings:
            return "checklist: nothing wrong found"
        return "\n".join(["checklist:"] + [f"- {f}" for f in self.findings])

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


#: thresholds of the checklist
VANISHING_BELOW = 1e-2     # first/last hidden-layer ratio of RMS dL/dZ
EXPLODING_ABOVE = 1e2
DEAD_ABOVE = 0.5           # fraction of hidden units quiet for every example
STALLED_ABOVE = 0.9        # final loss / first loss
LABELS_MARGIN = 0.1        # nearest-neighbour agreement this close to chance: labels unrelated


def label_agreement(X, y, max_points: int = 600, seed: int = 0) -> tuple[float, float]:
    """How often a point's nearest neighbour has its label, and how often chance would agree.

    Labels that belong to their inputs agree far above chance (similar inputs, same class);
    shuffled or mismatched labels agree at about chance. Returns (agreement, chance).
    """
    X = as_float_array(X, "X")
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got shape {y.shape}")
    if X.shape[0] > max_points:
        rows = as_rng(seed).choice(X.shape[0], max_points, replace=False)
        X, y = X[rows], y[rows]
    sq = np.sum(X * X, axis=1)
    dist = sq[:, None] + sq[None, :] - 2 * X @ X.T
    np.fill_diagonal(dist, np.inf)
    agreement = float(np.mean(y[np.argmin(dist, axis=1)] == y))
    shares = np.unique(y, return_counts=True)[1] / len(y)
    return agreement, float(np.sum(shares ** 2))


def _layer_word(model):
    kinds = {type(model.layers[a]) for _, _, a in dense_blocks(model) if a is not None}
    relu = kinds and all(issubclass(k, ReLU) for k in kinds)
    return "dead ReLUs" if relu else "fully saturated units"


def diagnose(target, *data, loss=softmax_cross_entropy, history=None) -> Diagnosis:
    """Go through the checklist for a network that does not learn.

    ``diagnose(history)`` reads what happened during training; ``diagnose(model, X, y)`` checks
    a model (a ``Sequential``) on (X, y) with one forward and backward pass, no update; both
    together: ``diagnose(history, model, X, y)`` or ``diagnose(model, X, y, history=history)``.
    Checks, in order: divergence, identical hidden units (zero init), dead or saturated units,
    vanishing or exploding gradients, labels unrelated to the inputs, a loss that hardly moved,
    training far better than validation.
    """
    model = X = y = None
    if isinstance(target, History):
        history = target
        if data:
            if len(data) != 3 or not isinstance(data[0], Sequential):
                raise TypeError("after a History pass either nothing or (model, X, y): "
                                "diagnose(history, model, X, y)")
            model, X, y = data
    elif isinstance(target, Sequential):
        model = target
        if len(data) != 2:
            raise ValueError("to check a model, pass the data too: diagnose(model, X, y)")
        X, y = data
    else:
        raise TypeError(f"diagnose needs a History (from bp.train) or a model (a Sequential), "
                        f"got {type(target).__name__}")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History from bp.train, got {type(history).__name__}")
    findings: list[Finding] = []

    if history is not None and history.diverged:
        findings.append(Finding(
            "diverged", f"loss diverged (became NaN or infinite at step {history.diverged_at}):"
            " lr too large (or weights too large)",
            "lower the learning rate 10x, or clip the gradients (clip_norm)"))
    elif history is not None and history.steps >= 2:
        first, last = float(history.loss[0]), float(np.mean(history.loss[-5:]))
        if last > 3 * first:
            findings.append(Finding(
                "loss_rising", f"loss grew from {first:.3g} to {last:.3g}: lr too large",
                "lower the learning rate, or clip the gradients (clip_norm)"))

    if model is not None:
        y_arr = np.asarray(y)
        same = units_identical(model)
        if same and all(same):
            findings.append(Finding(
                "symmetry", "all hidden units identical: zero (or constant) init; identical "
                "units get identical gradients and stay identical", "use a random init "
                "(init='xavier' for sigmoid/tanh, 'he' for ReLU)"))
        if not (history is not None and history.diverged):
            with np.errstate(all="ignore"):
                profile = gradient_profile(model, X, y_arr, loss)
            delta = profile["delta_rms"][:-1]
            dead = dead_units(model)
            n_hidden = len(delta)
            if dead.size and float(np.mean(dead)) > DEAD_ABOVE and not (same and all(same)):
                worst = ", ".join(f"layer {i + 1}: {d:.0%}" for i, d in enumerate(dead))
                word = _layer_word(model)
                fix = ("set the hidden biases back to 0, lower the lr, or use leaky_relu"
                       if word == "dead ReLUs"
                       else "normalize (norm='batch') or use a smaller init")
                findings.append(Finding(
                    "dead_units", f"{np.mean(dead):.0%} {word} ({worst}): no gradient "
                    "passes back through them", fix))
            if n_hidden >= 2 and np.all(np.isfinite(delta)):
                last = delta[-1]
                ratio = delta[0] / last if last > 0 else 0.0
                if 0 < ratio < VANISHING_BELOW:
                    findings.append(Finding(
                        "vanishing", f"layer 1 gradients {ratio:.0e} of layer {n_hidden}'s: "
                        "vanishing", "use ReLU with He init, or add normalization "
                        "(norm='batch')"))
                elif ratio > EXPLODING_ABOVE:
                    findings.append(Finding(
                        "exploding", f"layer 1 gradients {ratio:.0e} times layer {n_hidden}'s:"
                        " exploding", "use a smaller init (He for ReLU, Xavier for tanh), "
                        "normalization, or clip the gradients"))
        if y_arr.ndim == 1 and np.issubdtype(y_arr.dtype, np.integer):
            agreement, chance = label_agreement(X, y_arr)
            if agreement < chance + LABELS_MARGIN:
                findings.append(Finding(
                    "labels", f"labels look unrelated to the inputs: a point's nearest neighbour"
                    f" has its label {agreement:.0%} of the time (chance {chance:.0%})",
                    "check that labels and inputs were shuffled together and match"))

    if history is not None and not history.diverged and history.steps >= 2 and not findings:
        first, last = float(history.loss[0]), float(np.mean(history.loss[-5:]))
        if last > STALLED_ABOVE * first:
            findings.append(Finding(
                "stalled", f"loss hardly moved ({first:.3g} -> {last:.3g})",
                "train longer or with a larger lr; look at the per-layer gradients"))
    if history is not None and history.val_accuracy and history.train_accuracy:
        gap = history.train_accuracy[-1] - history.val_accuracy[-1]
        if gap > 0.25:
            findings.append(Finding(
                "overfitting", f"training accuracy {history.train_accuracy[-1]:.0%} but "
                f"validation {history.val_accuracy[-1]:.0%}: memorizing, not generalizing",
                "check the labels; use more data or a smaller network"))
    return Diagnosis(findings)

