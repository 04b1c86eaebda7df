"""The corpus of issue 10: for every exercise of the course, answers written as learners write
them. Each module ``lessonNN`` holds ``EXERCISES``: {name: Exercise}, with

- ``wrong``: at least five typical wrong answers, each with a phrase of the named mistake that
  the checker must say (not only "differs");
- ``right``: at least three right answers written differently from the reference (in place,
  another formula, float32, a list where an array is fine), each of which must pass.

``tests/test_exercises_corpus.py`` runs them all, plus the hostile set (None, a list, a text, an
object, NaN, raises, loops forever, prints 100k lines, mutates its inputs) for every checker.
"""

from dataclasses import dataclass, field


@dataclass
class Exercise:
    check: object                 # check(fn) -> Answer (or a report with .ok and str())
    reference: object             # the reference solution: passes
    wrong: list = field(default_factory=list)     # [(learner's function, phrase the checker says)]
    right: list = field(default_factory=list)     # [learner's function], each passes
    hostile: bool = True          # run the generic hostile set (a function of any arguments)
