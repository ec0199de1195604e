"""Find tables 2, 3 and 4 in a document and read their cells, per template.

One generic extractor: the template's label maps (``govreport/templates``)
say which rows and columns to expect; :mod:`.segments` cuts the document into
labelled runs of values; :mod:`.solver` turns each run into cells.  Nothing
here knows about a particular template.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Document
from ..errors import TableNotFoundError
from ..normalize import compact
from ..templates import Row2, Row3, table2_templates, table3_layouts, table4_columns
from ..values import CellValue, Kind
from .segments import Segment, segments
from .solver import MAX_READINGS, Reading, choose, row_readings

__all__ = ["Cell", "Extraction", "extract_tables", "find_regions"]

_H2 = re.compile(r"^二、.{0,8}主动公开|^第二十条第\(一\)项")
_H3 = re.compile(r"^三、.{0,6}收到和处理|本列数据的勾稽关系")
_H3_ROW = re.compile(r"本年度?新收")
_H4 = re.compile(r"^[三四]、.{0,24}(复议|诉讼)")  # Shanghai 2024 renumbers the tables
_H5 = re.compile(r"^[五六]、")
_SUBTOTAL = re.compile(r"小计")


@dataclass(slots=True)
class Cell:
    """One extracted cell with where it came from."""

    table: str
    row: str
    row_zh: str
    column: str
    column_zh: str
    value: CellValue
    line: int | None
    cell: int | None
    page: int | None
    mechanism: str
    printed_label: str = ""


@dataclass(slots=True)
class Extraction:
    """What extraction found: the cells, the template and the doubts."""

    template: str | None
    table3_layout: str | None
    cells: list[Cell] = field(default_factory=list)
    doubts: list[dict] = field(default_factory=list)
    subtotal_column: bool = False


def _last_start(pattern: re.Pattern, s: str) -> int:
    return _last_start_cached(pattern, s) if len(s) <= 256 else _last_start_cached.__wrapped__(pattern, s)


@lru_cache(maxsize=65536)
def _last_start_cached(pattern: re.Pattern, s: str) -> int:
    best = -1
    for m in pattern.finditer(s):
        best = m.start()
    return best


def _match_rows(segs: list[Segment], rows, *, first_max: int = 3) -> dict[str, tuple[int, Segment]]:
    """Match segments to template rows: the heaviest chain in document and template order.

    A candidate is (segment, row) where the row's label pattern matches the
    segment's label; a segment with values weighs 3, a label alone 1, plus a
    little for the pattern whose match starts latest (the most specific
    label).  The chosen matches increase in both document order and template
    order, and the first must be one of the first ``first_max`` rows.
    """
    cands = []
    for si, seg in enumerate(segs):
        s = seg.label
        if not s:
            continue
        has_values = any(p.text for p in seg.pieces)
        found = []
        for r in rows:
            if getattr(r, "is_group", False) and not has_values:
                continue
            pos = _last_start(r.match, s)
            if pos >= 0:
                found.append((pos, r))
        if found:
            best_pos = max(p for p, _ in found)
            for pos, r in found:
                cands.append((si, r, (3 if has_values else 1) + (0.01 if pos == best_pos else 0) - r.order * 1e-6))
    neg = float("-inf")
    best: list[tuple[float, int | None]] = []
    for i, (si, r, w) in enumerate(cands):
        top = (w if r.order <= first_max else neg, None)
        for j in range(i):
            sj, rj, _ = cands[j]
            if sj < si and rj.order < r.order and best[j][0] > neg and best[j][0] + w > top[0]:
                top = (best[j][0] + w, j)
        best.append(top)
    if not best or max(b[0] for b in best) == neg:
        return {}
    i = max(range(len(best)), key=lambda k: best[k][0])
    matched = {}
    while i is not None:
        si, r, _ = cands[i]
        matched[r.key] = (si, segs[si])
        i = best[i][1]
    return dict(sorted(matched.items(), key=lambda kv: kv[1][0]))


def find_regions(doc: Document, segs: list[Segment]) -> dict[str, tuple[int, int]]:
    """Segment index ranges of tables 2, 3 and 4 (from the section headings)."""
    idx: dict[str, int] = {}
    for i, seg in enumerate(segs):
        parts = [compact(p) for p in seg.labels] or [""]
        parts += [a + b for a, b in zip(parts, parts[1:], strict=False)]  # a heading's number on its own line
        s = seg.label
        if "h2" not in idx and any(_H2.search(p) for p in parts):
            idx["h2"] = i
        if "h3" not in idx and (any(_H3.search(p) for p in parts) or (_H3_ROW.search(s) and any(p.text for p in seg.pieces))):
            idx["h3"] = i
        if "h3" in idx and "h4" not in idx and i > idx["h3"] and any(_H4.search(p) for p in parts):
            idx["h4"] = i
        if "h4" in idx and "h5" not in idx and i > idx["h4"] and any(_H5.search(p) for p in parts):
            # a stray section-5 heading inside table 4 (the table's header follows it)
            nxt = "".join(seg.labels[1:]) + (segs[i + 1].label if i + 1 < len(segs) else "")
            if not re.search(r"行政复议|行政诉讼|结果维持", nxt):
                idx["h5"] = i
    n = len(segs)
    h3 = idx.get("h3")
    h4 = idx.get("h4")
    h2 = idx.get("h2")
    regions = {}
    if h3 is not None:
        regions["table3"] = (h3, h4 if h4 is not None else n)
        regions["table2"] = (h2 if h2 is not None and h2 < h3 else max(0, h3 - 40), h3 + 1)
    else:
        regions["table3"] = (0, n)
        regions["table2"] = (h2 if h2 is not None else 0, n)
    if h4 is not None:
        regions["table4"] = (h4, idx.get("h5", n))
    return regions


def _t3_identity(ncols: int):
    if ncols == 8:  # natural, 5 legal, subtotal, total
        return lambda c: all(x.is_number for x in c) and sum(x.value for x in c[1:6]) == c[6].value and c[0].value + c[6].value == c[7].value
    return lambda c: all(x.is_number for x in c) and sum(x.value for x in c[:6]) == c[6].value


def _t4_identity(c):
    if not all(x.is_number for x in c):
        return False
    return all(sum(x.value for x in c[g : g + 4]) == c[g + 4].value for g in (0, 5, 10))


def _choose_layout(segs) -> tuple[str, dict]:
    best = None
    for name, rows in table3_layouts().items():
        m = _match_rows(segs, rows)
        score = sum(1 for k in m if not any(r.key == k and r.is_group for r in rows))
        if best is None or score > best[0]:
            best = (score, name, m)
    return best[1], best[2]


def _col_value(r: Reading, k: int) -> list:
    return [c[k].value if c[k].is_number else None for c in r.candidates]


def _global_filter(readings: dict[str, Reading], rows: tuple[Row3, ...], ncols: int) -> dict[str, list]:
    """Keep the combinations of row readings that satisfy the column identities."""
    keys = [k for k, r in readings.items() if len(r.candidates) > 1]
    if not keys:
        return {k: r.candidates for k, r in readings.items()}
    combos = 1
    for k in keys:
        combos *= len(readings[k].candidates)
    if combos > MAX_READINGS * 4:
        return {k: r.candidates for k, r in readings.items()}
    outcome = [r.key for r in rows if r.key.startswith(("granted", "partly", "withheld_", "unable_", "rejected_", "other_"))]
    kept: dict[str, list] = {k: [] for k in keys}
    found = False
    for choice in itertools.product(*(readings[k].candidates for k in keys)):
        pick = {k: readings[k].candidates[0] for k in readings}
        pick.update(dict(zip(keys, choice, strict=True)))
        if _columns_hold(pick, outcome, ncols):
            found = True
            for k, c in zip(keys, choice, strict=True):
                if c not in kept[k]:
                    kept[k].append(c)
    out = {k: r.candidates for k, r in readings.items()}
    if found:
        out.update(kept)
    return out


def _v(row, col):
    if row is None:
        return 0
    c = row[col]
    if c.is_number:
        return c.value
    if c.kind in (Kind.EMPTY, Kind.MISSING):
        return 0
    raise TypeError


def _columns_hold(pick: dict, outcome: list[str], ncols: int) -> bool:
    for col in range(ncols):
        try:
            new = _v(pick.get("new_requests"), col)
            old = _v(pick.get("carried_over"), col)
            tot = _v(pick.get("total"), col)
            fwd = _v(pick.get("carried_forward"), col)
            if new + old != tot + fwd:
                return False
            present = [k for k in outcome if k in pick]
            if present and "total" in pick and sum(_v(pick[k], col) for k in present) != tot:
                return False
        except TypeError:
            return False
    return True


def _extract_table3(doc: Document, segs: list[Segment], region, out: Extraction) -> None:
    lo, hi = region
    tsegs = segs[lo:hi]
    layout, matched = _choose_layout(tsegs)
    if "new_requests" not in matched or len(matched) < 4:
        raise TableNotFoundError(doc.source, "table 3 (收到和处理政府信息公开申请情况) not found: its row labels (本年新收 … 结转下年度继续办理) are not in the text")
    out.table3_layout = layout
    first = matched["new_requests"][0]
    header_text = "".join(s.label for s in tsegs[: first + 1])
    ncols = 8 if _SUBTOTAL.search(header_text) else 7
    out.subtotal_column = ncols == 8
    rows = table3_layouts()[layout]
    identity = _t3_identity(ncols)
    readings: dict[str, Reading] = {}
    blanks_in_play = any(not seg.structured and not any(p.text for p in seg.pieces) for _, seg in matched.values())
    for r in rows:
        if r.key not in matched:
            continue
        _, seg = matched[r.key]
        rd = row_readings(seg.pieces, ncols, structured=seg.structured, collapsed=doc.collapsed and not blanks_in_play, identity=identity)
        if blanks_in_play and rd.mechanism.startswith("collapsed"):
            rd = row_readings(seg.pieces, ncols, structured=False, collapsed=False, identity=identity)
        readings[r.key] = rd
    final = _global_filter(readings, rows, ncols)
    cols = _t3_column_keys(ncols)
    for r in rows:
        if r.key not in matched:
            if not r.is_group and not (r.key == "other" and layout == "2021"):
                out.doubts.append({"table": "table3", "row": r.key, "doubt": "row not found", "detail": r.label_zh})
            continue
        _, seg = matched[r.key]
        rd = readings[r.key]
        cells = _whole(choose(final[r.key], rd.mechanism))
        if len(final[r.key]) > 1:
            out.doubts.append({"table": "table3", "row": r.key, "doubt": "ambiguous", "detail": f"{len(final[r.key])} readings of {' '.join(p.text for p in rd.pieces)!r}"})
        elif rd.mechanism not in ("direct", "blank"):
            out.doubts.append({"table": "table3", "row": r.key, "doubt": f"recovered ({rd.mechanism})", "detail": " / ".join(p.text for p in rd.pieces)})
        for k, (ck, czh) in enumerate(cols):
            p = _piece_for(rd, k, ncols)
            out.cells.append(Cell("table3", r.key, r.label_zh, ck, czh, cells[k], p.line if p else seg.line, p.cell if p else None, p.page if p else seg.page, rd.mechanism, seg.printed_label))


def _whole(cells: tuple[CellValue, ...]) -> tuple[CellValue, ...]:
    """Tables 3 and 4 count requests and cases: a fraction printed there (12.5) is unknown.

    Kept as a number it would be a printed cell whose value the Int64 frame
    cannot hold: silently ``<NA>``, with no doubt raised.
    """
    out = []
    for c in cells:
        if c.is_number and c.value != int(c.value):
            c = CellValue(None, Kind.UNKNOWN, c.raw, c.unit, "unknown")
        out.append(c)
    return tuple(out)


def _t3_column_keys(ncols: int):
    from ..templates import table3_columns

    cols = [(c["key"], c["label_zh"]) for c in table3_columns()]
    if ncols == 8:
        cols.insert(6, ("legal_subtotal", "小计"))
    return cols


def _piece_for(rd: Reading, k: int, ncols: int):
    vals = [p for p in rd.pieces if p.text or rd.mechanism == "direct"]
    if rd.mechanism == "direct" and len(vals) >= ncols:
        return vals[k]
    return vals[0] if vals else None


def _choose_t2_template(segs) -> str:
    text = "".join(s.label for s in segs)
    score = {}
    for name, rows in table2_templates().items():
        cols = {c for r in rows for c in r.columns}
        score[name] = sum(1 for c in cols if c.match.search(text)) + sum(1 for r in rows if r.match.search(text))
    return max(score, key=lambda k: (score[k], k == "2021"))


def _extract_table2(doc: Document, segs: list[Segment], region, out: Extraction) -> None:
    lo, hi = region
    tsegs = segs[lo:hi]
    template = _choose_t2_template(tsegs)
    out.template = template
    rows: tuple[Row2, ...] = table2_templates()[template]
    matched = _match_rows(tsegs, rows, first_max=len(rows))
    for r in rows:
        if r.key not in matched:
            out.doubts.append({"table": "table2", "row": r.key, "doubt": "row not found", "detail": r.label_zh})
            continue
        _, seg = matched[r.key]
        amounts = [c.kind == "amount" for c in r.columns]
        rd = row_readings(seg.pieces, len(r.columns), structured=seg.structured, collapsed=doc.collapsed, amounts=amounts)
        cells = choose(rd.candidates, rd.mechanism)
        if len(rd.candidates) > 1:
            out.doubts.append({"table": "table2", "row": r.key, "doubt": "ambiguous", "detail": f"{len(rd.candidates)} readings of {' '.join(p.text for p in rd.pieces)!r}"})
        for k, col in enumerate(r.columns):
            p = _piece_for(rd, k, len(r.columns))
            out.cells.append(Cell("table2", r.key, r.label_zh, col.key, col.label_zh, cells[k], p.line if p else seg.line, p.cell if p else None, p.page if p else seg.page, rd.mechanism, seg.printed_label))


def _extract_table4(doc: Document, segs: list[Segment], region, out: Extraction) -> None:
    cols = table4_columns()
    if region is None:
        out.doubts.append({"table": "table4", "row": "reviews", "doubt": "table not found", "detail": "四、…行政复议、行政诉讼情况"})
        return
    lo, hi = region
    pieces = []
    structured = False
    for seg in segs[lo:hi]:
        pieces.extend(seg.pieces)
        structured = structured or seg.structured
    if structured:
        vals = [p for p in pieces if p.text]
        # a table-4 value row is 15 cells; header rows carry no values
        pieces = vals if len(vals) == 15 else [p for p in pieces]
        if len(vals) != 15:
            rd = row_readings(vals, 15, structured=False, collapsed=doc.collapsed, identity=_t4_identity)
        else:
            rd = row_readings(vals, 15, structured=True, collapsed=False)
    else:
        rd = row_readings(pieces, 15, structured=False, collapsed=doc.collapsed, identity=_t4_identity)
    cells = _whole(choose(rd.candidates, rd.mechanism))
    if len(rd.candidates) > 1:
        out.doubts.append({"table": "table4", "row": "reviews", "doubt": "ambiguous", "detail": f"{len(rd.candidates)} readings"})
    elif rd.mechanism not in ("direct", "blank"):
        out.doubts.append({"table": "table4", "row": "reviews", "doubt": f"recovered ({rd.mechanism})", "detail": " / ".join(p.text for p in rd.pieces)})
    for k, col in enumerate(cols):
        p = _piece_for(rd, k, 15)
        out.cells.append(Cell("table4", col.proceeding, col.proceeding_zh, col.outcome, col.outcome_zh, cells[k], p.line if p else None, p.cell if p else None, p.page if p else None, rd.mechanism))


def extract_tables(doc: Document) -> Extraction:
    """Extract tables 2, 3 and 4 from ``doc``.

    Raises
    ------
    TableNotFoundError
        When table 3 cannot be found.
    """
    segs = segments(doc)
    regions = find_regions(doc, segs)
    out = Extraction(None, None)
    _extract_table3(doc, segs, regions["table3"], out)
    _extract_table2(doc, segs, regions["table2"], out)
    _extract_table4(doc, segs, regions.get("table4"), out)
    return out
