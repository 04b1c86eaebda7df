"""Checkers for the notebooks' exercises: they run the learner's function on test cases, say what
is wrong (shape, a missing transpose, a sign, a factor), and fall back to the reference answer
when the exercise is left undone, so the notebook still runs top to bottom.

Engine floor: numpy only. One module a notebook, for example ``exercises.backprop``.
"""
