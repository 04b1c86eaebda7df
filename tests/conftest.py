import matplotlib

matplotlib.use("Agg")   # tests draw off screen

import os  # noqa: E402

from hypothesis import settings  # noqa: E402

# CI draws the same examples every run, so a red CI always means a change, never a new draw;
# locally hypothesis keeps exploring new shapes.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
