"""Controls with the course's defaults: they report only when released
(``continuous_update=False``), so a slider that retrains never queues stale work."""

from __future__ import annotations

import ipywidgets as W


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
