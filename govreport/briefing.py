"""Render executed notebooks to self-contained HTML briefings.

A briefing is one HTML file per notebook: no code, no prompts, images inlined as
base64, and no request to anything outside the file (no require.js, MathJax, mermaid or
widget scripts, no remote image).  HTML from markdown cells and from outputs goes through
an allow-list sanitiser (:func:`sanitize_html`), and a Content-Security-Policy meta tag
forbids every script and every non-``data:`` load as a second line of defence.

Cell tags: ``remove-cell`` drops a cell, ``remove-output`` its outputs,
``hide-input``/``remove-input`` its code (code is never shown anyway).

Command line::

    python -m govreport.briefing NOTEBOOK_DIR -o OUT_DIR [--execute]
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import GovReportError, MissingDependencyError

__all__ = [
    "BriefingError",
    "CSP",
    "render_briefings",
    "render_notebook",
    "sanitize_html",
    "find_external_references",
    "main",
]

#: Content-Security-Policy of every briefing: no script at all, images and fonts only from
#: ``data:`` URLs, inline styles only, no forms, no base URL.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

REMOVE_CELL_TAGS = frozenset({"remove-cell", "remove_cell"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "remove_output"})
REMOVE_INPUT_TAGS = frozenset({"hide-input", "remove-input", "remove_input", "hide_input"})

# Output types that need JavaScript (widgets, mermaid, application/javascript) are left out:
# an output that only has those shows nothing.
_DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/latex",
    "text/plain",
]

_TEMPLATE_NAME = "govreport_briefing.html.j2"
_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.govreport_csp }}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="govreport.briefing">
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style type="text/css">
  :root {
    --jp-content-font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC",
      "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
    --jp-ui-font-family: var(--jp-content-font-family);
  }
  body.jp-Notebook { max-width: 60rem; margin: 0 auto; }
</style>
{% endblock extra_css %}
"""


class BriefingError(GovReportError):
    """A notebook that cannot be turned into a briefing (error outputs, external requests...)."""


# --------------------------------------------------------------------------- sanitising

_ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup
    table tbody td tfoot th thead tr u ul var""".split()
)
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "lang", "dir", "style"})
_TAG_ATTRS = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "table": {"border"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
}
_DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)(;[a-z0-9=.+-]+)*(;base64)?,", re.I)
# CSS that could load something, run something, or break out of its context.
_BAD_CSS_RE = re.compile(
    r"url\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|[<>\"'\\&]", re.I
)
_STYLE_BLOCK_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
# Elements whose *content* is dropped along with the tags (bleach would keep it as text).
_DROP_CONTENT_RE = re.compile(
    r"<(script|noscript|iframe|object|embed|template|textarea|xmp|noembed|noframes)\b.*?(</\1\s*>|\Z)",
    re.I | re.S,
)

_IMG_WITHOUT_SRC_RE = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>", re.I)


def _allowed_attr(tag: str, name: str, value: str) -> bool:
    if name not in _GLOBAL_ATTRS and name not in _TAG_ATTRS.get(tag, ()):
        return False
    if name == "style":
        return not _BAD_CSS_RE.search(value)
    if tag == "img" and name == "src":
        return bool(_DATA_IMAGE_RE.match(value.strip()))
    if tag == "a" and name == "href":
        scheme = urlsplit(value.strip()).scheme.lower()
        return scheme in ("", "http", "https", "mailto")
    return True


def sanitize_html(fragment: str | bytes) -> str:
    """Clean an HTML fragment with an allow-list fit for briefings.

    Keeps text, headings, lists, tables (with pandas' ``<style>`` blocks when their CSS
    can load nothing), links and ``data:`` images; drops scripts with their content, event
    handlers, ``javascript:`` links, remote images and any other tag (its text is kept).

    Parameters
    ----------
    fragment : str or bytes
        HTML from a markdown cell or a ``text/html`` output.

    Returns
    -------
    str
        HTML that runs nothing and requests nothing.

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">政府信息公开<script>alert(1)</script></p>')
    '<p>政府信息公开</p>'
    >>> sanitize_html('<p>地图 map <img src="https://example.org/a.png" alt="a"></p>')
    '<p>地图 map </p>'

    """
    import bleach
    from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer

    text = fragment.decode("utf-8") if isinstance(fragment, bytes) else str(fragment)
    nonce = secrets.token_hex(8)
    styles: dict[str, str] = {}

    def keep_style(match: re.Match) -> str:
        css = match.group(1)
        if _BAD_CSS_RE.search(css):
            return ""
        key = f"govreportstyle{nonce}x{len(styles)}"
        styles[key] = css
        return key

    text = _STYLE_BLOCK_RE.sub(keep_style, text)
    text = _DROP_CONTENT_RE.sub("", text)
    css_sanitizer = CSSSanitizer(
        allowed_css_properties=ALLOWED_CSS_PROPERTIES
        | {
            "border",
            "border-bottom",
            "border-top",
            "padding",
            "margin",
            "min-width",
            "max-width",
            "text-transform",
        }
    )
    cleaned = bleach.clean(
        text,
        tags=_ALLOWED_TAGS,
        attributes=_allowed_attr,
        protocols={"http", "https", "mailto", "data"},
        strip=True,
        strip_comments=True,
        css_sanitizer=css_sanitizer,
    )
    # an image whose source was removed would show as a broken image: drop it
    cleaned = _IMG_WITHOUT_SRC_RE.sub("", cleaned)
    for key, css in styles.items():
        # the CSS holds no < > " ' \ &: safe in text and in a quoted attribute value alike
        cleaned = cleaned.replace(key, f"<style>{css}</style>")
    return cleaned


# --------------------------------------------------------------------------- checking

_EXTERNAL_RE = re.compile(
    r"""<(?P<tag>script|link|img|iframe|frame|embed|object|source|video|audio|track|input|image|use|base|form)\b
        [^>]*?\b(?P<attr>src|href|data|srcset|poster|action|xlink:href|background)\s*=\s*
        (?P<q>["']?)\s*(?P<url>(?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?\s*(?P<cssurl>(?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+["'](?P<importurl>(?:https?:)?//[^"']+)""",
    re.I | re.X,
)


def find_external_references(page: str) -> list[str]:
    """Return every URL in ``page`` that a browser would fetch on load (scripts, styles, images...).

    Plain links (``<a href>``) are not fetched and are not reported.

    >>> find_external_references('<script src="https://cdn.example/x.js"></script><a href="https://gov.cn">x</a>')
    ['https://cdn.example/x.js']
    """
    found = []
    for m in _EXTERNAL_RE.finditer(page):
        found.append(html.unescape(m.group("url") or m.group("cssurl") or m.group("importurl")))
    return found


# --------------------------------------------------------------------------- rendering


def _exporter() -> Any:
    try:
        import jinja2
        from nbconvert import HTMLExporter
        from traitlets.config import Config
    except ImportError as exc:  # pragma: no cover - exercised only without nbconvert
        raise MissingDependencyError(
            "nbconvert", "briefings need nbconvert: pip install 'nbconvert>=7.16'"
        ) from exc

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_output_stdin = True
    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.skip_svg_encoding = False  # SVG outputs become <img src="data:...">
    c.HTMLExporter.language_code = "zh"
    for url in (
        "require_js_url",
        "mathjax_url",
        "jquery_url",
        "jupyter_widgets_base_url",
        "widget_renderer_url",
        "mermaid_js_url",
        "mermaid_layout_elk_js_url",
    ):
        setattr(c.HTMLExporter, url, "")
    c.NbConvertBase.display_data_priority = list(_DISPLAY_PRIORITY)
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    exporter = HTMLExporter(
        config=c,
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
    )
    exporter.register_filter("clean_html", sanitize_html)
    return exporter


def _prepare(nb: Any, source: Path) -> Any:
    """Drop stderr streams; refuse notebooks with error outputs."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS or tags & REMOVE_OUTPUT_TAGS:
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise BriefingError(
                    source, f"cell {index} has an error output ({out.get('ename')}: {out.get('evalue')})"
                )
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            outputs.append(out)
        cell["outputs"] = outputs
    return nb


def _execute(nb: Any, source: Path, timeout: int, kernel_name: str) -> None:
    cwd = source.parent
    try:
        from nbclient import NotebookClient
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError("nbclient", "execute=True needs nbclient and ipykernel") from exc
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    # a briefing shows its charts: let ipykernel pick its inline backend even when the caller
    # runs with MPLBACKEND=Agg (as test suites do)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_name, resources={"metadata": {"path": str(cwd)}}
    )
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        lines = str(exc).strip().splitlines()
        raise BriefingError(source, f"execution failed: {lines[-1] if lines else repr(exc)}") from exc


def render_notebook(
    notebook: str | Path,
    out_dir: str | Path,
    *,
    execute: bool = False,
    timeout: int = 600,
    kernel_name: str = "python3",
) -> Path:
    """Render one notebook to ``out_dir/<name>.html``.

    Parameters
    ----------
    notebook : path
        An ``.ipynb`` file, executed unless ``execute`` is true.
    out_dir : path
        Created if missing.
    execute : bool
        Re-run the notebook with nbclient (in its own folder) before rendering.
    timeout : int
        Seconds allowed per cell when executing.
    kernel_name : str
        Kernel used when executing (``python3``: the running environment's ipykernel).

    Returns
    -------
    Path
        The HTML file written.

    Raises
    ------
    BriefingError
        The notebook has an error output, or the page would request an external URL.

    """
    import nbformat

    notebook = Path(notebook)
    out_dir = Path(out_dir)
    nb = nbformat.read(notebook, as_version=4)
    if execute:
        _execute(nb, notebook, timeout, kernel_name)
    nb = _prepare(nb, notebook)
    exporter = _exporter()
    resources = {
        "metadata": {"name": notebook.stem, "path": str(notebook.parent)},
        "govreport_csp": CSP,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    external = find_external_references(body)
    if external:
        raise BriefingError(notebook, f"the briefing would request external URLs: {external[:5]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def _notebooks(nb_dir: Path) -> Iterable[Path]:
    return sorted(p for p in nb_dir.glob("*.ipynb") if p.is_file())


def render_briefings(
    nb_dir: str | Path,
    out_dir: str | Path,
    *,
    execute: bool = False,
    timeout: int = 600,
    kernel_name: str = "python3",
) -> list[Path]:
    """Render every ``*.ipynb`` in ``nb_dir`` (not its sub-folders) to an HTML briefing.

    Parameters
    ----------
    nb_dir : path
        Folder of executed notebooks.
    out_dir : path
        Where ``<name>.html`` files go; created if missing.
    execute : bool
        Re-run each notebook with nbclient first (default: use the committed outputs).
    timeout, kernel_name
        Passed to :func:`render_notebook`.

    Returns
    -------
    list of Path
        The briefings written, in notebook-name order.

    """
    nb_dir = Path(nb_dir)
    if not nb_dir.is_dir():
        raise FileNotFoundError(f"no notebook folder at {nb_dir}")
    return [
        render_notebook(p, out_dir, execute=execute, timeout=timeout, kernel_name=kernel_name)
        for p in _notebooks(nb_dir)
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m govreport.briefing NOTEBOOK_DIR -o OUT_DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m govreport.briefing",
        description="Render executed notebooks to self-contained HTML briefings (no code, no external requests).",
    )
    parser.add_argument("nb_dir", type=Path, help="folder of .ipynb files")
    parser.add_argument(
        "-o", "--out", type=Path, default=Path("briefings"), help="output folder (default: briefings)"
    )
    parser.add_argument("--execute", action="store_true", help="re-run the notebooks before rendering")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell when executing")
    args = parser.parse_args(argv)
    try:
        written = render_briefings(args.nb_dir, args.out, execute=args.execute, timeout=args.timeout)
    except (GovReportError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    if not written:
        print(f"no notebooks in {args.nb_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
