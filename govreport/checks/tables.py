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
    where = f"line {int(line)}" if line is not None and not pd.isna(line) else "missing"
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

    def __init__(self, frame: pd.DataFrame, table: str, row: str = "row", column: str = "column"):
        self.table = table
        self.data: dict[tuple[str, str], dict] = {}
        self.rows: list[str] = []
        self.columns: list[str] = []
        if frame is None or not len(frame):
            return
        for rec in frame.to_dict("records"):
            r, c = str(rec[row]), str(rec[column])
            self.data[(r, c)] = rec
            if r not in self.rows:
                self.rows.append(r)
            if c not in self.columns:
                self.columns.append(c)

    def __bool__(self) -> bool:
        return bool(self.data)

    def has_row(self, row: str) -> bool:
        """Whether any cell of ``row`` was extracted."""
        return row in self.rows

    def term(self, row: str, column: str) -> Term:
        """Return the cell as a :class:`~govreport.checks.registry.Term` (``missing`` when absent)."""
        rec = self.data.get((row, column))
        if rec is None:
            return Term(cell_ref(self.table, row, column), None, "missing", "unknown")
        v = rec.get("value")
        v = None if v is None or pd.isna(v) else v
        return Term(cell_ref(self.table, row, column, rec.get("line")), v, str(rec.get("kind")), str(rec.get("certainty")))


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


def _t3(report) -> Cells:
    return Cells(report.requests, "table3")


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
    for col in _t3_columns(cells):
        yield identity(
            "T3.balance", col,
            [cells.term("new_requests", col), cells.term("carried_over", col)],
            [cells.term("total", col), cells.term("carried_forward", col)],
            formula=f"{col}: 本年新收 + 上年结转 = (七)总计 + 结转下年度",
        )  # fmt: skip


@register("T3.total_is_sum")
def t3_total_is_sum(report) -> Iterator[dict]:
    """(七)总计 = the sum of the outcome rows, per column."""
    cells = _t3(report)
    if not cells:
        yield from _no_table("T3.total_is_sum", "table3")
        return
    use, missing = _outcome_rows(report, cells)
    for col in _t3_columns(cells):
        parts = [cells.term(k, col) for k in use] + [cells.term(k, col) for k in missing]
        yield identity("T3.total_is_sum", col, [cells.term("total", col)], parts,
                       formula=f"{col}: (七)总计 = Σ {len(use) + len(missing)} outcome rows")  # fmt: skip


@register("T3.group_sum")
def t3_group_sum(report) -> Iterator[dict]:
    """Each printed group row = the sum of its items, per column."""
    cells = _t3(report)
    if not cells:
        yield from _no_table("T3.group_sum", "table3")
        return
    rows = _layout_rows(report, cells)
    groups = [r.key for r in rows if r.is_group and cells.has_row(r.key)]
    if not groups:
        yield result("T3.group_sum", "table3", "not-assessable",
                     message="no group row (不予公开, 无法提供, 不予处理, 其他处理) prints its own values")  # fmt: skip
        return
    for g in groups:
        items = [r.key for r in rows if r.group == g and not r.is_group]
        for col in _t3_columns(cells):
            yield identity("T3.group_sum", f"{g}/{col}", [cells.term(g, col)], [cells.term(k, col) for k in items],
                           formula=f"{g}/{col}: group = Σ {len(items)} items")  # fmt: skip


@register("T3.row_sum")
def t3_row_sum(report) -> Iterator[dict]:
    """总计 = 自然人 + the five 法人或其他组织 columns (and 小计 = the five), per row."""
    cells = _t3(report)
    if not cells:
        yield from _no_table("T3.row_sum", "table3")
        return
    subtotal = "legal_subtotal" in cells.columns
    for row in cells.rows:
        yield identity("T3.row_sum", row, [cells.term(row, "total")], [cells.term(row, c) for c in T3_APPLICANTS],
                       formula=f"{row}: 总计 = 自然人 + 5 法人或其他组织")  # fmt: skip
        if subtotal:
            yield identity("T3.row_sum", f"{row}/legal_subtotal", [cells.term(row, "legal_subtotal")],
                           [cells.term(row, c) for c in T3_LEGAL], formula=f"{row}: 小计 = 5 法人或其他组织")  # fmt: skip


# --- table 4 ------------------------------------------------------------------------


@register("T4.total")
def t4_total(report) -> Iterator[dict]:
    """总计 = 维持 + 纠正 + 其他 + 尚未审结 for each proceeding."""
    cells = Cells(report.reviews, "table4", "proceeding", "outcome")
    if not cells:
        yield from _no_table("T4.total", "table4")
        return
    for proc in ("review", "suit_direct", "suit_after_review"):
        yield identity("T4.total", proc, [cells.term(proc, "total")], [cells.term(proc, o) for o in T4_PARTS],
                       formula=f"{proc}: 总计 = 维持 + 纠正 + 其他 + 尚未审结")  # fmt: skip


# --- table 2 ------------------------------------------------------------------------


def _t2_kinds() -> dict[tuple[str, str, str], str]:
    return {(t, r.key, c.key): c.kind for t, rows in table2_templates().items() for r in rows for c in r.columns}


def _t2_cells(report) -> list[dict]:
    a = report.active
    if a is None or not len(a):
        return []
    kinds = _t2_kinds()
    template = getattr(report, "template", None) or "2021"
    out = []
    for rec in a.to_dict("records"):
        rec = dict(rec)
        rec["col_kind"] = kinds.get((template, str(rec["row"]), str(rec["column"])), "count")
        rec["ref"] = cell_ref("table2", rec["row"], rec["column"], rec.get("line"))
        v = rec.get("value")
        rec["v"] = None if v is None or pd.isna(v) else float(v)
        out.append(rec)
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
    bad = [c for c in cells if str(c["kind"]) in ("empty", "n/a")]
    for c in bad:
        printed = "printed empty" if str(c["kind"]) == "empty" else "printed 不适用"
        yield result("T2.empty", f"{c['row']}/{c['column']}", "fail", cells=[c["ref"]],
                     message=f"{c['row_zh']} {c['column_zh']} {printed}: 0 or not applicable?")  # fmt: skip
    if not bad:
        yield _t2_pass("T2.empty", len(cells), "none empty")
