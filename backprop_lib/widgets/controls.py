"""Controls with the course's defaults: they report only when released
(``continuous_update=False``), so a slider that retrains never queues stale work."""

from __future__ import annotations

import ipywidgets as W

from ..plots.live import freeze_layout


def slider(description: str, value: float, min: float, max: float, step: float = 0.01,
           **kw) -> W.FloatSlider:
    return W.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"}, **kw)


def int_slider(description: str, value: int, min: int, max: int, step: int = 1,
               **kw) -> W.IntSlider:
    return W.IntSlider(value=value, min=min, max=max, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"}, **kw)


def log_slider(description: str, value: float, min_exp: float, max_exp: float,
               step: float = 0.1, **kw) -> W.FloatLogSlider:
    """A slider over 10**min_exp .. 10**max_exp, evenly spaced in the exponent."""
    return W.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=step,
                            description=description, continuous_update=False,
                            readout_format=".3g", style={"description_width": "initial"}, **kw)


def dropdown(description: str, options, value=None, **kw) -> W.Dropdown:
    options = list(options)
    return W.Dropdown(options=options, value=options[0] if value is None else value,
                      description=description, style={"description_width": "initial"}, **kw)


def panel(controls, figure_widget=None, title: str | None = None) -> W.VBox:
    """Controls in a row (wrapping), the figure underneath."""
    rows = []
    if title:
        rows.append(W.HTML(f"<b>{title}</b>"))
    rows.append(W.HBox(list(controls), layout=W.Layout(flex_flow="row wrap")))
    if figure_widget is not None:
        rows.append(figure_widget)
    return W.VBox(rows)


def _is_ipympl(fig) -> bool:
    """True when the figure's canvas is ipympl's widget (``%matplotlib widget``, which matplotlib
    reports as the backend "widget", not "ipympl")."""
    return type(fig.canvas).__module__.startswith("ipympl")


class LiveFigure:
    """One matplotlib figure that controls redraw in place.

    With ipympl (``%matplotlib widget``) the figure's canvas is itself a widget and
    ``refresh()`` asks it to redraw. With the inline backend a figure is a static picture, so
    ``refresh()`` shows it again inside an Output widget. ``widget`` goes into the layout either
    way.
    Build the figure inside ``with plt.ioff():`` so that pyplot does not show it a second time.
    The layout is computed once, here (``freeze_layout``): every redraw then skips the layout
    engine, which took a third to a half of a live figure's drawing time.
    """

    def __init__(self, fig):
        import matplotlib.pyplot as plt

        freeze_layout(fig)
        self.fig = fig
        self.interactive = _is_ipympl(fig)
        if self.interactive:
            fig.canvas.header_visible = False
            fig.canvas.toolbar_visible = False
            fig.canvas.resizable = False
            self.widget = fig.canvas
        else:
            self.widget = W.Output()
            self._show()
            plt.close(fig)          # shown through the Output widget only

    def _show(self):
        from IPython.display import display

        self.widget.clear_output(wait=True)
        with self.widget:
            display(self.fig)

    def refresh(self):
        if self.interactive:
            canvas = self.fig.canvas
            if getattr(canvas, "syncing_data_url", True):
                # no view in a browser has said it is ready: an image sent now arrives broken
                # ("drawImage ... broken state"); the view asks for one when it is ready
                canvas.draw_idle()
            else:
                # draw now: ipympl sends the new image at once. draw_idle() would ask the browser
                # to ask the kernel for it, a round trip that waits for the kernel to be idle.
                canvas.draw()
        else:
            self._show()
