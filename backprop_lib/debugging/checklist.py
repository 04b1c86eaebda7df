"""The checklist for a network that does not learn: ``diagnose(history or model, ...)`` turns
measurements into findings such as "loss diverged: lr too large" or "100% dead ReLUs", each with
what to try in words (``advice``) and as a change to a lab config (``fix``) that, applied, makes
every broken network of the lab learn (tests/test_debugging_fixes.py checks that over five seeds).
Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, as_rng
from ..activations import ReLU
from ..diagnostics import dead_units, gradient_profile
from ..divergence import DIVERGED_FACTOR
from ..history import History
from ..init import RECOMMENDED_INIT
from ..losses import softmax_cross_entropy
from ..network import Sequential, dense_blocks
from .findings import Diagnosis, Finding, all_finite, untouched
from .measurements import set_hidden_bias, units_identical
from .sanity import initial_loss_check, overfit_tiny_batch, update_ratios

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
    leaves = model.leaves()
    kinds = {type(leaves[a]) for _, _, a in dense_blocks(model) if a is not None}
    relu = kinds and all(issubclass(k, ReLU) for k in kinds)
    return "dead ReLUs" if relu else "fully saturated units"


def dead_per_layer(model, X) -> np.ndarray:
    """Per hidden layer, the share of units of ``model`` quiet for every row of X (on a copy)."""
    probe = untouched(model)
    with np.errstate(all="ignore"):
        probe.forward(X)
    return dead_units(probe)


def dead_fraction(model, X) -> float:
    """The share of all hidden units of ``model`` quiet for every row of X (on a copy)."""
    dead = dead_per_layer(model, X)
    return float(np.mean(dead)) if dead.size else 0.0


def dead_without_biases(model, X) -> float:
    """The experiment that tells whether the biases killed the units: the share of hidden units
    still dead when every hidden bias of a copy of ``model`` is set to 0."""
    probe = set_hidden_bias(untouched(model), 0.0)
    return dead_fraction(probe, X)


def _parse(target, data, history):
    """(history, model, X, y) from diagnose's arguments, or a clear error."""
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
    return history, model, X, y


def _lr_fix(config, ratio_check) -> dict:
    """The lr change for a run whose steps are too large: the update-ratio check's when it has
    one, else 10x smaller; nothing when the config (and so the lr) is unknown."""
    if ratio_check is not None and ratio_check.finding is not None:
        return dict(ratio_check.finding.fix)
    return {"lr": config["lr"] / 10} if config is not None else {}


def diagnose(target, *data, loss=softmax_cross_entropy, history=None,
             config: dict | None = None) -> Diagnosis:
    """Go through the checklist for a network that does not learn.

    ``diagnose(history)`` reads what happened during training; ``diagnose(model, X, y)`` checks
    a model (a ``Sequential``) on (X, y) with one forward and backward pass on a copy (the model
    is not changed, and may have diverged); both together: ``diagnose(history, model, X, y)`` or
    ``diagnose(model, X, y, history=history)``. With ``config`` (a lab config, as ``run`` passes
    it) the sanity checks run on the network as it was before training (``build(config)``) and
    every finding's ``fix`` is a concrete config change; ``diagnose(model, X, y)`` without a
    history runs them on ``model`` itself. Checks, in order: divergence, the initial loss and
    the update size (sanity checks), identical hidden units (zero init), dead or saturated
    units, vanishing or exploding gradients, labels unrelated to the inputs, overfitting a tiny
    batch (sanity check), a loss that hardly moved, training far better than validation.
    """
    history, model, X, y = _parse(target, data, history)
    diverged = (history is not None and history.diverged) or (model is not None
                                                               and not all_finite(model))
    initial = ratio_check = tiny = start = None       # the sanity checks before training
    if config is not None:
        from .lab import build  # deferred: the lab itself calls diagnose
        start = build(config)
        config = start.config
        begin = (start.model, start.X_train, start.y_train)
        initial = initial_loss_check(*begin, config)
        ratio_check = update_ratios(*begin, start.optimizer, seed=config["seed"],
                                    batch_size=min(config["batch_size"], len(start.y_train)))
        tiny = overfit_tiny_batch(*begin, seed=config["seed"])
    elif model is not None and history is None and not diverged:
        initial, tiny = initial_loss_check(model, X, y), overfit_tiny_batch(model, X, y)

    findings: list[Finding] = []
    if diverged:
        where = (f"blew up (NaN, inf or past {DIVERGED_FACTOR:g}x its start) at step "
                 f"{history.diverged_at}"
                 if history is not None and history.diverged else "the weights hold NaN or inf")
        findings.append(Finding(
            "diverged", f"loss diverged ({where}): lr too large (or weights too large)",
            "lower the learning rate until one step changes the weights by about 1e-2 of their "
            "size (debugging.update_ratios); 10x lower may not be enough",
            _lr_fix(config, ratio_check)))
    elif history is not None and history.steps >= 2:
        first, last = float(history.loss[0]), float(np.mean(history.loss[-5:]))
        if last > 3 * first:
            findings.append(Finding(
                "loss_rising", f"loss grew from {first:.3g} to {last:.3g}: lr too large",
                "lower the learning rate, or clip the gradients (clip_norm)",
                _lr_fix(config, ratio_check)))
    if initial is not None and initial.finding is not None:
        findings.append(initial.finding)
    if ratio_check is not None and ratio_check.finding is not None and not diverged:
        findings.append(ratio_check.finding)
    if model is not None:
        findings += _model_findings(model, X, np.asarray(y), loss, config, start, diverged,
                                    ratio_check)
    if tiny is not None and tiny.finding is not None:
        findings.append(tiny.finding)
    if config is not None:
        _restate_lr(findings, config)

    if history is not None and not history.diverged and history.steps >= 2 and not findings:
        first, last = float(history.loss[0]), float(np.mean(history.loss[-5:]))
        if last > STALLED_ABOVE * first:
            findings.append(Finding(
                "stalled", f"loss hardly moved ({first:.3g} -> {last:.3g})",
                "train longer or with a larger lr; look at the per-layer gradients",
                {"epochs": 2 * config["epochs"]} if config is not None else {}))
    if history is not None and history.val_accuracy and history.train_accuracy:
        gap = history.train_accuracy[-1] - history.val_accuracy[-1]
        if gap > 0.25:
            findings.append(Finding(
                "overfitting", f"training accuracy {history.train_accuracy[-1]:.0%} but "
                f"validation {history.val_accuracy[-1]:.0%}: memorizing, not generalizing",
                "check the labels; use more data or a smaller network"))
    return Diagnosis(findings)


#: config entries that change the network a run starts from (not how it is trained)
STARTING_POINT = ("init", "weight_gain", "hidden_bias", "norm", "activation", "sizes")


def _restate_lr(findings, config) -> None:
    """An lr change measured on the broken starting network is stale once another finding
    changes that network (too-large weights make every step look too large): measure the update
    ratio again on the repaired start and keep an lr change only if that still asks for one."""
    start_fix = {}
    for finding in reversed(findings):                 # the earlier (more fundamental) wins
        start_fix.update({k: v for k, v in finding.fix.items() if k in STARTING_POINT})
    if not start_fix or not any("lr" in f.fix for f in findings):
        return
    from .lab import build
    repaired = build({**config, **start_fix})
    check = update_ratios(repaired.model, repaired.X_train, repaired.y_train,
                          repaired.optimizer, seed=config["seed"],
                          batch_size=min(config["batch_size"], len(repaired.y_train)))
    for finding in findings:
        if "lr" in finding.fix:
            finding.fix = {k: v for k, v in finding.fix.items() if k != "lr"}
            if check.finding is not None:
                finding.fix["lr"] = check.finding.fix["lr"]
            else:
                finding.advice += (f" (with the other fixes applied, lr {config['lr']:g} "
                                   "moves the weights at a healthy rate: keep it)")


def _model_findings(model, X, y, loss, config, start, diverged, ratio_check) -> list[Finding]:
    """The checks that look at a model: symmetry, dead units, vanishing/exploding, labels."""
    findings = []
    setting = dict(getattr(model, "config", None) or {}, **(config or {}))
    same = units_identical(model)
    symmetric = bool(same) and all(same)
    if symmetric:
        findings.append(Finding(
            "symmetry", "all hidden units identical: zero (or constant) init; identical units "
            "get identical gradients and stay identical", "use a random init: init='he' "
            "(variance 2/fan_in) breaks the symmetry and learns; Xavier's smaller start, the "
            "textbook choice for tanh, learns more slowly in a short run", {"init": "he"}))
    if not diverged:
        with np.errstate(all="ignore"):
            profile = gradient_profile(untouched(model), X, y, loss)
        delta = profile["delta_rms"][:-1]
        dead = dead_fraction(model, X)
        if dead > DEAD_ABOVE and not symmetric:
            findings.append(_dead_finding(model, X, dead, setting, start, ratio_check))
        if len(delta) >= 2 and np.all(np.isfinite(delta)):
            findings += _flow_findings(delta, setting, lambda: _ratio_without_biases(
                model, X, y, loss))
    if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
        agreement, chance = label_agreement(X, y)
        if agreement < chance + LABELS_MARGIN:
            findings.append(Finding(
                "labels", f"labels look unrelated to the inputs: a point's nearest neighbour "
                f"has its label {agreement:.0%} of the time (chance {chance:.0%})",
                "check that labels and inputs were shuffled together and match",
                {"shuffle_labels": False}))
    return findings


def _dead_finding(model, X, dead, setting, start, ratio_check) -> Finding:
    per_layer = ", ".join(f"layer {i + 1}: {d:.0%}" for i, d in enumerate(dead_per_layer(model, X)))
    word = _layer_word(model)
    measured = f"{dead:.0%} {word} ({per_layer}): no gradient passes back through them"
    if word != "dead ReLUs":
        revived = dead_without_biases(model, X)
        if dead - revived > DEAD_ABOVE:          # the same experiment as for ReLU, below
            return Finding(
                "dead_units", f"{measured}; with the hidden biases set to 0 only {revived:.0%} "
                "stay saturated: the biases push every pre-activation into the flat end",
                BIAS_ADVICE, {"norm": "batch"})
        return Finding("dead_units", measured, "normalize (norm='batch') or use a smaller init",
                       {"norm": "batch"})
    at_start = dead_fraction(start.model, start.X_train) if start is not None else None
    if at_start is not None and at_start <= DEAD_ABOVE:   # alive at the start: training did it
        return Finding(
            "dead_units", f"{measured}; only {at_start:.0%} were dead before training: steps "
            "too large pushed them below 0", "lower the learning rate",
            _lr_fix(setting if start is not None else None, ratio_check))
    revived = dead_without_biases(model, X)
    if dead - revived > DEAD_ABOVE:
        return Finding(
            "dead_units", f"{measured}; with the hidden biases set to 0 only {revived:.0%} "
            "stay dead: the negative biases hold every pre-activation below 0",
            "set the hidden biases to 0 (hidden_bias=0.0). A lower or larger lr does not help "
            "(no gradient, no step), nor does leaky_relu (a unit below 0 passes back 1% of the "
            "error, its slope, at every layer); norm='batch' also works (it subtracts the "
            "batch mean, bias included)",
            {"hidden_bias": 0.0})
    return Finding("dead_units", measured, "lower the learning rate, or normalize "
                   "(norm='batch')", {"norm": "batch"})


#: for sigmoid or tanh units held in their flat ends by the biases (tests/test_debugging_fixes.py
#: measures both halves over five seeds)
BIAS_ADVICE = ("set the hidden biases to 0 (hidden_bias=0.0), or normalize (norm='batch' "
               "subtracts each unit's batch mean, bias included): in the lab's short runs a "
               "sigmoid network with zero biases still learns slowly, with BatchNorm it learns")


def _ratio_without_biases(model, X, y, loss) -> float:
    """First/last hidden-layer RMS of dL/dZ on a copy of ``model`` with every hidden bias 0."""
    with np.errstate(all="ignore"):
        delta = gradient_profile(set_hidden_bias(untouched(model), 0.0), X, y,
                                 loss)["delta_rms"][:-1]
    return float(delta[0] / delta[-1]) if delta[-1] > 0 else 0.0


def _flow_findings(delta, setting, ratio_without_biases=None) -> list[Finding]:
    n_hidden, last = len(delta), delta[-1]
    ratio = delta[0] / last if last > 0 else 0.0
    if 0 < ratio < VANISHING_BELOW and setting.get("hidden_bias", 0.0) != 0.0 \
            and ratio_without_biases is not None and ratio_without_biases() >= VANISHING_BELOW:
        # the experiment: the same weights with the hidden biases at 0 pass the error back, so
        # the biases (pushing a sigmoid or tanh into its flat end) are the cause; changing the
        # activation would keep the bias (and a ReLU below 0 is dead)
        return [Finding(
            "vanishing", f"layer 1 gradients {ratio:.0e} of layer {n_hidden}'s: vanishing; with "
            "the hidden biases set to 0 it no longer vanishes: the biases push the "
            "pre-activations into the activation's flat end", BIAS_ADVICE, {"norm": "batch"})]
    if 0 < ratio < VANISHING_BELOW:
        # ReLU with He init keeps the error's size from layer to layer (factor 1 in theory);
        # measured on the deep sigmoid network it learns on every seed (tests), where BatchNorm,
        # judged in evaluation mode, misses the bar on some
        if setting.get("activation") != "relu" or setting.get("init") != "he":
            fix = {"activation": "relu", "init": "he"}
        else:
            fix = {"norm": "batch"}
        return [Finding(
            "vanishing", f"layer 1 gradients {ratio:.0e} of layer {n_hidden}'s: vanishing",
            "use ReLU with He init (each layer then keeps the error's size), or add "
            "normalization (norm='batch')", fix)]
    if ratio > EXPLODING_ABOVE:
        if setting.get("weight_gain", 1.0) != 1.0:
            fix = {"weight_gain": 1.0}
        elif setting.get("activation") in RECOMMENDED_INIT:
            fix = {"init": RECOMMENDED_INIT[setting["activation"]]}
        else:
            fix = {"clip_norm": 1.0}
        return [Finding(
            "exploding", f"layer 1 gradients {ratio:.0e} times layer {n_hidden}'s: exploding",
            "use a smaller init (He for ReLU, Xavier for tanh), normalization, or clip the "
            "gradients", fix)]
    return []
