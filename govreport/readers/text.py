"""Page text: cells joined by ``|``, one text node per line, or cells run together."""

from __future__ import annotations

import re

from ..document import LINE, ROW, Block, Document
from ..normalize import normalize_text
from ..values import is_value_text

__all__ = ["read_text"]

_LINE_RE = re.compile(r"[^\n]+")
_VALUE_LINE_RE = re.compile(r"^[+\-]?\s?\d[\d,.]*\s?(万元|万|元)?$")


def _is_row_line(line: str) -> bool:
    return line.count("|") >= 2


def read_text(text: str, *, source: str, encoding: str | None, original: str | None = None) -> Document:
    """Read crawled page text into a :class:`Document`.

    Three crawl forms are told apart from the content:

    ``text-pipes``
        each table row on one line, cells joined by `` | ``;
    ``text-lines``
        each HTML text node on its own line (tables one cell per line);
        ``collapsed`` is set when the crawl merged runs of identical lines;
    ``text-flat``
        table rows flattened with the cells run together.
    """
    original = text if original is None else original
    norm = normalize_text(text)
    blocks: list[Block] = []
    n_rows = 0
    for m in _LINE_RE.finditer(norm):  # the non-empty lines, without a list of them all
        ln = m.group()
        if _is_row_line(ln):
            cells = [c.strip() for c in ln.split("|")]
            # Markdown-style outer pipes: "| a | b |"
            if ln.startswith("|") and cells and cells[0] == "":
                cells = cells[1:]
            blocks.append(Block(ROW, cells, 0))
            n_rows += 1
        else:
            blocks.append(Block(LINE, [ln], 0))
    nonempty = [b.cells[0] for b in blocks if b.kind == LINE]
    value_lines = sum(1 for s in nonempty if _VALUE_LINE_RE.match(s) or is_value_text(s))
    if n_rows >= 5:
        form = "text-pipes"
    elif value_lines >= 10 and value_lines >= 0.15 * max(len(nonempty), 1):
        form = "text-lines"
    else:
        form = "text-flat"
    collapsed = False
    if form == "text-lines":
        repeats = sum(1 for a, b in zip(nonempty, nonempty[1:], strict=False) if a == b)
        collapsed = repeats == 0 and value_lines >= 10
    return Document.from_blocks(source, form, encoding, original, blocks, collapsed=collapsed)
