"""Build the course's static HTML edition: ``python tools/build_html.py`` (or ``make html``).

Executes a copy of every notebook (``notebooks/*.ipynb`` and ``notebooks/solutions/*.ipynb``)
and writes ``build/html/``: ``index.html`` with the course outline (each title is the notebook's
first heading) and one page per notebook, readable with no network:

- ``%matplotlib widget`` is replaced by ``%matplotlib inline`` in the executed copy, so every
  figure is a PNG (the page still shows the code as written); a widget panel (its figure
  lives in an ``Output`` widget) is replaced by the pictures and text it showed for its
  default values, plus a line naming its controls.
  Widget views and widget state are dropped: no widget manager, no require.js, no CDN.
- Links between lessons (``03_chain_rule.ipynb#anchor``) point to the ``.html`` pages; a link to
  another file of the repository (a module, a data file) points to a copy under ``_files/``.
- Pictures in Markdown are embedded as data URIs. Each page starts with outline/previous/next
  links.
- Formulas (``$...$`` and ``$$...$$`` in Markdown) are converted to MathML at build time, which
  browsers render natively: no MathJax, nothing fetched from the network.

The notebooks in the repository are never modified.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
COURSE_TITLE = "Backpropagation, hands on"

# A nbconvert template: the lab template without require.js, the widget manager and mermaid
# (all fetched from CDNs, none needed once widgets are pictures).
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}
<style>
  .bp-nav { font: 14px/1.4 system-ui, sans-serif; margin: 0 0 1em; padding: .4em 0;
            border-bottom: 1px solid #ddd; }
  .bp-nav a { margin-right: 1.2em; }
  .bp-widget-note { font: italic 13px/1.4 system-ui, sans-serif; color: #555; }
</style>
{%- endblock extra_css -%}
"""

MAGIC_WIDGET = re.compile(r"^([ \t]*)%matplotlib[ \t]+(?:widget|ipympl)\b.*$", re.M)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
# A link target in Markdown ``](target)`` / ``](<target>)`` or HTML ``href="target"``.
LINK = re.compile(r"""(?P<pre>\]\(\s*<?|\b(?:href|src)\s*=\s*["'])(?P<target>[^)"'\s>]+)""")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Markdown that must stay as it is (fenced code, code spans), then display and inline formulas.
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
FORMULA = re.compile(r"(?<![\\$])\$\$(?P<display>.+?)\$\$"           # $$ display $$
                     r"|(?<![\\$])\$(?!\s)(?P<inline>[^$\n]+?)(?<!\s)\$(?!\$)", re.S)  # $inline$


# ------------------------------------------------------------------------------- discovery

@dataclass
class Lesson:
    source: Path          # the notebook in the repository
    rel: Path             # its path relative to the notebooks folder
    title: str

    @property
    def page(self) -> Path:
        return self.rel.with_suffix(".html")


def find_notebooks(src: Path) -> list[Path]:
    return sorted(src.glob("*.ipynb")) + sorted(src.glob("solutions/*.ipynb"))


def first_heading(nb) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = HEADING.search(cell.source)
            if m:
                return strip_markdown(m.group(1))
    return None


def strip_markdown(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)     # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)                         # tags
    return re.sub(r"[*_`]", "", text).strip()


# ----------------------------------------------------------------------------- preparation

def use_inline_backend(nb) -> int:
    """Replace ``%matplotlib widget``/``ipympl`` by ``%matplotlib inline``; returns how many."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, k = MAGIC_WIDGET.subn(r"\1%matplotlib inline", cell.source)
            n += k
    return n


def rewrite_links(text: str, nb_dir: Path, out_rel_dir: Path, files: dict[Path, Path],
                  repo: Path = REPO, src: Path | None = None) -> str:
    """Point relative links at the edition's pages: ``x.ipynb[#a]`` -> ``x.html[#a]``; a link to
    a folder of notebooks (``solutions/``, under ``src``) -> its ``index.html``; a link to
    another existing file of the repository -> its copy under ``_files/`` (recorded in
    ``files``: source -> path in the edition). Absolute URLs and anchors stay as they are."""

    def fix(m: re.Match) -> str:
        target = m.group("target")
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return m.group(0)
        path, sep, frag = target.partition("#")
        if path.endswith(".ipynb"):
            return m.group("pre") + path[:-len(".ipynb")] + ".html" + sep + frag
        resolved = (nb_dir / path).resolve()
        if src is not None and resolved.is_dir() and resolved.is_relative_to(src.resolve()):
            return m.group("pre") + path.rstrip("/") + "/index.html" + sep + frag
        if resolved.is_file() and resolved.is_relative_to(repo):
            dest = Path("_files") / resolved.relative_to(repo)
            files[resolved] = dest
            rel = os.path.relpath(dest, out_rel_dir or ".")
            return m.group("pre") + Path(rel).as_posix() + sep + frag
        return m.group(0)

    return LINK.sub(fix, text)


def formulas_to_mathml(text: str, where: str = "", formulas: dict | None = None) -> str:
    """Replace ``$$tex$$`` and ``$tex$`` in Markdown by MathML (``<math display="block">`` and
    ``<math>``), leaving code as it is. A formula the converter cannot read stops the build with
    its text and ``where`` it is, rather than reaching the page as raw TeX.

    With ``formulas`` (a dict), each formula becomes a plain-word placeholder instead, and its
    MathML goes into the dict: the Markdown renderer would take MathML tags apart, so
    ``put_formulas`` puts them into the rendered page."""
    from latex2mathml.converter import convert

    def mathml(m: re.Match) -> str:
        tex = m.group("display") if m.group("display") is not None else m.group("inline")
        try:
            out = convert(tex.strip(), display="block" if m.group("display") else "inline")
        except Exception as exc:  # noqa: BLE001 - any converter error names the formula
            raise ValueError(f"{where}: cannot convert the formula {tex.strip()!r} to MathML "
                             f"({type(exc).__name__}: {exc})") from None
        out = out.replace("\n", " ")
        unknown = re.search(r">(\\[a-zA-Z]+)<", out)     # a command it does not know, kept as text
        if unknown:
            raise ValueError(f"{where}: cannot convert the formula {tex.strip()!r} to MathML "
                             f"(unknown command {unknown.group(1)})")
        if formulas is None:
            return out
        key = f"bpformula{len(formulas):05d}x"
        formulas[key] = out
        return key

    parts = CODE.split(text)
    return "".join(part if i % 2 else FORMULA.sub(mathml, part) for i, part in enumerate(parts))


def put_formulas(page: str, formulas: dict) -> str:
    """Put each formula's MathML where its placeholder is in the rendered page."""
    return re.sub(r"bpformula\d{5}x", lambda m: formulas.get(m.group(0), m.group(0)), page)


def _model_ids(value) -> list[str]:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return [value[len("IPY_MODEL_"):]]
    if isinstance(value, list):
        return [i for v in value for i in _model_ids(v)]
    return []


def _control_text(state: dict) -> str | None:
    name = state.get("_model_name", "")
    label = state.get("description") or ""
    if name.endswith("SliderModel") or name in {"BoundedFloatTextModel", "BoundedIntTextModel",
                                                "FloatTextModel", "IntTextModel"}:
        value = state.get("value")
        if name == "FloatLogSliderModel":
            value = f"{value:.3g}" if isinstance(value, (int, float)) else value
        return f"{label} = {value}".strip(" =")
    if name in {"DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel"}:
        labels, index = state.get("_options_labels") or [], state.get("index")
        value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        return f"{label} = {value}".strip(" =")
    if name in {"CheckboxModel", "ToggleButtonModel"}:
        return f"{label} = {state.get('value')}".strip(" =")
    return None


def static_widget_outputs(model_id: str, states: dict) -> list:
    """What a widget view showed, as plain outputs: the outputs captured by its ``Output``
    widgets, ``Image`` widgets' and ipympl canvases' last picture, HTML/Label text, and one line
    naming the controls with their values."""
    outputs, controls, seen = [], [], set()

    def walk(mid: str):
        if mid in seen or mid not in states:
            return
        seen.add(mid)
        state = states[mid].get("state", {})
        name = state.get("_model_name", "")
        if name == "OutputModel":
            outputs.extend(nbformat.from_dict(o) for o in state.get("outputs", []))
        elif name == "MPLCanvasModel" and state.get("_data_url"):
            data = state["_data_url"].split(",", 1)[-1]
            outputs.append(nbformat.v4.new_output("display_data", {"image/png": data}))
        elif name == "ImageModel":
            mime = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg",
                    "gif": "image/gif"}.get(str(state.get("format", "png")).lower())
            data = next((b["data"] for b in states[mid].get("buffers", [])
                         if b.get("path") == ["value"] and b.get("encoding") == "base64"), None)
            if mime and data:
                outputs.append(nbformat.v4.new_output("display_data", {mime: data}))
        elif name in {"HTMLModel", "HTMLMathModel"} and state.get("value"):
            outputs.append(nbformat.v4.new_output("display_data",
                                                  {"text/html": state["value"]}))
        elif name == "LabelModel" and state.get("value"):
            outputs.append(nbformat.v4.new_output("display_data",
                                                  {"text/plain": state["value"]}))
        elif (text := _control_text(state)) is not None:
            controls.append(text)
        for key in ("children", "_titles"):
            for child in _model_ids(state.get(key)):
                walk(child)

    walk(model_id)
    if controls:
        note = ("<p class='bp-widget-note'>Interactive in JupyterLab; shown here for "
                + html.escape(", ".join(controls)) + ".</p>")
        outputs.append(nbformat.v4.new_output("display_data", {"text/html": note}))
    return outputs


def replace_widget_views(nb) -> int:
    """Swap every widget view for its static content and drop the widget state; returns how
    many views were replaced."""
    states = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW) if "data" in out else None
            if view is None:
                new.append(out)
                continue
            n += 1
            new.extend(static_widget_outputs(view.get("model_id", ""), states))
        cell.outputs = new
    nb.metadata.pop("widgets", None)
    return n


def nav_cell(lesson: Lesson, lessons: list[Lesson]):
    """Outline / previous / next links, relative to the page."""
    group = [x for x in lessons if x.rel.parent == lesson.rel.parent]
    i = group.index(lesson)
    up = Path(os.path.relpath("index.html", lesson.rel.parent or ".")).as_posix()
    links = [f'<a href="{up}">Course outline</a>']
    if i > 0:
        links.append(f'<a href="{group[i - 1].page.name}">← {html.escape(group[i - 1].title)}</a>')
    if i + 1 < len(group):
        links.append(f'<a href="{group[i + 1].page.name}">{html.escape(group[i + 1].title)} →</a>')
    return nbformat.v4.new_markdown_cell(f'<nav class="bp-nav">{" ".join(links)}</nav>')


# -------------------------------------------------------------------------------- building

SLOW_CELL_S = 30.0


def execute(nb, cwd: Path, timeout: int, log=print):
    """Run every cell in a fresh kernel started in ``cwd``; cells slower than ``SLOW_CELL_S``
    are logged (a stuck kernel shows up as one slow cell, not as a silent wait)."""
    from nbclient import NotebookClient

    started: dict[int, float] = {}
    spent: list[float] = []

    def on_start(cell, cell_index, **_):
        started[cell_index] = time.monotonic()

    def on_complete(cell, cell_index, **_):
        seconds = time.monotonic() - started.get(cell_index, time.monotonic())
        spent.append(seconds)
        if seconds > SLOW_CELL_S:
            first = (cell.source.strip().splitlines() or [""])[0][:60]
            log(f"    slow cell {cell_index} ({seconds:.0f} s): {first}")

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            store_widget_state=True, record_timing=False,
                            on_cell_start=on_start, on_cell_complete=on_complete)
    started_at = time.monotonic()
    client.execute()
    outside = time.monotonic() - started_at - sum(spent)
    if outside > SLOW_CELL_S:
        log(f"    {outside:.0f} s outside the cells (kernel start, shutdown)")
    return nb


def exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_file="bp_offline.html.j2", embed_images=True,
                        extra_loaders=[DictLoader({"bp_offline.html.j2": OFFLINE_TEMPLATE})])


def render_index(lessons: list[Lesson], title: str, folder: Path = Path(".")) -> str:
    """The outline (``folder`` "."), or the index page of a subfolder such as solutions/."""
    def items(group):
        return "\n".join(
            f'    <li><a href="{Path(os.path.relpath(x.page, folder)).as_posix()}">'
            f'{html.escape(x.title)}</a> <small>({x.rel.as_posix()})</small></li>'
            for x in group)

    if folder != Path("."):
        body = (f'<p><a href="{Path(os.path.relpath(".", folder)).as_posix()}/index.html">'
                f'Course outline</a></p>\n  <ul>\n'
                f'{items([x for x in lessons if x.rel.parent == folder])}\n  </ul>')
        return _page(f"{folder.as_posix().capitalize()} · {title}", body)
    lessons_main = [x for x in lessons if x.rel.parent == Path(".")]
    sections = ""
    for sub in sorted({x.rel.parent for x in lessons} - {Path(".")}):
        group = [x for x in lessons if x.rel.parent == sub]
        sections += (f'\n  <h2 id="{sub.as_posix()}">{html.escape(sub.as_posix().capitalize())}'
                     f'</h2>\n  <ul>\n{items(group)}\n  </ul>')
    return _page(title, f"""<p>The static edition: every notebook executed, figures shown for the
  widgets' default values. To move the sliders, open the notebooks in JupyterLab
  (<code>make lab</code>).</p>
  <h2>Lessons</h2>
  <ol start="0">
{items(lessons_main)}
  </ol>{sections}""")


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)}</title>
  <style>
    body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46em; margin: 2em auto;
            padding: 0 1em; color: #222; }}
    li {{ margin: .3em 0; }} small {{ color: #777; }}
  </style>
</head>
<body>
  <h1>{html.escape(title)}</h1>
  {body}
</body>
</html>
"""


def build(src: Path, out: Path, *, execute_notebooks: bool = True, timeout: int = 600,
          only: list[str] | None = None, title: str = COURSE_TITLE,
          log=print) -> list[str]:
    """Build the edition from the notebooks under ``src`` into ``out``; returns the problems
    (notebooks that failed to execute). ``only``: names of the notebooks to build (the index
    still lists all)."""
    src, out = src.resolve(), out.resolve()
    paths = find_notebooks(src)
    lessons = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        lessons.append(Lesson(p, p.relative_to(src), first_heading(nb) or p.stem))
    out.mkdir(parents=True, exist_ok=True)
    files: dict[Path, Path] = {}
    problems = []
    html_exporter = exporter()
    for lesson in lessons:
        if only and lesson.rel.as_posix() not in only and lesson.source.name not in only:
            continue
        t = time.monotonic()
        nb = nbformat.read(lesson.source, as_version=4)
        sources = [cell.source for cell in nb.cells]
        use_inline_backend(nb)
        try:
            if execute_notebooks:
                execute(nb, lesson.source.parent, timeout, log)
        except Exception as exc:  # noqa: BLE001 - reported, the other notebooks still build
            problems.append(f"{lesson.rel}: {type(exc).__name__}: {str(exc)[-2000:]}")
        for cell, source in zip(nb.cells, sources, strict=True):
            cell.source = source   # show the code as the learner has it (%matplotlib widget)
        n_views = replace_widget_views(nb)
        formulas: dict[str, str] = {}
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_links(cell.source, lesson.source.parent,
                                            lesson.rel.parent, files, src=src)
                cell.source = formulas_to_mathml(cell.source, str(lesson.rel), formulas)
        nb.cells.insert(0, nav_cell(lesson, lessons))
        body, _ = html_exporter.from_notebook_node(
            nb, resources={"metadata": {"name": lesson.title,
                                        "path": str(lesson.source.parent)}})
        body = put_formulas(body, formulas)
        page = out / lesson.page
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(body, encoding="utf-8")
        failed = bool(problems) and problems[-1].startswith(str(lesson.rel))
        log(f"  {lesson.page}  ({time.monotonic() - t:.1f} s, {n_views} widget view(s) "
            f"replaced){'  FAILED' if failed else ''}")
    for source, dest in files.items():
        (out / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, out / dest)
    (out / "index.html").write_text(render_index(lessons, title), encoding="utf-8")
    for sub in sorted({x.rel.parent for x in lessons} - {Path(".")}):
        (out / sub / "index.html").parent.mkdir(parents=True, exist_ok=True)
        (out / sub / "index.html").write_text(render_index(lessons, title, sub),
                                              encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=REPO / "notebooks",
                    help="folder of notebooks (and solutions/); default notebooks/")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "html")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--no-execute", action="store_true",
                    help="export the notebooks as they are (for a quick look at the layout)")
    ap.add_argument("only", nargs="*", help="build only these notebooks (e.g. 03_chain_rule)")
    args = ap.parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")   # the kernels inherit it; 2-core machines
    os.environ.pop("MPLBACKEND", None)
    only = [o if o.endswith(".ipynb") else o + ".ipynb" for o in args.only] or None
    t = time.monotonic()
    print(f"building the static edition of {args.src} into {args.out}")
    problems = build(args.src, args.out, execute_notebooks=not args.no_execute,
                     timeout=args.timeout, only=only)
    for p in problems:
        print(f"ERROR {p}", file=sys.stderr)
    print(f"{'FAILED' if problems else 'done'} in {time.monotonic() - t:.0f} s: "
          f"{args.out / 'index.html'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

