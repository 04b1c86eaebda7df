"""Sliders and menus wired to the plots. This floor adds ipywidgets on top of ``plots``.

Each widget wraps a tested function of ``plots`` (or of the engine): moving a control calls it
again and updates one figure in place. One module a topic, imported as
``from backprop_lib.widgets import descent``.
"""
