"""Why does my network not learn? Measurements, a checklist, and deliberately broken networks.

One concept per file, all numpy only:

- ``measurements``: for the remedies of notebooks 08 and 09: ``init_profile`` (the backpropagated
  error per hidden layer, measured and as theory predicts it), ``units_identical`` (the symmetry
  of a zero init), ``scale_weights`` (a too-large init), ``batch_dependence`` (BatchNorm's train
  and evaluation modes);
- ``checklist``: ``diagnose(history or model, ...)`` turns those numbers into findings such as
  "loss diverged: lr too large" or "70% dead ReLUs";
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
    Diagnosis,
    Finding,
    diagnose,
    label_agreement,
)
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

__all__ = [
    "BASELINE", "BROKEN", "LEARNS_ABOVE", "Diagnosis", "Finding", "Run", "Setup",
    "batch_dependence", "broken", "build", "check_config", "compare", "diagnose",
    "hidden_sizes", "init_profile", "label_agreement", "results_table", "run",
    "scale_weights", "set_hidden_bias", "train_history", "units_identical",
    "DEAD_ABOVE", "EXPLODING_ABOVE", "LABELS_MARGIN", "STALLED_ABOVE", "VANISHING_BELOW",
]
