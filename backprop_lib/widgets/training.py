"""Training you can watch: a live loss curve and decision regions with a progress bar, and a
panel of sliders that trains a fresh network on every change.

Both wrap ``plots.training.training_figure`` / ``update_training_figure``, which the notebook also
calls directly so a figure exists without a browser.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

import backprop_lib as bp

from ..plots import training as tplots
from ..plots.live import to_png
from .ahead import Ahead, pause_point
from .controls import LiveFigure, dropdown, explore, int_slider, log_slider, memoize
from .live import show_with_picture


class LiveTraining:
    """Train a network while its loss curve and decision regions redraw every ``every`` steps.

        live = LiveTraining(model, X, y)
        history = live.train(epochs=300, optimizer=bp.Adam(0.02))   # displays itself first

    ``widget`` is the layout (progress bar, status line, picture). The figure travels as a PNG
    in an ``ipywidgets.Image``: an ipympl canvas cannot show anything while the cell that
    trains is still running (it waits for the browser's reply, which a busy kernel only reads
    once the cell ends), so a live view drawn on one stays blank.
    """

    def __init__(self, model, X, y, title: str = "training"):
        self.model, self.X, self.y = model, X, y
        with plt.ioff():
            self.fig, self.view = tplots.training_figure(model, X, y, None)
        plt.close(self.fig)                           # shown through self.picture only
        self.picture = W.Image(value=to_png(self.fig), format="png")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="steps",
                                      style={"bar_color": DONE_COLOR})
        self.status = W.HTML("not trained yet")
        self.widget = W.VBox([W.HTML(f"<b>{title}</b>"), W.HBox([self.progress, self.status]),
                              self.picture])
        self.history = None
        self.redraws = 0
        self.display = None         # the output showing the view (updated with the last picture)

    def _ipython_display_(self):
        # the picture rides along: a page without widgets (nbconvert, GitHub) shows it
        self.display = show_with_picture(self.widget, self.picture.value)

    def train(self, epochs: int = 100, optimizer=None, batch_size=None, seed=0, every: int = 25,
              show: bool = True, **kw):
        """Run ``bp.train`` and redraw every ``every`` steps and at the end; returns the History.

        A redraw costs far more than a step (``make bench-widgets`` measures a redraw), so keep
        ``every`` at a few percent of the steps."""
        if show:
            self._ipython_display_()
        n = len(self.X)
        steps_per_epoch = 1 if batch_size is None else -(-n // batch_size)
        self.progress.max = epochs * steps_per_epoch
        self.progress.value = 0

        def callback(step):
            self.progress.value = step.step
            if step.step % every == 0:
                self._draw(step.history)

        history = bp.train(self.model, self.X, self.y, optimizer=optimizer, epochs=epochs,
                           batch_size=batch_size, seed=seed, callback=callback, **kw)
        self.progress.value = history.steps
        # a diverged run ends red, not green: the bar must not say "done, fine"
        self.progress.style.bar_color = DIVERGED_COLOR if history.diverged else DONE_COLOR
        self._draw(history)
        if self.display is not None:          # the output's picture: the end of training
            show_with_picture(self.widget, self.picture.value, self.display)
        self.history = history
        return history

    def _draw(self, history):
        tplots.update_training_figure(self.view, self.model, history)
        self.status.value = tplots._status(history)
        self.redraws += 1
        self.picture.value = to_png(self.fig)


DONE_COLOR, DIVERGED_COLOR = "#009E73", "#D55E00"     # green, red (colour-blind safe)


def batch_choices(n: int):
    """The batch-size menu for n examples: the full batch (value 0), halves and thirds, so an
    epoch is 1, 2 or 3 steps and a retrain stays cheap."""
    return [("full batch", 0)] + [(f"{-(-n // k)} ({k} steps/epoch)", -(-n // k)) for k in (2, 3)]


def fit(X, y, lr=0.03, depth=2, width=16, activation="tanh", batch_size=None, epochs=150,
        seed=0, callback=None):
    """A fresh ``bp.mlp`` with ``depth`` hidden layers of ``width`` units trained with Adam on
    (X, y); the same seed gives the same weights and batches. Returns (model, history).
    ``callback`` goes to ``bp.train`` (the explorer's: wait while a move is handled)."""
    k = int(max(y)) + 1
    model = bp.mlp([X.shape[1]] + [width] * depth + [k], activation=activation, seed=seed)
    history = bp.train(model, X, y, optimizer=bp.Adam(lr), epochs=epochs,
                       batch_size=batch_size or None, seed=seed, callback=callback)
    return model, history


def training_explorer(X, y, lr=0.03, depth=2, width=16, activation="tanh", batch_size=None,
                      epochs=150, seed=0):
    """Sliders for lr, depth, width, activation, batch size and epochs; every change trains a
    fresh network (same seed) on (X, y) and redraws loss and regions in place.

    Keep X small (a few hundred points): with at most 3 hidden layers of 32 units, 200 epochs
    and 3 batches per epoch (at most 600 steps) a change costs a fraction of a second.
    ``batch_size`` must be None or one of ``batch_choices(len(X))``. ``.controls`` (dict) and
    ``.figure`` are attached to the returned widget, ``.last_seconds`` holds the time of the
    last retrain.
    """
    controls = {
        "lr": log_slider("lr", lr, -3, 0, step=0.1),
        "depth": int_slider("hidden layers", depth, 1, 3),
        "width": int_slider("width", width, 2, 32),
        "activation": dropdown("activation", list(bp.ACTIVATIONS), activation),
        "batch_size": dropdown("batch size", batch_choices(len(X)), batch_size or 0),
        "epochs": int_slider("epochs", epochs, 10, 200, step=10),
    }
    trained = memoize(lambda **settings: fit(X, y, seed=seed, callback=pause_point, **settings))
    model, history = trained(**{name: c.value for name, c in controls.items()})
    with plt.ioff():
        fig, view = tplots.training_figure(model, X, y, history)

    def retrain(**settings):          # a setting seen before is not trained again
        tplots.update_training_figure(view, *trained(**settings))

    box = explore(controls, LiveFigure(fig), retrain, timing="retrained and redrawn in",
                  title="Every change trains a new network from the same seed",
                  ahead=Ahead(trained))       # the settings one step away, trained meanwhile
    box.view = view
    return box
