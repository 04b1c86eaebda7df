"""Why does my network not learn? Measurements, a checklist, and deliberately broken networks.

One concept per file, all numpy only:

- ``measurements``: for the remedies of notebooks 08 and 09: ``init_profile`` (the backpropagated
  error per hidden layer, measured and as theory predicts it), ``units_identical`` (the symmetry
  of a zero init), ``scale_weights`` (a too-large init), ``batch_dependence`` (BatchNorm's train
  and evaluation modes);
- ``sanity``: checks before training: the initial loss against ln(C), overfitting a tiny batch,
  the size of one update relative to the weights;
- ``checklist``: ``diagnose(history or model, ...)`` turns those numbers into findings such as
  "loss diverged: lr too large" or "100% dead ReLUs", each a ``Finding`` (``findings``) whose
  ``fix`` is a config change that repairs it;
- ``lab``: ``BROKEN``, small networks each broken in one classic way, described by a plain
  ``config`` dict that a learner repairs; ``run(config)`` trains one briefly and says whether it
  learns; ``compare`` a small grid of training runs.

Every public name is available here: ``bp.debugging.run``, ``bp.debugging.diagnose``, ...
"""

from .checklist import (
    DEAD_ABOVE,
    EXPLODING_ABOVE,
    LABELS_MARGIN,
    STALLED_ABOVE,
    VANISHING_BELOW,
    dead_fraction,
    dead_without_biases,
    diagnose,
    label_agreement,
)
from .findings import Diagnosis, Finding, untouched
from .lab import (
    BASELINE,
    BROKEN,
    LEARNS_ABOVE,
    Run,
    Setup,
    broken,
    build,
    check_config,
    compare,
    results_table,
    run,
    train_history,
)
from .measurements import (
    batch_dependence,
    hidden_sizes,
    init_profile,
    scale_weights,
    set_hidden_bias,
    units_identical,
)
from .sanity import (
    INITIAL_LOSS_MARGIN,
    TINY_LOSS_ABOVE,
    UPDATE_RATIO_TARGET,
    UPDATE_TOO_LARGE,
    UPDATE_TOO_SMALL,
    Check,
    initial_loss_check,
    overfit_tiny_batch,
    update_ratios,
)

__all__ = [
    "BASELINE", "BROKEN", "LEARNS_ABOVE", "Check", "Diagnosis", "Finding", "Run", "Setup",
    "batch_dependence", "broken", "build", "check_config", "compare", "dead_fraction",
    "dead_without_biases", "diagnose", "hidden_sizes", "init_profile", "initial_loss_check",
    "label_agreement", "overfit_tiny_batch", "results_table", "run", "scale_weights",
    "set_hidden_bias", "train_history", "units_identical", "untouched", "update_ratios",
    "DEAD_ABOVE", "EXPLODING_ABOVE", "LABELS_MARGIN", "STALLED_ABOVE", "VANISHING_BELOW",
    "INITIAL_LOSS_MARGIN", "TINY_LOSS_ABOVE", "UPDATE_RATIO_TARGET", "UPDATE_TOO_LARGE",
    "UPDATE_TOO_SMALL",
]
