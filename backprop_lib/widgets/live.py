"""Watch a network train: its decision regions and loss curve redrawn every few steps, with a
progress bar.

    history = live.train_live(model, X, y, optimizer=bp.Adam(0.02), epochs=300)

``train_live`` takes the keyword arguments of ``bp.train`` and returns its ``History``.

The picture is rendered off screen (Agg) and sent as a PNG into an ``ipywidgets.Image``: the
kernel pushes it while the cell is still running, with any matplotlib backend. (An ipympl canvas
asks the browser for each frame, and the busy kernel would answer only when training is over.)
A notebook that wants the final picture in a static export draws it once more with
``plots.live.training_figure(model, X, y, history)``.
"""

from __future__ import annotations

import math

import ipywidgets as W

from ..plots import live as lplots
from ..train import train


def _total_steps(n: int, epochs: int = 10, batch_size: int | None = None) -> int:
    batches = 1 if batch_size is None else math.ceil(n / max(int(batch_size), 1))
    return int(epochs) * batches


class LiveTraining:
    """A live training view: build it, show ``.widget``, then ``run()``.

    ``every``: redraw every that many steps (default: about ``frames`` pictures in all).
    ``resolution``: grid points a side for the decision regions (80 by default; evaluating the
    grid costs far less than drawing and encoding the picture: ``make bench-widgets`` measures it).
    The remaining keyword arguments go to ``bp.train`` (``callback`` too: it is called after ours).
    """

    def __init__(self, model, X, y, every: int | None = None, frames: int = 20,
                 resolution: int = 80, **train_kwargs):
        self.model, self.X, self.y = model, X, y
        self.train_kwargs = dict(train_kwargs)
        self.user_callback = self.train_kwargs.pop("callback", None)
        self.total = _total_steps(len(X), self.train_kwargs.get("epochs", 10),
                                  self.train_kwargs.get("batch_size"))
        self.every = int(every) if every else max(1, self.total // max(int(frames), 1))
        self.fig = lplots.offscreen_figure()
        axes = self.fig.subplots(1, 2)
        self.fig.set_layout_engine("constrained")
        self.image = lplots.decision_regions(axes[0], model, X, y, resolution=resolution)
        self.line = lplots.loss_curve(axes[1], None, steps=self.total)
        lplots.freeze_layout(self.fig)
        self.frames = 0
        self.picture = W.Image(value=lplots.to_png(self.fig), format="png")
        self.progress = W.IntProgress(value=0, min=0, max=self.total, description="training",
                                      bar_style="info")
        self.status = W.Label(value=f"0 / {self.total} steps")
        self.widget = W.VBox([W.HBox([self.progress, self.status]), self.picture])
        self.history = None
        self.display = None         # the output showing the view (updated with the last picture)

    def draw(self, history) -> None:
        """Redraw regions and loss curve for the model as it is now, and send the picture."""
        lplots.update_decision_regions(self.image, self.model)
        lplots.update_loss_curve(self.line, history, steps=self.total)
        self.picture.value = lplots.to_png(self.fig)
        self.frames += 1

    def _status(self, history, step: int) -> str:
        text = f"{step} / {self.total} steps"
        if history.loss is not None and len(history.loss):
            text += f", loss {history.loss[-1]:.4f}"
        if history.train_accuracy:
            text += f", training accuracy {history.train_accuracy[-1]:.1%}"
        return text

    def _callback(self, info):
        self.progress.value = info.step
        if info.step % self.every == 0:
            self.status.value = self._status(info.history, info.step)
            self.draw(info.history)
        if self.user_callback is not None:
            return self.user_callback(info)
        return None

    def run(self):
        """Train (``bp.train``) with the view updating; returns the History."""
        history = train(self.model, self.X, self.y, callback=self._callback, **self.train_kwargs)
        self.history = history
        self.progress.value = history.steps
        self.progress.bar_style = "danger" if history.diverged else "success"
        self.status.value = self._status(history, history.steps) + (
            f", DIVERGED at step {history.diverged_at}: try a smaller learning rate"
            if history.diverged else "")
        self.draw(history)
        if self.display is not None:
            show_with_picture(self.widget, self.picture.value, self.display)
        return history

    def _ipython_display_(self):
        self.display = show_with_picture(self.widget, self.picture.value)


def show_with_picture(widget, png: bytes, handle=None):
    """Display ``widget`` with the picture ``png`` in the same output, or put a newer picture
    into the output ``handle`` (what this returns). JupyterLab shows the widget; a page that
    cannot (nbconvert's HTML without widget state, GitHub) shows the picture instead of nothing.
    """
    import base64

    from IPython.display import display

    data = dict(widget._repr_mimebundle_())
    data["image/png"] = base64.b64encode(png).decode("ascii")
    if handle is None:
        return display(data, raw=True, display_id=True)
    handle.update(data, raw=True)
    return handle


def train_live(model, X, y, every: int | None = None, frames: int = 20, show: bool = True,
               **train_kwargs):
    """Train ``model`` on (X, y) with ``bp.train(**train_kwargs)`` while showing its decision
    regions and loss curve every ``every`` steps and a progress bar. Returns the ``History``.

    X (n, 2) for the regions to be drawn; ``show=False`` builds the view without displaying it.
    """
    view = LiveTraining(model, X, y, every=every, frames=frames, **train_kwargs)
    if show:
        view._ipython_display_()
    return view.run()
