"""Reports before 2019: the old statistics table (指标名称/计量单位/本年度/累计).

Before the 2019 template there were no fixed tables.  Many reports carried a
政府信息公开情况统计表 (or 附表) of indicators, each with a unit and one or
two values (this year, cumulative).  We read what is printed and invent no
standard table: the values go to ``Report.legacy``.
"""

from __future__ import annotations

import re

from ..document import Document
from .segments import Segment, segments
from .solver import choose, row_readings
from .tables import Cell

__all__ = ["extract_legacy"]

_HEADER = re.compile(r"指标名称|指标计量单位|^指标$")
_UNIT_END = re.compile(r"(人次|件次|万元|条|件|个|次|元|项|份|人|期|场|篇|家|万人次)$")
_THIS_YEAR = re.compile(r"(?:(?:19|20)\d{2}|本)年度|年末统计|本年")
_CUMULATIVE = re.compile(r"累计")
_ITEM = re.compile(r"^(?:其中[:：]?|\s|\d{1,2}\s*[.、]|[(（][一二三四五六七八九十\d]+[)）])+")


def _header_columns(text: str) -> list[tuple[str, str]]:
    cols = []
    m = _THIS_YEAR.search(text)
    if m:
        cols.append((m.start(), "this_year", m.group(0)))
    m = _CUMULATIVE.search(text)
    if m:
        cols.append((m.start(), "cumulative", "累计"))
    return [(k, zh) for _, k, zh in sorted(cols)]


def extract_legacy(doc: Document, segs: list[Segment] | None = None) -> list[Cell]:
    """Read the old statistics table, if the report prints one."""
    segs = segments(doc) if segs is None else segs
    out: list[Cell] = []
    start = None
    for i, seg in enumerate(segs):
        if any(_HEADER.search(p.replace(" ", "")) for p in seg.labels) or "指标名称" in seg.label:
            start = i
            break
    if start is None:
        return out
    head = segs[start].label
    # header text may run on into the first indicator's label
    cut = head.find("累计")
    cols = _header_columns(head if cut < 0 else head[: cut + 2])
    if not cols:
        cols = [("this_year", "本年度")]
    ncols = len(cols)
    first = True
    for seg in segs[start:]:
        label = seg.label
        if not first and ("。" in label or len(label) > 60):
            break
        if first:
            # the header's own segment: its indicator is what follows the column titles
            k = max(label.rfind("累计"), label.rfind("年末统计"), label.rfind("年度"))
            label = label[k + (4 if label[k:k + 4] == "年末统计" else 2):] if k >= 0 else label
            first = False
        if not seg.pieces:
            continue
        m = _UNIT_END.search(label)
        if not m:
            continue
        unit = m.group(1)
        indicator = _ITEM.sub("", label[: m.start()]).strip(" :：") or label[: m.start()]
        rd = row_readings(seg.pieces, ncols, structured=seg.structured, collapsed=doc.collapsed)
        if rd.mechanism == "partial" and len([p for p in seg.pieces if p.text]) == 1:
            # one value printed where two columns exist: the first (this year)
            rd = row_readings(seg.pieces[:1], 1, structured=True, collapsed=False)
            rd.candidates = [(*rd.candidates[0], *[c for c in _unknown(ncols - 1)])]
        cells = choose(rd.candidates, rd.mechanism)
        for k, (ck, czh) in enumerate(cols):
            p = seg.pieces[0] if seg.pieces else None
            out.append(Cell("legacy", indicator, unit, ck, czh, cells[k], p.line if p else seg.line, None, p.page if p else seg.page, rd.mechanism, seg.printed_label))
    return out


def _unknown(n):
    from ..values import CellValue, Kind

    return [CellValue(None, Kind.UNKNOWN, "", certainty="unknown")] * n
