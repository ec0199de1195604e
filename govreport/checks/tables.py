"""Checks on the tables alone: the template's identities (tables 3 and 4) and table 2's values."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..templates import table2_templates, table3_layouts
from .registry import Term, identity, register, result

__all__ = ["Cells", "cell_ref"]

T3_APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"]
T3_LEGAL = T3_APPLICANTS[1:]
T3_FLOW = ("new_requests", "carried_over", "total", "carried_forward")
T4_PARTS = ("upheld", "corrected", "other", "pending")


def cell_ref(table: str, row: str, column: str, line=None) -> str:
    """``table3:new_requests/total@line 28`` — where a cell is.

    >>> cell_ref("table3", "total", "natural_person", 51)
    'table3:total/natural_person@line 51'
    >>> cell_ref("table4", "review", "total", None)
    'table4:review/total@missing'
    """
    if line is None:
        where = "missing"
    elif type(line) is int:
        where = f"line {line}"
    else:
        where = f"line {int(line)}" if not pd.isna(line) else "missing"
    return f"{table}:{row}/{column}@{where}"


class Cells:
    """Look-up of one table's cells by (row, column) from a tidy frame.

    Parameters
    ----------
    frame : DataFrame
        ``Report.requests`` (row/column), ``Report.reviews``
        (proceeding/outcome) or ``Report.active`` (row/column).
    table : str
        ``table2``, ``table3`` or ``table4`` (for the cell references).

    """

    def __init__(self, frame: pd.DataFrame | None, table: str, row: str = "row", column: str = "column"):
        recs = [] if frame is None or not len(frame) else frame_records(frame, row, column)
        self._setup(recs, table)

    @classmethod
    def from_records(cls, records: list[dict], table: str) -> Cells:
        """Cells from :func:`frame_records`-style records (keys ``row``, ``column``, ``value``, ``kind`` …)."""
        self = cls.__new__(cls)
        self._setup(records, table)
        return self

    def _setup(self, records: list[dict], table: str) -> None:
        self.table = table
        self.data: dict[tuple[str, str], dict] = {}
        self._terms: dict[tuple[str, str], Term] = {}
        rows: dict[str, None] = {}
        columns: dict[str, None] = {}
        data = self.data
        for rec in records:
            r, c = rec["row"], rec["column"]
            data[(r, c)] = rec
            rows[r] = None
            columns[c] = None
        self.rows: list[str] = list(rows)
        self.columns: list[str] = list(columns)
        self._rowset = rows

    def __bool__(self) -> bool:
        return bool(self.data)

    def has_row(self, row: str) -> bool:
        """Whether any cell of ``row`` was extracted."""
        return row in self._rowset

    def term(self, row: str, column: str) -> Term:
        """Return the cell as a :class:`~govreport.checks.registry.Term` (``missing`` when absent)."""
        key = (row, column)
        t = self._terms.get(key)
        if t is None:
            rec = self.data.get(key)
            if rec is None:
                t = Term(cell_ref(self.table, row, column), None, "missing", "unknown")
            else:
                t = Term(cell_ref(self.table, row, column, rec["line"]), rec["value"], rec["kind"], rec["certainty"])
            self._terms[key] = t
        return t


def _na(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def frame_records(frame: pd.DataFrame, row: str = "row", column: str = "column") -> list[dict]:
    """Return a tidy table frame as plain records.

    Each record has ``row``, ``column`` (as strings), ``value`` (None when
    missing), ``kind``, ``certainty`` (strings), ``line``, ``candidates`` (a
    string or None) and the raw ``row_zh``/``column_zh`` where the frame has them.
    """
    out = []
    for rec in frame.to_dict("records"):
        v = rec.get("value")
        line = rec.get("line")
        cand = rec.get("candidates")
        d = {
            "row": str(rec[row]), "column": str(rec[column]), "value": None if _na(v) else v,
            "kind": str(rec.get("kind")), "certainty": str(rec.get("certainty")), "line": None if _na(line) else line,
            "candidates": cand if isinstance(cand, str) else None,
        }  # fmt: skip
        for k in ("row_zh", "column_zh"):  # for table 2's messages, as the frame holds them
            if k in rec:
                d[k] = rec[k]
        out.append(d)
    return out


# --- table 3 ------------------------------------------------------------------------


def _layout_rows(report, cells: Cells):
    layout = getattr(report, "table3_layout", None) or ("2019" if cells.has_row("other_handled") else "2021")
    return table3_layouts()[layout]


def _outcome_rows(report, cells: Cells) -> tuple[list[str], list[str]]:
    """Return the rows summed into (七)总计 and the template rows missing for it."""
    rows = _layout_rows(report, cells)
    groups: dict[str, list[str]] = {}
    singles: list[str] = []
    for r in rows:
        if r.key in T3_FLOW:
            continue
        if r.group is None:
            singles.append(r.key)
        elif not r.is_group:
            groups.setdefault(r.group, []).append(r.key)
    use, missing = [k for k in singles if cells.has_row(k)], [k for k in singles if not cells.has_row(k)]
    for group, items in groups.items():
        printed = [k for k in items if cells.has_row(k)]
        if not printed and cells.has_row(group):
            use.append(group)  # only the group total is printed
        else:
            use.extend(printed)
            missing.extend(k for k in items if not cells.has_row(k))
    return use, missing


def _view(report):
    from .view import view_of

    return view_of(report)


def _t3(report) -> Cells:
    return _view(report).cells("table3")


def _t3_columns(cells: Cells) -> list[str]:
    cols = [*T3_APPLICANTS, "total"]
    if "legal_subtotal" in cells.columns:
        cols.insert(6, "legal_subtotal")
    return cols


def _no_table(check_id: str, table: str) -> Iterator[dict]:
    yield result(check_id, table, "not-assessable", message=f"{table} was not found in the report")


@register("T3.balance")
def t3_balance(report) -> Iterator[dict]:
    """本年新收 + 上年结转 = (七)总计 + 结转下年度继续办理, per column."""
    cells = _t3(report)
    if not cells:
        yield from _no_table("T3.balance", "table3")
        return
    term = cells.term
    for col in _t3_columns(cells):
        yield identity(
            "T3.balance", col,
            [term("new_requests", col), term("carried_over", col)],
            [term("total", col), term("carried_forward", col)],
            formula=f"{col}: 本年新收 + 上年结转 = (七)总计 + 结转下年度",
        )  # fmt: skip


@register("T3.total_is_sum")
def t3_total_is_sum(report) -> Iterator[dict]:
    """(七)总计 = the sum of the outcome rows, per column."""
    view = _view(report)
    cells = view.cells("table3")
    if not cells:
        yield from _no_table("T3.total_is_sum", "table3")
        return
    use, missing = _outcome_rows(view, cells)
    term = cells.term
    for col in _t3_columns(cells):
        parts = [term(k, col) for k in use] + [term(k, col) for k in missing]
        yield identity("T3.total_is_sum", col, [term("total", col)], parts,
                       formula=f"{col}: (七)总计 = Σ {len(use) + len(missing)} outcome rows")  # fmt: skip


@register("T3.group_sum")
def t3_group_sum(report) -> Iterator[dict]:
    """Each printed group row = the sum of its items, per column."""
    view = _view(report)
    cells = view.cells("table3")
    if not cells:
        yield from _no_table("T3.group_sum", "table3")
        return
    rows = _layout_rows(view, cells)
    groups = [r.key for r in rows if r.is_group and cells.has_row(r.key)]
    if not groups:
        yield result("T3.group_sum", "table3", "not-assessable",
                     message="no group row (不予公开, 无法提供, 不予处理, 其他处理) prints its own values")  # fmt: skip
        return
    term = cells.term
    for g in groups:
        items = [r.key for r in rows if r.group == g and not r.is_group]
        for col in _t3_columns(cells):
            yield identity("T3.group_sum", f"{g}/{col}", [term(g, col)], [term(k, col) for k in items],
                           formula=f"{g}/{col}: group = Σ {len(items)} items")  # fmt: skip


@register("T3.row_sum")
def t3_row_sum(report) -> Iterator[dict]:
    """总计 = 自然人 + the five 法人或其他组织 columns (and 小计 = the five), per row."""
    cells = _t3(report)
    if not cells:
        yield from _no_table("T3.row_sum", "table3")
        return
    subtotal = "legal_subtotal" in cells.columns
    term = cells.term
    for row in cells.rows:
        yield identity("T3.row_sum", row, [term(row, "total")], [term(row, c) for c in T3_APPLICANTS],
                       formula=f"{row}: 总计 = 自然人 + 5 法人或其他组织")  # fmt: skip
        if subtotal:
            yield identity("T3.row_sum", f"{row}/legal_subtotal", [term(row, "legal_subtotal")],
                           [term(row, c) for c in T3_LEGAL], formula=f"{row}: 小计 = 5 法人或其他组织")  # fmt: skip


# --- table 4 ------------------------------------------------------------------------


@register("T4.total")
def t4_total(report) -> Iterator[dict]:
    """总计 = 维持 + 纠正 + 其他 + 尚未审结 for each proceeding."""
    cells = _view(report).cells("table4")
    if not cells:
        yield from _no_table("T4.total", "table4")
        return
    for proc in ("review", "suit_direct", "suit_after_review"):
        yield identity("T4.total", proc, [cells.term(proc, "total")], [cells.term(proc, o) for o in T4_PARTS],
                       formula=f"{proc}: 总计 = 维持 + 纠正 + 其他 + 尚未审结")  # fmt: skip


# --- table 2 ------------------------------------------------------------------------

_T2_KINDS: dict = {}


def _t2_kinds() -> dict[tuple[str, str, str], str]:
    if not _T2_KINDS:
        _T2_KINDS.update({(t, r.key, c.key): c.kind for t, rows in table2_templates().items() for r in rows for c in r.columns})
    return _T2_KINDS


def _t2_cells(report) -> list[dict]:
    """Table 2's cells as records with ``col_kind`` (count, amount, increment), ``ref`` and ``v`` (float or None)."""
    view = _view(report)
    got = view._cache.get("t2_cells")
    if got is not None:
        return got
    recs = view.records("table2")
    kinds = _t2_kinds()
    template = getattr(view, "template", None) or "2021"
    out = []
    for rec in recs:
        rec = dict(rec)
        rec["col_kind"] = kinds.get((template, rec["row"], rec["column"]), "count")
        rec["ref"] = cell_ref("table2", rec["row"], rec["column"], rec["line"])
        v = rec["value"]
        rec["v"] = None if v is None else float(v)
        out.append(rec)
    view._cache["t2_cells"] = out
    return out


def _t2_pass(check_id: str, n: int, what: str) -> dict:
    return result(check_id, "table2", "pass", message=f"{n} table-2 cells checked: {what}")


@register("T2.negative")
def t2_negative(report) -> Iterator[dict]:
    """No negative count or amount in table 2 (increments excepted)."""
    cells = [c for c in _t2_cells(report) if c["col_kind"] != "increment" and c["v"] is not None]
    if not cells:
        yield from _no_table("T2.negative", "table2")
        return
    bad = [c for c in cells if c["v"] < 0]
    for c in bad:
        yield result("T2.negative", f"{c['row']}/{c['column']}", "fail", c["v"], 0, [c["ref"]],
                     f"{c['row_zh']} {c['column_zh']} printed {c['v']:g} (negative)")  # fmt: skip
    if not bad:
        yield _t2_pass("T2.negative", len(cells), "none negative")


@register("T2.non_integer")
def t2_non_integer(report) -> Iterator[dict]:
    """Check that counts in table 2 are integers."""
    cells = [c for c in _t2_cells(report) if c["col_kind"] in ("count", "increment") and c["v"] is not None]
    if not cells:
        yield from _no_table("T2.non_integer", "table2")
        return
    bad = [c for c in cells if c["v"] != int(c["v"])]
    for c in bad:
        yield result("T2.non_integer", f"{c['row']}/{c['column']}", "fail", c["v"], int(c["v"]), [c["ref"]],
                     f"{c['row_zh']} {c['column_zh']} is a count but printed {c['v']:g}")  # fmt: skip
    if not bad:
        yield _t2_pass("T2.non_integer", len(cells), "every count an integer")


@register("T2.empty")
def t2_empty(report) -> Iterator[dict]:
    """Table-2 cells printed empty or not applicable."""
    cells = _t2_cells(report)
    if not cells:
        yield from _no_table("T2.empty", "table2")
        return
    bad = [c for c in cells if c["kind"] in ("empty", "n/a")]
    for c in bad:
        printed = "printed empty" if c["kind"] == "empty" else "printed 不适用"
        yield result("T2.empty", f"{c['row']}/{c['column']}", "fail", cells=[c["ref"]],
                     message=f"{c['row_zh']} {c['column_zh']} {printed}: 0 or not applicable?")  # fmt: skip
    if not bad:
        yield _t2_pass("T2.empty", len(cells), "none empty")
