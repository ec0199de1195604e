"""HTML pages: lxml, rowspan/colspan expanded, layout tables unwrapped."""

from __future__ import annotations

import re

from ..document import LINE, ROW, Block, Document
from ..errors import BudgetExceededError, NotAReportError, ReadError
from ..normalize import normalize_text
from .sniff import DEFAULT_BUDGET, Budget

__all__ = ["read_html"]

_SKIP = {"script", "style", "noscript", "template", "head", "title", "select", "option", "button", "iframe", "object", "svg"}
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "nav", "aside", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "blockquote", "pre", "dd",
    "dt", "dl", "form", "hr", "center", "main", "caption", "figure", "figcaption", "address",
}
_MAX_SPAN = 1000
_SITECODE_RE = re.compile(r"\d{10}")


def _cell_text(el) -> str:
    # Text nodes of a cell joined with nothing: Word HTML splits one value or
    # word over several <span>, <p> and <br>.
    return "".join(el.itertext())


def _rows_of(table):
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag == "tr")
    return rows


def _span(el, name: str) -> int:
    try:
        v = int(str(el.get(name, "1")).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(v, _MAX_SPAN))


def _grid(table, budget: Budget, source: str) -> list[list[str]]:
    """Expand spans. Colspan continuations are dropped, rowspan continuations repeat the text."""
    out: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows left)
    cells_seen = 0
    for tr in _rows_of(table):
        row: list[tuple[int, str]] = []
        col = 0
        tds = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        it = iter(tds)
        nxt = next(it, None)
        while nxt is not None or any(c >= col for c in pending):
            if col in pending:
                text, left = pending[col]
                row.append((col, text))
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (text, left - 1)
                col += 1
                continue
            if nxt is None:
                col += 1
                if col > _MAX_SPAN * 2:
                    break
                continue
            text = normalize_text(_cell_text(nxt)).replace("\n", "")
            cs, rs = _span(nxt, "colspan"), _span(nxt, "rowspan")
            row.append((col, text))
            if rs > 1:
                pending[col] = (text, rs - 1)
            col += cs
            nxt = next(it, None)
        cells_seen += len(row)
        if cells_seen > budget.max_cells:
            raise BudgetExceededError(source, f"HTML tables hold more than {budget.max_cells:,} cells")
        out.append([t for _, t in sorted(row)])
    return out


def _has_table_descendant(el) -> bool:
    return any(True for _ in el.iterdescendants("table"))


def read_html(text: str, *, source: str, encoding: str | None, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read an HTML page into a :class:`Document`."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=False))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(source, f"not parseable as HTML ({exc})") from None
    attrs: dict = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").lower()
        if name in ("siteidcode", "sitecode") and meta.get("content"):
            attrs["site_code"] = meta.get("content").strip()
        if name in ("articletitle", "title") and meta.get("content"):
            attrs.setdefault("title", normalize_text(meta.get("content")))
    for inp in root.iter("input"):
        if (inp.get("name") or inp.get("id") or "").lower() in ("sitecode", "siteidcode") and inp.get("value"):
            attrs.setdefault("site_code", inp.get("value").strip())
    t = root.find(".//title")
    if t is not None and t.text:
        attrs["page_title"] = normalize_text(t.text)

    blocks: list[Block] = []
    buf: list[str] = []
    n_tables = 0

    def flush():
        if buf:
            s = normalize_text("".join(buf))
            for ln in s.split("\n"):
                if ln:
                    blocks.append(Block(LINE, [ln], 0))
            buf.clear()

    def walk(el, depth: int):
        nonlocal n_tables
        if depth > budget.max_depth:
            raise BudgetExceededError(source, f"HTML nested deeper than {budget.max_depth} elements")
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment, processing instruction
            if el.tail:
                buf.append(el.tail)
            return
        tag = tag.lower()
        if tag in _SKIP:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table" and not _has_table_descendant(el):
            flush()
            ti = n_tables
            n_tables += 1
            for ri, cells in enumerate(_grid(el, budget, source)):
                if any(cells):
                    blocks.append(Block(ROW, cells, 0, table=ti, row=ri))
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            buf.append("\n")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child, depth + 1)
        if block:
            buf.append("\n")
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    try:
        walk(body if body is not None else root, 0)
    except RecursionError:
        raise BudgetExceededError(source, "HTML nested too deeply to walk") from None
    flush()
    if not blocks:
        raise NotAReportError(source, "the HTML page holds no text")
    return Document.from_blocks(source, "html", encoding, text, blocks, attrs=attrs)
