"""HTML pages: lxml, rowspan/colspan expanded, layout tables unwrapped."""

from __future__ import annotations

import re

from ..document import LINE, ROW, Block, Document
from ..errors import BudgetExceededError, NotAReportError, ReadError
from ..normalize import CONTROL_RE, normalize_text, scrub_surrogates
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


def _parser():
    from lxml import etree

    return etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _span(el, name: str) -> int:
    raw = el.get(name)
    if raw is None:
        return 1
    try:
        v = int(raw.strip() or 1)
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
            text = _cell_text(nxt)
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


_DEPTH_NOTE = "the HTML nests elements deeper than libxml2's limit of 255 levels; the text after that point was not read"
_SEP = "\u241e"  # SYMBOL FOR RECORD SEPARATOR: untouched by NFKC, OpenCC and white-space folding


def _normalise_items(items) -> list[Block]:
    """Normalise every text of the page in one pass (one OpenCC call, not thousands)."""
    raw: list[str] = []
    for it in items:
        if it[0] == "line":
            raw.append(it[1].replace(_SEP, ""))
        else:
            raw.extend(c.replace(_SEP, "") for c in it[1])
    norm = normalize_text(_SEP.join(raw)).split(_SEP)
    blocks: list[Block] = []
    i = 0
    for it in items:
        if it[0] == "line":
            for ln in norm[i].split("\n"):
                ln = ln.strip()
                if ln:
                    blocks.append(Block(LINE, [ln], 0))
            i += 1
        else:
            n = len(it[1])
            cells = [c.replace("\n", "").strip() for c in norm[i : i + n]]
            i += n
            if any(cells):
                blocks.append(Block(ROW, cells, 0, table=it[2], row=it[3]))
    return blocks


def read_html(text: str, *, source: str, encoding: str | None, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read an HTML page into a :class:`Document`.

    Leaf tables (tables that hold no table) are data: their rows become ROW
    blocks with spans expanded.  Everything else, layout tables included, is
    text: block elements (p, div, br, td …) break lines.  libxml2 caps element
    nesting at 255, so no page can nest deeper than that.
    """
    from lxml import etree

    # libxml2 turns NUL and other control characters into U+FFFD, which would split a label
    # ("本年\x00新收"); they are removed here as normalize_text removes them everywhere else.
    markup = CONTROL_RE.sub("", scrub_surrogates(text))
    parser = _parser()
    try:
        root = etree.fromstring(markup.encode("utf-8"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError(source, f"not parseable as HTML ({exc})") from None
    # libxml2 stops reading where elements nest deeper than 255 levels: what follows is lost
    truncated = next((e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if root is None:
        if truncated:
            raise BudgetExceededError(source, f"{_DEPTH_NOTE} ({truncated})")
        raise NotAReportError(source, "the HTML page is empty")
    attrs: dict = {}
    if truncated:
        attrs["truncated"] = f"{_DEPTH_NOTE} ({truncated})"
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

    body = root.find("body")
    if body is None:
        body = root
    # Scripts, styles, comments (Word's conditional comments) go; their tails stay.
    etree.strip_elements(body, etree.Comment, etree.ProcessingInstruction, *_SKIP, with_tail=False)
    # Leaf tables are data tables: expand them, then stand a marker in their place.
    grids = []
    for tbl in body.xpath(".//table[not(.//table)]"):
        grids.append(_grid(tbl, budget, source))
        marker = etree.Element("span")
        marker.text = f"\n{_SEP}{len(grids) - 1}{_SEP}\n"
        marker.tail = tbl.tail
        tbl.getparent().replace(tbl, marker)
    for el in body.iter(*_BLOCK):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    flat = "".join(body.itertext())
    items: list[tuple] = []  # ("line", raw) | ("row", [raw cells], table, row)
    for k, part in enumerate(flat.split(_SEP)):
        if k % 2 == 0:
            if part.strip():
                items.append(("line", part))
        else:
            ti = int(part)
            for ri, cells in enumerate(grids[ti]):
                items.append(("row", cells, ti, ri))
    blocks = _normalise_items(items)
    if not blocks:
        if truncated:
            raise BudgetExceededError(source, f"{_DEPTH_NOTE} ({truncated})")
        raise NotAReportError(source, "the HTML page holds no text")
    return Document.from_blocks(source, "html", encoding, text, blocks, attrs=attrs)
