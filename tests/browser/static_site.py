"""Open a static site from disk in headless Chromium with the network off and check it the way
a reader would: every page loads, every picture renders, every link and anchor resolves.
Used by ``tests/test_html_edition.py`` (fixture course and the full ``build/html``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

PAGE_FACTS = r"""
() => ({
  title: document.title,
  images: Array.from(document.images).map(i => ({
    src: (i.getAttribute('src') || '').slice(0, 80), complete: i.complete,
    width: i.naturalWidth})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.name),
  formulas: Array.from(document.querySelectorAll('math')).map(
    m => m.getBoundingClientRect().width),
  prose: Array.from(document.querySelectorAll('.jp-RenderedMarkdown, .jp-MarkdownOutput'))
    .map(e => { const c = e.cloneNode(true);
                c.querySelectorAll('pre, code').forEach(x => x.remove());
                return c.textContent; }).join('\n'),
})
"""


# A formula that reached the page as TeX source: $$...$$ or $...$ in the prose (code excluded).
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$")


@dataclass
class SiteReport:
    pages: int = 0
    images: int = 0
    formulas: int = 0
    links: int = 0
    external_links: set[str] = field(default_factory=set)
    blocked: list[str] = field(default_factory=list)   # network requests refused
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.pages} pages, {self.images} images, {self.formulas} formulas, "
                f"{self.links} local links checked, "
                f"{len(self.external_links)} external links not followed, "
                f"{len(self.blocked)} network requests blocked")


def _path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def check_site_offline(browser, root: Path, index: str = "index.html") -> SiteReport:
    root = root.resolve()
    report = SiteReport()
    context = browser.new_context(offline=True)

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            report.blocked.append(f"{r.request.resource_type} {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    ids: dict[Path, set[str]] = {}
    anchors: list[tuple[Path, Path, str]] = []     # (from page, to page, fragment)
    queue = [root / index]
    seen: set[Path] = set()
    try:
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            name = path.relative_to(root).as_posix()
            try:
                page.goto(path.as_uri(), wait_until="load", timeout=30_000)
                page.wait_for_function(
                    "Array.from(document.images).every(i => i.complete)", timeout=15_000)
            except Exception as exc:  # noqa: BLE001 - a page that does not load is a finding
                report.problems.append(f"{name}: did not load: {exc}")
                continue
            report.pages += 1
            facts = page.evaluate(PAGE_FACTS)
            ids[path] = set(facts["ids"])
            if not facts["title"].strip():
                report.problems.append(f"{name}: no <title>")
            for width in facts["formulas"]:
                report.formulas += 1
                if not width:
                    report.problems.append(f"{name}: a formula (MathML) did not render")
            raw = RAW_TEX.search(facts["prose"])
            if raw:
                report.problems.append(f"{name}: TeX left as text: {raw.group(0)[:60]!r}")
            for img in facts["images"]:
                report.images += 1
                if not img["width"]:
                    report.problems.append(f"{name}: image not rendered: {img['src']}...")
            for href in facts["links"]:
                url, frag = urldefrag(href)
                if not url.startswith("file:"):
                    if url.startswith(("http:", "https:")):
                        report.external_links.add(url)
                    continue
                report.links += 1
                target = _path(url)
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    report.problems.append(f"{name}: broken link {href}")
                    continue
                if target.suffix == ".html" and target.is_relative_to(root):
                    queue.append(target)
                    if frag:
                        anchors.append((path, target, frag))
        for src, dst, frag in anchors:
            if dst in ids and not {frag, unquote(frag)} & ids[dst]:
                report.problems.append(f"{src.relative_to(root).as_posix()}: link to a missing "
                                       f"anchor {dst.relative_to(root).as_posix()}#{frag}")
        for orphan in sorted(set(root.rglob("*.html")) - seen):
            if "_files" not in orphan.relative_to(root).parts:
                report.problems.append(f"{orphan.relative_to(root).as_posix()}: not reachable "
                                       f"from {index}")
        for b in report.blocked:
            kind = b.split(" ", 1)[0]
            if kind in ("image", "stylesheet", "font", "media"):
                report.problems.append(f"needs the network for a {kind}: {b}")
        report.problems += [f"page error: {e}" for e in errors]
    finally:
        context.close()
    return report
