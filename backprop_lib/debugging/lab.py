"""The broken-network lab: small networks, each broken in one classic way, described by a plain
``config`` dict that a learner repairs (``BASELINE``, ``BROKEN``, ``broken``); ``build`` turns a
config into a model, data and optimizer, ``run`` trains one briefly and says whether it learns
(and what the checklist finds), ``compare`` and ``results_table`` run and tabulate a small grid.
Engine floor: numpy only.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .. import datasets, running_stats
from .._validate import as_rng, unknown_name
from ..history import History
from ..network import Sequential, mlp
from ..normalization import BatchNorm
from ..optim import SGD
from ..train import evaluate, train
from .checklist import diagnose
from .findings import Diagnosis
from .measurements import scale_weights, set_hidden_bias

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
    "lr_too_large": ("a learning rate 500 times too large (50, not 0.1)", {"lr": 50.0}),
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
    # sizes, activation, init, norm and seed are checked by mlp itself (one copy of the rules,
    # one wording of the messages): building the model is cheap for the lab's small networks
    mlp(config["sizes"], activation=config["activation"], init=config["init"],
        norm=config["norm"], seed=config["seed"])
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


def _train(setup, epochs, validate: bool, callback=None):
    cfg = setup.config
    return train(setup.model, setup.X_train, setup.y_train, optimizer=setup.optimizer,
                 epochs=cfg["epochs"] if epochs is None else epochs,
                 batch_size=min(cfg["batch_size"], len(setup.y_train)), seed=cfg["seed"],
                 validation=(setup.X_val, setup.y_val) if validate else None,
                 callback=callback)


def train_history(config, epochs: int | None = None, callback=None, quiet: bool = True):
    """Build and train ``config`` quietly, with no validation figures and no checklist: the
    ``History`` (loss per step, layer statistics) that an explorer's figure needs, about a
    fifth sooner than ``run``. ``callback`` goes to ``train``. ``quiet=False`` leaves the
    warnings filters alone (a background thread must: they are shared by every thread)."""
    if not quiet:
        return _train(build(config), epochs, validate=False, callback=callback)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _train(build(config), epochs, validate=False, callback=callback)


def run(config, epochs: int | None = None, diagnose_it: bool = True,
        recompute_stats: bool = True) -> Run:
    """Build and train ``config`` (quietly: a divergence is recorded, not warned about), then
    evaluate on the validation set and, with ``diagnose_it``, run the checklist.

    With BatchNorm and ``recompute_stats`` (the default), the running statistics are first
    recomputed over the training set (``running_stats.recompute``): the running averages of a
    short run at batch 32 are noisy enough to swing the validation accuracy of the deep sigmoid
    network between 65% and 99% with the seed, or with the last digits of the arithmetic
    (notebook 09 measures it), and a verdict "learns" should not hang on that."""
    setup = build(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        history = _train(setup, epochs, validate=True)
        if history.diverged:
            val_accuracy = 0.0
        else:
            if recompute_stats and any(isinstance(layer, BatchNorm)
                                       for layer in setup.model.leaves()):
                running_stats.recompute(setup.model, setup.X_train)
            val_accuracy = float(evaluate(setup.model, setup.X_val, setup.y_val)[1])
    if not np.isfinite(val_accuracy):
        val_accuracy = 0.0
    result = Run(setup, history, val_accuracy, bool(val_accuracy >= LEARNS_ABOVE))
    if diagnose_it:
        result.diagnosis = diagnose(history, setup.model, setup.X_train, setup.y_train,
                                    config=setup.config)
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

