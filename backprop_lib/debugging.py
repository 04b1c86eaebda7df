"""Why does my network not learn? Measurements, a checklist, and deliberately broken networks.

Three kinds of tools, all numpy only:

- measurements for the remedies of notebooks 08 and 09: ``init_profile`` (the backpropagated
  error per hidden layer, measured and as theory predicts it), ``units_identical`` (the symmetry
  of a zero init), ``scale_weights`` (a too-large init), ``batch_dependence`` (BatchNorm's train
  and evaluation modes), ``compare`` (a small grid of training runs);
- ``diagnose(history or model, ...)``: a checklist that turns those numbers into findings such as
  "loss diverged: lr too large" or "70% dead ReLUs";
- ``BROKEN``: small networks, each broken in one classic way, described by a plain ``config``
  dict that a learner repairs; ``run(config)`` trains one briefly and says whether it learns.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import datasets, theory
from ._validate import as_float_array, as_rng, check_positive_int, unknown_name
from .activations import ACTIVATIONS, ReLU
from .diagnostics import dead_units, gradient_profile
from .init import INITIALIZERS
from .losses import softmax_cross_entropy
from .network import Sequential, dense_blocks, mlp
from .normalization import NORMS
from .optim import SGD
from .train import History, evaluate, train

# --------------------------------------------------------------------------- measurements


def hidden_sizes(depth: int, width: int, n_inputs: int = 2, n_outputs: int = 2) -> list[int]:
    """``mlp`` sizes with ``depth`` hidden layers of ``width`` units: [2, width, ..., width, 2]."""
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    return [n_inputs] + [width] * depth + [n_outputs]


def init_profile(depth: int = 10, activation: str = "tanh", init: str = "standard",
                 width: int = 32, n: int = 256, norm: str | None = None, seed: int = 0) -> dict:
    """The backpropagated error per hidden layer of a fresh network, measured and predicted.

    Builds ``mlp([2, width x depth, 2], activation, init, norm)``, runs one forward and backward
    pass on ``n`` points of the moons data (no update) and returns a dict of arrays, one entry per
    hidden Dense layer (first to last): ``delta_rms`` (measured RMS of dL/dZ), ``predicted``
    (``theory.predicted_delta_rms`` anchored at the measured last hidden layer; NaN with a
    normalization, which the theory does not cover), ``saturation`` (fraction of units with
    f' < 5% of its peak), ``dead`` (units quiet for every example), ``factor`` (the theoretical
    per-layer factor) and ``ratio`` = delta_rms[first] / delta_rms[last]. ``layer`` counts 1..depth.
    """
    sizes = hidden_sizes(depth, width)
    model = mlp(sizes, activation=activation, init=init, norm=norm, seed=seed)
    X, y = datasets.moons(n, noise=0.15, seed=seed)
    profile = gradient_profile(model, X, y, softmax_cross_entropy)
    delta = profile["delta_rms"][:-1]                         # hidden layers only
    if norm is None:
        predicted = theory.predicted_delta_rms(sizes, activation, init, last_hidden_rms=delta[-1])
        factor = theory.layer_factor(activation, init, width, width)
    else:
        predicted = np.full(depth, np.nan)
        factor = float("nan")
    return {"layer": np.arange(1, depth + 1), "delta_rms": delta, "predicted": predicted,
            "saturation": profile["saturation"][:-1], "dead": dead_units(model),
            "factor": factor, "ratio": float(delta[0] / delta[-1]) if delta[-1] > 0 else 0.0,
            "activation": activation, "init": init, "norm": norm, "model": model}


def units_identical(model: Sequential, atol: float = 1e-10) -> list[bool]:
    """For every hidden Dense layer: do all its units have the same incoming weights and bias?

    True means the units compute exactly the same function (what a zero or constant init gives,
    and what gradient descent can never undo, since identical units get identical gradients).
    """
    result = []
    for _, dense, act_index in dense_blocks(model):
        if act_index is None:
            continue
        W, b = dense.W.value, dense.b.value
        scale = atol * (1.0 + float(np.abs(W).max()))
        same = bool(np.all(np.abs(W - W[:, :1]) <= scale) and np.all(np.abs(b - b[0]) <= scale))
        result.append(same and dense.fan_out > 1)
    return result


def scale_weights(model: Sequential, gain: float) -> Sequential:
    """Multiply every Dense weight matrix by ``gain`` (a too-large init when gain > 1), in place."""
    if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not np.isfinite(gain) \
            or gain <= 0:
        raise ValueError(f"gain must be a positive number such as 2.0, got {gain!r}")
    for dense in model.dense_layers():
        dense.W.value *= gain
    return model


def set_hidden_bias(model: Sequential, bias: float) -> Sequential:
    """Set the bias of every hidden Dense layer to ``bias`` (a large negative one kills ReLUs)."""
    if isinstance(bias, bool) or not isinstance(bias, (int, float)) or not np.isfinite(bias):
        raise ValueError(f"bias must be a finite number such as -3.0, got {bias!r}")
    for _, dense, act_index in dense_blocks(model):
        if act_index is not None:
            dense.b.value[...] = bias
    return model


def batch_dependence(model: Sequential, X, index: int = 0, batches: int = 20,
                     batch_size: int = 16, seed: int = 0) -> dict:
    """The output for one example ``X[index]`` placed in ``batches`` different random batches.

    Returns ``train`` and ``eval``, arrays (batches, outputs): the example's outputs in training
    mode (BatchNorm normalizes with each batch's statistics, so they change with the company the
    example keeps) and in evaluation mode (running statistics: the same output every time). The
    model's running statistics and mode are restored afterwards.
    """
    X = as_float_array(X, "X")
    batches = check_positive_int(batches, "batches")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    if not 0 <= index < X.shape[0]:
        raise ValueError(f"index must be a row of X (0..{X.shape[0] - 1}), got {index}")
    if batch_size > X.shape[0]:
        raise ValueError(f"batch_size ({batch_size}) is larger than X ({X.shape[0]} rows)")
    rng = as_rng(seed)
    saved = [{k: v.copy() for k, v in layer.buffers().items()} for layer in model.layers]
    was_training = model.training
    others = np.delete(np.arange(X.shape[0]), index)
    outputs = {"train": [], "eval": []}

    def restore():                       # a training-mode forward updates the running averages
        for layer, state in zip(model.layers, saved):
            for k, v in layer.buffers().items():
                v[...] = state[k]

    for _ in range(batches):
        rows = np.concatenate([[index], rng.choice(others, batch_size - 1, replace=False)])
        for mode in ("train", "eval"):
            getattr(model, mode)()
            outputs[mode].append(model.forward(X[rows])[0].copy())   # row 0 is our example
            restore()
    model.train() if was_training else model.eval()
    return {mode: np.array(rows) for mode, rows in outputs.items()}


# --------------------------------------------------------------------------- configurations

#: A network that learns: the moons, 3 hidden ReLU layers, He init, plain SGD.
BASELINE = {
    "data": "moons",          # a toy set of backprop_lib.datasets: moons, circles, xor, spiral
    "n": 300,                 # points (a quarter held out for validation)
    "noise": 0.15,
    "sizes": [2, 32, 32, 32, 2],
    "activation": "relu",
    "init": "he",
    "norm": None,             # None, "batch" or "layer"
    "hidden_bias": 0.0,       # initial bias of every hidden layer
    "weight_gain": 1.0,       # every initial weight multiplied by this
    "shuffle_labels": False,  # True: labels no longer belong to their points
    "lr": 0.1,
    "momentum": 0.0,
    "clip_norm": None,
    "epochs": 60,
    "batch_size": 32,
    "seed": 0,
}

#: Each broken network: a description and what differs from ``BASELINE``.
BROKEN = {
    "lr_too_large": ("a learning rate 1000 times too large", {"lr": 50.0}),
    "zero_init": ("every weight starts at zero", {"activation": "tanh", "init": "zeros"}),
    "deep_sigmoid": ("ten sigmoid layers, classic init, no normalization",
                     {"activation": "sigmoid", "init": "standard", "sizes": [2] + [32] * 10 + [2]}),
    "dead_relu": ("a large negative bias in every hidden layer", {"hidden_bias": -4.0}),
    "shuffled_labels": ("the labels were shuffled apart from their points",
                        {"shuffle_labels": True}),
}

#: Validation accuracy that counts as "learns" (chance is 50% on two classes).
LEARNS_ABOVE = 0.85


def broken(name: str) -> dict:
    """The full config of the broken network ``name`` (a fresh copy you may edit)."""
    if name not in BROKEN:
        raise unknown_name("broken network", name, BROKEN)
    config = {**BASELINE, **BROKEN[name][1]}
    config["sizes"] = list(config["sizes"])
    return config


def check_config(config) -> dict:
    """``config`` completed from ``BASELINE`` and checked; a clear error names a bad entry."""
    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict like debugging.BASELINE, got "
                        f"{type(config).__name__}; did your fix forget to return it?")
    unknown = sorted(set(config) - set(BASELINE))
    if unknown:
        raise ValueError(f"unknown config entries {unknown}; the entries are "
                         f"{', '.join(BASELINE)}")
    config = {**BASELINE, **config}
    if config["data"] not in datasets.TOY_SETS:
        raise unknown_name("data", config["data"], datasets.TOY_SETS)
    if config["activation"] not in ACTIVATIONS:
        raise unknown_name("activation", config["activation"], ACTIVATIONS)
    if config["init"] not in INITIALIZERS:
        raise unknown_name("init", config["init"], INITIALIZERS)
    if config["norm"] is not None and config["norm"] not in NORMS:
        raise unknown_name("norm", config["norm"], [None, *NORMS])
    sizes = list(config["sizes"])
    if len(sizes) < 3 or sizes[0] != 2:
        raise ValueError(f"sizes must start with 2 inputs and have at least one hidden layer, "
                         f"for example [2, 32, 2]; got {sizes}")
    config["sizes"] = sizes
    return config


@dataclass
class Setup:
    """A config turned into things to train: the model, the data split, the optimizer."""

    config: dict
    model: Sequential
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    optimizer: SGD


def build(config) -> Setup:
    """The model, data (3/4 train, 1/4 validation) and optimizer a config describes."""
    config = check_config(config)
    maker = datasets.TOY_SETS[config["data"]]
    seed = config["seed"]
    if config["data"] == "spiral":
        X, y = maker(max(config["n"] // 3, 2), noise=config["noise"], seed=seed)
    else:
        X, y = maker(config["n"], noise=config["noise"], seed=seed)
    sizes = list(config["sizes"])
    sizes[-1] = int(y.max()) + 1
    if config["shuffle_labels"]:
        y = as_rng(seed + 1).permutation(y)
    X_train, X_val, y_train, y_val = datasets.train_test_split(X, y, 0.25, seed=seed)
    model = mlp(sizes, activation=config["activation"], init=config["init"],
                norm=config["norm"], seed=seed)
    if config["weight_gain"] != 1.0:
        scale_weights(model, config["weight_gain"])
    if config["hidden_bias"] != 0.0:
        set_hidden_bias(model, config["hidden_bias"])
    optimizer = SGD(config["lr"], momentum=config["momentum"], clip_norm=config["clip_norm"])
    return Setup(config, model, X_train, y_train, X_val, y_val, optimizer)


@dataclass
class Run:
    """One training run of a config: the setup, its history and how well it did."""

    setup: Setup
    history: History
    val_accuracy: float
    learned: bool
    diagnosis: "Diagnosis" = None

    @property
    def model(self):
        return self.setup.model

    def summary(self) -> str:
        verdict = "learns" if self.learned else "does NOT learn"
        return (f"{verdict}: validation accuracy {self.val_accuracy:.0%} "
                f"(needs {LEARNS_ABOVE:.0%}); {self.history.summary()}")


def _train(setup, epochs, validate: bool):
    cfg = setup.config
    return train(setup.model, setup.X_train, setup.y_train, optimizer=setup.optimizer,
                 epochs=cfg["epochs"] if epochs is None else epochs,
                 batch_size=min(cfg["batch_size"], len(setup.y_train)), seed=cfg["seed"],
                 validation=(setup.X_val, setup.y_val) if validate else None)


def train_history(config, epochs: int | None = None):
    """Build and train ``config`` quietly, with no validation figures and no checklist: the
    ``History`` (loss per step, layer statistics) that an explorer's figure needs, about a
    fifth sooner than ``run``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _train(build(config), epochs, validate=False)


def run(config, epochs: int | None = None, diagnose_it: bool = True) -> Run:
    """Build and train ``config`` (quietly: a divergence is recorded, not warned about), then
    evaluate on the validation set and, with ``diagnose_it``, run the checklist."""
    setup = build(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        history = _train(setup, epochs, validate=True)
        if history.diverged:
            val_accuracy = 0.0
        else:
            val_accuracy = float(evaluate(setup.model, setup.X_val, setup.y_val)[1])
    if not np.isfinite(val_accuracy):
        val_accuracy = 0.0
    result = Run(setup, history, val_accuracy, bool(val_accuracy >= LEARNS_ABOVE))
    if diagnose_it:
        result.diagnosis = diagnose(history, setup.model, setup.X_train, setup.y_train)
    return result


def compare(configs: dict, epochs: int | None = None) -> dict:
    """``run`` every config of a dict label -> config (overrides of BASELINE); label -> Run."""
    return {label: run({**BASELINE, **cfg}, epochs=epochs, diagnose_it=False)
            for label, cfg in configs.items()}


def results_table(runs: dict) -> str:
    """A plain-text table of final training loss and validation accuracy per run."""
    def name(label):
        return " + ".join(map(str, label)) if isinstance(label, tuple) else str(label)

    width = max([len(name(k)) for k in runs] + [8])
    lines = [f"{'setting':<{width}}  final loss  val accuracy  learns"]
    for label, r in runs.items():
        h = r.history
        loss = h.train_loss[-1] if h.train_loss and not h.diverged else float("nan")
        loss_text = "diverged" if h.diverged else f"{loss:10.3f}"
        lines.append(f"{name(label):<{width}}  {loss_text:>10}  {r.val_accuracy:12.0%}  "
                     f"{'yes' if r.learned else 'no'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the checklist

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


__all__ = [
    "BASELINE", "BROKEN", "LEARNS_ABOVE", "Diagnosis", "Finding", "Run", "Setup",
    "batch_dependence", "broken", "build", "check_config", "compare", "diagnose",
    "hidden_sizes", "init_profile", "label_agreement", "results_table", "run",
    "scale_weights", "set_hidden_bias", "train_history", "units_identical",
]
