"""Sliders for notebook 01 (the forward pass).

- ``neuron_explorer``: one neuron's two weights and bias; its output over the plane.
- ``tiny_network_explorer``: the hidden biases and output weights of a 2-2-1 network; its
  decision regions and what its hidden layer makes of the points.

Each returns an ``Explorer``: displayed in a notebook it shows the controls and one figure that
is redrawn in place; ``controls`` (by name) and ``fig`` let code (and tests) drive it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..exercises.forward import tiny_network
from ..plots import forward as fplots
from .ahead import moving
from .controls import LiveFigure, panel, setting_key, slider


class Explorer:
    """Controls wired to one figure. ``widget`` is what a notebook shows."""

    def __init__(self, controls: dict, fig, update, title: str | None = None):
        self.controls = controls
        self.fig = fig
        self.live = LiveFigure(fig)
        self._update = update
        self.updates = 0
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.widget = panel(list(controls.values()), self.live.widget, title=title)
        self.live.shown = setting_key(self.values())          # the first picture

    def values(self) -> dict:
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, _change=None):
        values = self.values()
        with moving():                        # computing ahead elsewhere waits for the move
            self._update(**values)
            self.updates += 1
            self.live.show(setting_key(values))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def neuron_explorer(X=None, y=None, w1: float = 1.0, w2: float = -1.0, b: float = 0.0,
                    lim: float = 2.5) -> Explorer:
    """Sliders for w1, w2, b of y = σ(w1·x1 + w2·x2 + b), drawn by ``plots.forward.neuron_map``
    over [-lim, lim]² with the points (X, y). An update costs one 120x120 image."""
    with plt.ioff():
        fig, artists = fplots.neuron_figure((w1, w2), b, X, y, lim=lim)
    controls = {
        "w1": slider("weight w1", w1, -4.0, 4.0, 0.1),
        "w2": slider("weight w2", w2, -4.0, 4.0, 0.1),
        "b": slider("bias b", b, -4.0, 4.0, 0.1),
    }

    def update(w1, w2, b):
        fplots.update_neuron_map(artists, (w1, w2), b)

    return Explorer(controls, fig, update, title="one neuron: σ(w1·x1 + w2·x2 + b)")


def tiny_network_explorer(X, y, b1: float = 5.0, b2: float = -5.0, v1: float = 10.0,
                          v2: float = -10.0, c: float = -5.0) -> Explorer:
    """Sliders for the hidden biases (b1, b2), output weights (v1, v2) and output bias c of
    ``exercises.forward.tiny_network``, drawn by ``plots.forward.tiny_network_figure``."""
    model = tiny_network((b1, b2), (v1, v2), c)
    with plt.ioff():
        fig, artists = fplots.tiny_network_figure(model, X, y)
    controls = {
        "b1": slider("hidden bias b1", b1, -10.0, 10.0, 0.5),
        "b2": slider("hidden bias b2", b2, -10.0, 10.0, 0.5),
        "v1": slider("output weight v1", v1, -15.0, 15.0, 0.5),
        "v2": slider("output weight v2", v2, -15.0, 15.0, 0.5),
        "c": slider("output bias c", c, -15.0, 15.0, 0.5),
    }

    def update(b1, b2, v1, v2, c):
        new = tiny_network((b1, b2), (v1, v2), c)
        for old_p, new_p in zip(model.parameters(), new.parameters()):
            old_p.value[...] = new_p.value
        fplots.update_tiny_network(artists, model)

    return Explorer(controls, fig, update, title="a 2-2-1 network (hidden weights fixed at 5)")
