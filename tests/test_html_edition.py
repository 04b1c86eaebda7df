"""The static HTML edition (``tools/build_html.py``, ``make html``).

Unit level: the builder's pieces on small inputs, then one build of the fixture course
(``tests/browser/fixtures/course``: a page without widgets, an ipympl panel, an inline panel, a
solution in a subfolder) opened offline in headless Chromium when it is installed.
Full edition: ``test_full_edition_offline`` checks ``$HTML_EDITION_DIR`` (``make browser`` sets
it to ``build/html`` after ``make html``); without it the test is skipped.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from browser.lab_driver import (
    browser_required,
    chromium_available,
    launch_browser,
    shared_playwright,
)

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "tests" / "browser" / "fixtures" / "course"

_spec = importlib.util.spec_from_file_location("build_html", REPO / "tools" / "build_html.py")
build_html = sys.modules["build_html"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_html)


# ----------------------------------------------------------------------------- pure pieces

def test_first_heading_is_the_title():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib widget"),
        nbformat.v4.new_markdown_cell("Some text\n\n## 03 · The *chain* rule [link](x.ipynb)"),
        nbformat.v4.new_markdown_cell("# Later")])
    assert build_html.first_heading(nb) == "03 · The chain rule link"
    assert build_html.first_heading(nbformat.v4.new_notebook()) is None


def test_widget_backend_becomes_inline():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib widget\nimport numpy"),
        nbformat.v4.new_code_cell("  %matplotlib ipympl"),
        nbformat.v4.new_markdown_cell("%matplotlib widget")])
    assert build_html.use_inline_backend(nb) == 2
    assert nb.cells[0].source == "%matplotlib inline\nimport numpy"
    assert nb.cells[1].source == "  %matplotlib inline"
    assert nb.cells[2].source == "%matplotlib widget"


def test_links_between_lessons_point_to_pages(tmp_path):
    files = {}
    text = ("[next](03_chain_rule.ipynb), [anchor](03_chain_rule.ipynb#The-rule), "
            "[sol](solutions/03_chain_rule_solutions.ipynb), [web](https://x.org/a.ipynb), "
            '[here](#top), <a href="04_backprop.ipynb">html</a>, [missing](nothere.txt)')
    out = build_html.rewrite_links(text, COURSE, Path("."), files)
    assert "(03_chain_rule.html)" in out and "(03_chain_rule.html#The-rule)" in out
    assert "(solutions/03_chain_rule_solutions.html)" in out
    assert "(https://x.org/a.ipynb)" in out and "(#top)" in out
    assert 'href="04_backprop.html"' in out and "(nothere.txt)" in out
    assert files == {}
    out = build_html.rewrite_links("[all](solutions/), [also](solutions)", COURSE, Path("."),
                                   files, src=COURSE)
    assert out == "[all](solutions/index.html), [also](solutions/index.html)"


def test_links_to_repository_files_point_to_copies():
    files = {}
    out = build_html.rewrite_links("[the code](../../../../../backprop_lib/layers.py#L3)",
                                   COURSE / "solutions", Path("solutions"), files)
    assert out == "[the code](../_files/backprop_lib/layers.py#L3)"
    assert files == {REPO / "backprop_lib" / "layers.py": Path("_files/backprop_lib/layers.py")}


def _state(name, **kw):
    return {"model_name": name, "state": {"_model_name": name, **kw}}


def test_widget_view_becomes_its_pictures_and_a_note():
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}
    states = {
        "box": _state("VBoxModel", children=["IPY_MODEL_title", "IPY_MODEL_row", "IPY_MODEL_out"]),
        "title": _state("HTMLModel", value="<b>Panel</b>"),
        "row": _state("HBoxModel", children=["IPY_MODEL_lr", "IPY_MODEL_act"]),
        "lr": _state("FloatLogSliderModel", description="learning rate", value=0.1),
        "act": _state("DropdownModel", description="activation", index=1,
                      _options_labels=["tanh", "relu"]),
        "out": _state("OutputModel", outputs=[png]),
        "live": {**_state("ImageModel", format="png"),
                 "buffers": [{"data": "iVBORw0KGgo=", "encoding": "base64", "path": ["value"]}]},
    }
    states["box"]["state"]["children"].append("IPY_MODEL_live")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("panel")])
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", {
        "text/plain": "VBox(...)",
        build_html.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "box"}})]
    nb.metadata["widgets"] = {build_html.WIDGET_STATE: {"state": states}}
    assert build_html.replace_widget_views(nb) == 1
    outs = nb.cells[0].outputs
    assert [list(o.data) for o in outs] == [["text/html"], ["image/png"], ["image/png"],
                                            ["text/html"]]
    assert "learning rate = 0.1, activation = relu" in outs[-1].data["text/html"]
    assert "widgets" not in nb.metadata


# ------------------------------------------------------------------- a build of the fixtures

@pytest.fixture(scope="module")
def fixture_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    problems = build_html.build(COURSE, out, timeout=120, log=lambda *a: None)
    assert problems == []
    return out


def test_fixture_edition_pages(fixture_edition):
    out = fixture_edition
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == ["00_intro.html", "01_widget_panel.html", "02_inline_panel.html",
                     "index.html", "solutions/01_widget_panel.html", "solutions/index.html"]
    index = (out / "index.html").read_text()
    for title in ("00 · Fixture course: introduction", "01 · Fixture: an ipympl panel",
                  "01 · Solution: an ipympl panel"):
        assert title in index
    intro = (out / "00_intro.html").read_text()
    assert 'href="02_inline_panel.html#A-panel"' in intro
    assert 'href="solutions/01_widget_panel.html"' in intro
    assert 'href="solutions/index.html"' in intro
    assert 'href="01_widget_panel.html"' in (out / "solutions/index.html").read_text()
    assert 'href="../01_widget_panel.html"' in (out / "solutions/01_widget_panel.html").read_text()


def test_fixture_edition_shows_widget_figures_without_cdn(fixture_edition):
    for name, figures, backend in [("01_widget_panel.html", 1, "widget"),
                                   ("02_inline_panel.html", 2, "inline"),
                                   ("solutions/01_widget_panel.html", 1, "widget")]:
        page = (fixture_edition / name).read_text()
        assert len(re.findall(r'<img[^>]*src="data:image/png;base64,', page)) == figures, name
        assert "shown here for learning rate = 0.1, activation = tanh, hidden layers = 2" in page
        text = re.sub(r"<[^>]+>", "", page)
        assert f"%matplotlib {backend}" in text, "the page shows the code as the learner has it"
        assert "widget-view+json" not in page and "widget-state+json" not in page
        for cdn in ("require.js", "require.min.js", "html-manager", "unpkg.com", "jsdelivr"):
            assert cdn not in page, (name, cdn)


def _need_browser():
    if not chromium_available():
        if browser_required():
            pytest.fail("REQUIRE_BROWSER is set but Chromium is missing", pytrace=False)
        pytest.skip("no Chromium: the offline check of the HTML edition was not run")


@pytest.fixture(scope="module")
def chromium(pytestconfig):
    _need_browser()
    pytest.importorskip("playwright.sync_api")
    browser = launch_browser(shared_playwright(pytestconfig))
    yield browser
    browser.close()


def _assert_offline_ok(chromium, root: Path):
    from browser.static_site import check_site_offline

    report = check_site_offline(chromium, root)
    print(report.summary())
    assert not report.problems, "\n".join(report.problems)
    return report


def test_fixture_edition_offline_in_browser(fixture_edition, chromium):
    report = _assert_offline_ok(chromium, fixture_edition)
    assert report.pages == 6 and report.images == 4 and report.formulas == 2
    assert report.blocked == [], "the edition asks for nothing from the network"


def test_full_edition_offline(chromium):
    """The real edition, as ``make html`` left it (run by ``make browser``)."""
    root = os.environ.get("HTML_EDITION_DIR")
    if not root:
        pytest.skip("HTML_EDITION_DIR not set (make browser sets it after make html)")
    root = Path(root)
    assert (root / "index.html").is_file(), f"no {root}/index.html: run make html"
    report = _assert_offline_ok(chromium, root)
    notebooks = build_html.find_notebooks(REPO / "notebooks")
    folders = {p.parent for p in notebooks} - {REPO / "notebooks"}
    assert report.pages == len(notebooks) + 1 + len(folders)


def test_formulas_become_mathml_and_code_keeps_its_dollars():
    text = ("Inline $y = \\sigma(z)$, then\n"
            "$$\\frac{\\partial L}{\\partial W} = X^\\top \\delta$$\n"
            "and `echo $HOME $PATH` and\n```\nprint('$x$')\n```\n")
    out = build_html.formulas_to_mathml(text, "lesson")
    assert out.count("<math") == 2 and 'display="block"' in out and "<mfrac>" in out
    assert "$" not in out.replace("`echo $HOME $PATH`", "").replace("print('$x$')", "")
    assert "`echo $HOME $PATH`" in out and "print('$x$')" in out


def test_a_formula_the_converter_cannot_read_names_itself():
    with pytest.raises(ValueError, match=r"03_x.ipynb: cannot convert the formula .*left\( a"):
        build_html.formulas_to_mathml("see $$\\left( a$$ here", "03_x.ipynb")
    with pytest.raises(ValueError, match=r"unknown command \\foo"):
        build_html.formulas_to_mathml("see $\\foo x$ here", "03_x.ipynb")
