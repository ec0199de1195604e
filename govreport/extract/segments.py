"""Cut a document's blocks into segments: a row label and the values after it.

A *piece* is one printed value (or an empty cell).  Its ``sep`` says how it
was separated from the previous piece:

``cell``   a cell boundary the source kept (table cell, `` | ``, a line break);
``space``  only a space (flattened crawls, PDF text);
``none``   nothing: digits run together with their neighbours.

Structured segments come from table rows, whose empty cells are kept as
pieces; unstructured ones from text lines, where a crawl may have dropped,
merged or split cells.  The solver decides what the pieces mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import ROW, Document
from ..normalize import compact
from ..values import EMPTY_MARKS, is_value_text

__all__ = ["Piece", "Segment", "segments", "has_cjk"]

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_SIGN_ONLY = {"增", "减", "+", "-", "增加", "减少"}
_UNIT_ONLY = {"万", "万元", "元"}
# A run of value characters inside a flattened line.  Digits directly before
# 年/月/日/号/条/项/起/期 … belong to the label (2019年, 第20条), and a single
# digit before "." + label is an item number ("8.属于行政查询事项").
_RUN_RE = re.compile(r"(?:[+\-])?\d[\d,\s.]*?(?:万元|万|元)?(?=$|[^\d,.\s])")
_LABEL_DIGIT_AFTER = set("年月日号条项起期季届次级类个家份")
# A label line that starts a new row label rather than continuing one.
_LABEL_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+条|[(（][一二三四五六七八九十]+[)）]|\d{1,2}\.)")
_ITEM_RE = re.compile(r"^\d{1,2}\.$")


def _starts_label(text: str) -> bool:
    """A line that opens a new label (heading, item) or is prose, not a continuation."""
    return bool(_LABEL_START_RE.match(text)) or "。" in text or len(text) > 80


def has_cjk(s: str) -> bool:
    """True if ``s`` holds a CJK ideograph."""
    return bool(_CJK_RE.search(s))


@dataclass(slots=True)
class Piece:
    """One value as printed, with how it was separated from the one before."""

    text: str
    sep: str
    block: int
    line: int
    cell: int | None = None
    page: int | None = None


@dataclass(slots=True)
class Segment:
    """A row label (its parts as printed) and the value pieces after it."""

    labels: list[str]
    pieces: list[Piece] = field(default_factory=list)
    structured: bool = False
    block: int = 0
    line: int = 0
    page: int | None = None

    @property
    def label(self) -> str:
        """The label parts joined, without white space."""
        return compact("".join(self.labels))

    @property
    def printed_label(self) -> str:
        """The label parts joined as printed (with white space)."""
        return "".join(self.labels)


def _label_cells(cells: list[str]) -> int:
    """Index of the last cell that holds a label (CJK text that is not a value)."""
    last = -1
    for i, c in enumerate(cells):
        if c and has_cjk(c) and not is_value_text(c):
            last = i
    return last


def _dedupe(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if c and (not out or out[-1] != c):
            out.append(c)
    return out


_HEADING_SPLIT_RE = re.compile(r"(?=[一二三四五六]、|第二十条第)")


def _split_headings(label: str) -> list[tuple[str, str]]:
    return [("label", p.strip()) for p in _HEADING_SPLIT_RE.split(label) if p.strip()]


def _split_flat(line: str) -> list[tuple[str, str]]:
    """Split a flattened line into ('label'|'value', text) runs.

    >>> _split_flat("规章000行政规范性文件8855698第二十条")
    [('label', '规章'), ('value', '000'), ('label', '行政规范性文件'), ('value', '8855698'), ('label', '第二十条')]
    >>> _split_flat("6.属于四类过程性信息60000068.属于行政查询事项0 0 0")
    [('label', '6.属于四类过程性信息'), ('value', '6000006'), ('label', '8.属于行政查询事项'), ('value', '0 0 0')]
    >>> _split_flat("对外公开总数量(2019年起)12")
    [('label', '对外公开总数量(2019年起)'), ('value', '12')]
    """
    out: list[tuple[str, str]] = []
    pos = 0
    label_buf = ""
    for m in _RUN_RE.finditer(line):
        s, e = m.span()
        run = m.group(0)
        after = line[e : e + 1]
        before = line[s - 1 : s] if s > 0 else ""
        stripped = run.rstrip()
        # digits belonging to the label: 2019年, 第1项, (单位:万元) …
        if after in _LABEL_DIGIT_AFTER and not stripped.endswith(("万元", "万", "元")):
            continue
        if before and before.isascii() and before.isalpha():
            continue
        label_buf += line[pos:s]
        item = ""
        if after == "、" and not stripped.endswith("."):
            # "… 76424 2、政府公报公开": the last number is the next label's item number
            toks = stripped.split()
            if len(toks) > 1:
                item, stripped = toks[-1], " ".join(toks[:-1])
            elif len(stripped) > 1:
                item, stripped = stripped[-1], stripped[:-1]
            else:
                continue
        elif stripped.endswith(".") and after and has_cjk(after):
            # "…0000006" + "8." item number of the next label
            digits = stripped[:-1].rstrip()
            if len(digits) >= 1:
                item = digits[-1] + "."
                stripped = digits[:-1].rstrip()
        if label_buf.strip():
            out.extend(_split_headings(label_buf))
            label_buf = ""
        if stripped.strip(" ,."):
            out.append(("value", stripped.strip()))
        label_buf = item
        pos = e
    label_buf += line[pos:]
    if label_buf.strip():
        out.extend(_split_headings(label_buf))
    return out


def segments(doc: Document, start: int = 0, end: int | None = None, *, flat: bool | None = None) -> list[Segment]:
    """Cut blocks ``start:end`` of ``doc`` into segments.

    Parameters
    ----------
    flat : bool, optional
        Split text lines into label and value runs (cells run together).
        Defaults to True for ``text-flat`` documents.
    """
    if flat is None:
        flat = doc.form in ("text-flat",)
    blocks = doc.blocks[start:end]
    out: list[Segment] = []
    cur: Segment | None = None

    def new(labels, structured, bi, b):
        nonlocal cur
        cur = Segment(list(labels), [], structured, bi, b.line, b.page)
        out.append(cur)

    for bi, b in enumerate(blocks, start=start):
        if b.kind == ROW:
            cells = [c.strip() for c in b.cells]
            li = _label_cells(cells)
            if li >= 0:
                new(_dedupe(cells[: li + 1]), True, bi, b)
                vals = cells[li + 1 :]
            else:
                # values alone continue the segment above only within one source table
                if cur is None or (b.table is not None and doc.blocks[cur.block].table != b.table):
                    new([], True, bi, b)
                vals = cells
                cur.structured = True
            for ci, c in enumerate(vals, start=li + 1):
                cur.pieces.append(Piece(c, "cell", bi, b.line, ci, b.page))
            continue
        text = b.cells[0]
        if not text:
            continue
        if is_value_text(text) and not has_cjk(text.strip("增减万元")):
            if cur is None:
                new([], False, bi, b)
            if text in _UNIT_ONLY and cur.pieces:
                cur.pieces[-1].text += text
            elif text in EMPTY_MARKS:
                cur.pieces.append(Piece(text, "cell", bi, b.line, None, b.page))
            else:
                if cur.pieces and cur.pieces[-1].text in _SIGN_ONLY:
                    cur.pieces[-1].text += text
                else:
                    cur.pieces.append(Piece(text, "cell", bi, b.line, None, b.page))
            continue
        if _ITEM_RE.match(text):
            runs = [("label", text)]
        else:
            runs = _split_flat(text) if (flat or not has_cjk(text)) else [("label", text)]
        first = True
        for kind, t in runs:
            if kind == "label":
                if cur is not None and not cur.pieces and not cur.structured and not (first and _starts_label(t)) and not _starts_label(cur.labels[-1] if cur.labels and "。" in cur.labels[-1] else ""):
                    cur.labels.append(t)
                else:
                    new([t], False, bi, b)
            else:
                if cur is None:
                    new([], False, bi, b)
                sep = "cell" if first else "none"
                cur.pieces.append(Piece(t, sep, bi, b.line, None, b.page))
            first = False
    return out
