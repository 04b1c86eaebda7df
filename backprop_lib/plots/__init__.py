"""Pictures of what the engine computed. This floor adds matplotlib and never ipywidgets.

One module a topic; notebooks import the one they need, for example
``from backprop_lib.plots import descent``. ``style`` holds the shared colours and helpers.
"""
