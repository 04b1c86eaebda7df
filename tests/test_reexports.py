"""Files split by concept keep every public name importable from where it was before."""

import importlib

import pytest

import backprop_lib as bp

MOVED = [   # (old home, new home, names)
    ("backprop_lib.exercises.backprop", "backprop_lib.exercises.backprop_answers",
     ["dense_backward_reference", "sigmoid_backward_reference", "tanh_backward_reference",
      "dense_mistakes", "activation_mistakes"]),
    ("backprop_lib.exercises.backprop", "backprop_lib.exercises.backprop_diagnose",
     ["diagnose_dense", "diagnose_activation", "check_dense_backward",
      "check_activation_backward"]),
    ("backprop_lib.exercises.backprop", "backprop_lib.exercises.backprop_network",
     ["LearnerDense", "LearnerActivation", "learner_network"]),
    ("backprop_lib.train", "backprop_lib.history", ["History", "Step"]),
    ("backprop_lib.train", "backprop_lib.divergence", ["DIVERGED_FACTOR", "LOSS_FLOOR"]),
    ("backprop_lib.exercises.training", "backprop_lib.exercises.training_results",
     ["reference_confusion_matrix", "CONFUSION_CASES", "check_confusion_matrix",
      "reference_best_epoch", "check_best_epoch"]),
    ("backprop_lib.exercises.remedies", "backprop_lib.exercises.remedies_normalization",
     ["batchnorm_backward_reference", "check_batchnorm_backward", "REFERENCE_FIXES",
      "reference_fix", "WRONG_FIXES", "check_fix", "CLIP_SETUP", "check_clip_norm"]),
    ("backprop_lib.plots.gradients", "backprop_lib.plots.network_diagram",
     ["DiagramView", "plot_network_gradients", "diagram_title", "update_network_gradients"]),
    ("backprop_lib.plots.gradients", "backprop_lib.plots.saturation",
     ["hidden_activations", "pick_layers", "HistogramView", "plot_activation_histograms",
      "update_activation_histograms"]),
    ("backprop_lib.plots.remedies", "backprop_lib.plots.remedies_normalization",
     ["plot_norm_comparison", "update_norm_comparison", "plot_batch_dependence", "plot_clipping",
      "update_clipping", "plot_broken_runs"]),
    ("backprop_lib.exercises.sandbox", "backprop_lib.exercises.returned", ["as_array"]),
    ("backprop_lib.exercises.feedback", "backprop_lib.exercises.returned", ["as_array"]),
]


@pytest.mark.parametrize("old, new, names", MOVED, ids=lambda x: x if isinstance(x, str) else "")
def test_moved_names_are_the_same_objects_in_their_old_home(old, new, names):
    old_mod, new_mod = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(old_mod, name) is getattr(new_mod, name), name


def test_every_listed_name_exists():
    for module in ("backprop_lib.exercises.backprop", "backprop_lib.exercises.training",
                   "backprop_lib.train", "backprop_lib.exercises.remedies",
                   "backprop_lib.plots.gradients", "backprop_lib.plots.remedies",
                   "backprop_lib.exercises.sandbox"):
        mod = importlib.import_module(module)
        for name in mod.__all__:
            assert hasattr(mod, name), f"{module}.{name}"
    assert bp.History is importlib.import_module("backprop_lib.history").History
