"""Markdown made by PDF and OCR converters: pipe tables, headings, hard-wrapped prose.

Converters rarely keep a report's tables whole.  What this reader meets, and
what it does about it:

- each ``| a | b |`` line is a table row (a :data:`~govreport.document.ROW`
  block, cells in order, empty cells kept), ``|---|`` separator lines are
  dropped, every other non-blank line is a text line (``LINE``);
- a table split into one small table per row, each with a header row the
  converter had to invent (``类别 | 数据1 | … | 数据6 | 总计``) or copied
  from elsewhere: a header row that holds no value is dropped when its cells
  are generic placeholders (数据1, 列2, Column 3 …) or when its table merely
  continues the table just above (same number of columns, nothing but blank
  lines between) -- such a header names no column of the report.  Dropped
  headers are listed in ``Document.attrs["dropped_headers"]``;
- a heading placed right above a table (``### （一）予以公开`` over the one
  row ``| 予以公开 | 290 | … |``) is the caption of that table: it becomes the
  first cell of each of the table's rows, as the group cell of a spanned HTML
  table would, instead of a label line with no values of its own;
- short text lines right next to a table (no sentence end) are table text
  the converter spilled out of it: they become ROW blocks.  A label alone is a
  row whose values the converter put elsewhere (the extractor reads its cells
  as unknown, never as printed blanks); a label followed by space-separated
  values (``行政许可 97``) is cut into cells; values alone are a row whose
  label is elsewhere.  Nothing is re-attached here: what cannot be placed is
  left to the extractor to mark, never guessed;
- empty cells at the end of a row are the padding a converter adds to reach
  the header's width, not printed blanks: they are dropped (a value the
  converter lost there becomes unknown, not empty);
- HTML tables some converters embed (``<table>…</table>``) are read by the
  HTML reader (spans expanded, layout tables unwrapped).
"""

from __future__ import annotations

import re

from ..document import LINE, ROW, Block, Document
from ..errors import BudgetExceededError, NotAReportError, ReadError
from ..normalize import compact, normalize_text
from ..values import is_value_text
from .sniff import DEFAULT_BUDGET, Budget

__all__ = ["read_markdown"]

_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_HEADING_RE = re.compile(r"^#{1,6}\s*(.*?)\s*#*$")
_BULLET_RE = re.compile(r"^(?:[-*+]|\d{1,2}[.)])\s+(?=\D)")
_QUOTE_RE = re.compile(r"^(?:>\s?)+")
_EMPH_RE = re.compile(r"(\*\*|__|~~|`)(.+?)\1")
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_TAG_RE = re.compile(r"</?(?:span|b|strong|i|em|u|sup|sub|font|p|div)\b[^>]*>", re.I)
_GENERIC_RE = re.compile(r"^(?:数据|列|字段|栏|项|column|col|field|header)\s*_?\d+$|^\(?数据项目\)?$|^-?$", re.I)
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_RULE_RE = re.compile(r"^(?:[-*_]\s*){3,}$")
_FLAT_ROW_RE = re.compile(r"^(?P<label>(?:.*?[^\d\s.,+\-])?)\s*(?P<vals>(?:(?<![\d.])[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|万|元)?(?:\s+|$))+)$")
_PROSE_PUNCT_RE = re.compile(r"[,，。;；:：!?！？、]")
# A line of table text a converter spilled out of its table is short.
_SPILL_MAX = 40
_TABLE_OPEN_RE = re.compile(r"^(?:<[a-z]+[^>]*>\s*)*<table\b", re.I)
_TABLE_OPEN_ANY_RE = re.compile(r"<table\b", re.I)
_TABLE_CLOSE_RE = re.compile(r"</table\s*>", re.I)


def _split_cells(line: str) -> list[str]:
    """Split a pipe-table line into cells (an escaped pipe stays inside its cell)."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    return [_clean_cell(c.replace("\\|", "|")) for c in cells]


def _clean_cell(cell: str) -> str:
    # A multi-line cell: converters write its line breaks as <br>; the lines
    # of one cell are joined with nothing (a label or a number broken across
    # lines is one label or one number).
    cell = _BR_RE.sub("", cell)
    cell = _TAG_RE.sub("", cell)
    cell = _EMPH_RE.sub(r"\2", cell)
    return cell.strip()


def _clean_line(line: str) -> tuple[str, bool]:
    """Strip Markdown markup from a text line; say whether it was a heading."""
    s = _QUOTE_RE.sub("", line.strip())
    m = _HEADING_RE.match(s)
    heading = bool(m) and s.startswith("#")
    if heading:
        s = m.group(1)
    s = _BULLET_RE.sub("", s)
    s = _EMPH_RE.sub(r"\2", s)
    s = _TAG_RE.sub("", _BR_RE.sub(" ", s))
    return s.strip(), heading


def _is_row_line(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def _has_value(cells: list[str]) -> bool:
    return any(c and is_value_text(c) for c in cells)


def _generic_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    generic = [c for c in filled if _GENERIC_RE.match(compact(c))]
    return bool(filled) and 2 * len(generic) >= len(filled) and any(re.search(r"\d", c) for c in generic)


def flat_row_cells(line: str, *, strict: bool = False) -> list[str]:
    """Cut a line of table text that sits outside a table into cells.

    A label followed by space-separated values (``行政许可 97``) is a row whose
    cells a converter joined with spaces; a line of values alone is a row
    whose label is elsewhere; anything else is one label cell.

    Parameters
    ----------
    line : str
        One normalised line.
    strict : bool
        The line may be prose (PDF text outside the tables): take it as a row
        only if it has two values or more, or one value after a short label
        without sentence punctuation (a prose line wrapped after a number
        stays prose).

    Returns
    -------
    list of str
        The cells; a single cell when the line is not a row.

    >>> flat_row_cells("行政许可 97"), flat_row_cells("0 0 1"), flat_row_cells("2.申请人逾期未按收费")
    (['行政许可', '97'], ['0', '0', '1'], ['2.申请人逾期未按收费'])

    """
    m = _FLAT_ROW_RE.match(line)
    if not m or (m.group("label") and not _CJK_RE.search(m.group("label"))):
        return [line]
    label = m.group("label").strip()
    vals = m.group("vals").split()
    if strict and label and len(vals) < 2 and (len(label) > 20 or _PROSE_PUNCT_RE.search(label)):
        return [line]
    if strict and "。" in label:
        return [line]
    return ([label] if label else []) + vals


def _html_table_end(lines: list[str], start: int, limit: int = 5000) -> int | None:
    """Index of the line that closes the HTML table opened on ``lines[start]``."""
    depth = 0
    for j in range(start, min(len(lines), start + limit)):
        depth += len(_TABLE_OPEN_ANY_RE.findall(lines[j])) - len(_TABLE_CLOSE_RE.findall(lines[j]))
        if depth <= 0:
            return j
    return None


def _html_blocks(fragment: str, source: str, budget: Budget) -> list[Block]:
    """Read an HTML table embedded in a Markdown file with the HTML reader."""
    from .html import read_html

    try:
        return read_html(fragment, source=source, encoding=None, budget=budget).blocks
    except (NotAReportError, ReadError):
        return []


def read_markdown(text: str, *, source: str, encoding: str | None, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read converter Markdown into a :class:`~govreport.document.Document`.

    Parameters
    ----------
    text : str
        The Markdown text (decoded).
    source : str
        Name of the input, for messages.
    encoding : str or None
        The encoding the bytes were decoded with.
    budget : Budget, optional
        ``max_cells`` bounds the table cells read.

    Returns
    -------
    Document
        Form ``markdown``: table rows as ROW blocks (``table``/``row`` set),
        other lines as LINE blocks, in reading order.

    Raises
    ------
    NotAReportError
        The text is empty.
    BudgetExceededError
        The tables hold more cells than ``budget.max_cells``.

    """
    original = text
    lines = normalize_text(text).split("\n")
    # Reading order: ("line", text) and ("row", cells, header?) items; a blank
    # line is None (it ends a table, as in GFM).
    items: list[tuple | None] = []
    n_cells = 0
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        close = _html_table_end(lines, i - 1) if _TABLE_OPEN_RE.match(s) else None
        if close is not None:
            items.append(None)
            last_table = None
            for b in _html_blocks("\n".join(lines[i - 1 : close + 1]), source, budget):
                if b.kind == ROW:
                    if b.table != last_table:
                        items.append(None)
                    n_cells += len(b.cells)
                    items.append(("row", b.cells, b.table != last_table))
                    last_table = b.table
                else:
                    items.append(("line", b.cells[0]))
                    last_table = None
            items.append(None)
            i = close + 1
        elif _SEP_RE.match(s) and "-" in s and ("|" in s or (items and items[-1] and items[-1][0] == "row")):
            # the row just above is a table's header: a new table starts there
            if items and items[-1] is not None and items[-1][0] == "row":
                items[-1] = ("row", items[-1][1], True)
        elif _is_row_line(s):
            cells = _split_cells(s)
            n_cells += len(cells)
            items.append(("row", cells, False))
        elif not s or _RULE_RE.match(s):
            items.append(None)
        else:
            clean, heading = _clean_line(s)
            if clean:
                items.append(("heading" if heading else "line", clean))
        if n_cells > budget.max_cells:
            raise BudgetExceededError(source, f"Markdown tables hold more than {budget.max_cells:,} cells")

    # Cut the rows into tables (a header row starts a new one) and the text
    # lines into paragraphs (a blank line, a table or a heading ends one).
    tables: list[dict] = []
    seq: list[tuple] = []  # ("para", [lines]) | ("table", dict)
    caption: str | None = None
    after_table = False
    cur: dict | None = None
    para: list[str] | None = None

    def close_caption():
        nonlocal caption
        if caption is not None:
            seq.append(("para", [caption]))
            caption = None

    for it in items:
        if it is None:
            cur = para = None
            continue
        if it[0] == "row":
            _, cells, header = it
            para = None
            if cur is None or header:
                cur = {"rows": [], "header": header, "caption": caption, "after": after_table, "index": len(tables)}
                caption = None
                tables.append(cur)
                seq.append(("table", cur))
            cur["rows"].append(cells)
            after_table = True
            continue
        cur = None
        close_caption()
        after_table = False
        if it[0] == "heading":
            caption, para = it[1], None
        elif para is None:
            para = [it[1]]
            seq.append(("para", para))
        else:
            para.append(it[1])
    close_caption()

    blocks: list[Block] = []
    dropped: list[str] = []
    prev_width: int | None = None
    for k, (kind, obj) in enumerate(seq):
        if kind == "para":
            near_table = (k > 0 and seq[k - 1][0] == "table") or (k + 1 < len(seq) and seq[k + 1][0] == "table")
            spilled = near_table and all(len(ln) <= _SPILL_MAX and "。" not in ln for ln in obj)
            for ln in obj:
                blocks.append(Block(ROW, flat_row_cells(ln), 0) if spilled else Block(LINE, [ln], 0))
            prev_width = None
            continue
        width = max(len(r) for r in obj["rows"])
        for ri, cells in enumerate(obj["rows"]):
            if ri == 0 and obj["header"] and not _has_value(cells):
                if _generic_header(cells) or (obj["after"] and prev_width == width):
                    dropped.append(" | ".join(cells))
                    continue
            while cells and not cells[-1]:
                cells = cells[:-1]
            if not cells:
                continue
            if obj["caption"]:
                cells = [obj["caption"], *cells]
            blocks.append(Block(ROW, cells, 0, table=obj["index"], row=ri))
        prev_width = width
    if not blocks:
        raise NotAReportError(source, "the Markdown file holds no text")
    attrs: dict = {"dropped_headers": dropped} if dropped else {}
    title = next((it[1] for it in items if it is not None and it[0] == "heading"), None)
    if title and "报告" in title:
        attrs["title"] = title
    return Document.from_blocks(source, "markdown", encoding, original, blocks, attrs=attrs)

