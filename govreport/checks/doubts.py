"""Extraction doubts, kept apart from the agency's mistakes (kind ``extraction``)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .registry import register, result
from .tables import cell_ref
from .view import view_of

_TABLES = (("table2", "active", "row", "column"), ("table3", "requests", "row", "column"), ("table4", "reviews", "proceeding", "outcome"))


def _frames(view) -> Iterator[tuple[str, pd.DataFrame, str, str]]:
    for table, attr, row, col in _TABLES:
        df = getattr(view, attr, None)
        yield table, (df if df is not None else pd.DataFrame()), row, col


def _tables(view) -> Iterator[tuple[str, list[dict]]]:
    """Each table's cells as records (the view's, see :mod:`govreport.checks.view`)."""
    v = view_of(view)
    for table, _, _, _ in _TABLES:
        yield table, v.records(table)


_UNSURE = frozenset({"ambiguous", "unknown"})


@register("DOUBT.ambiguous")
def doubt_ambiguous(view) -> Iterator[dict]:
    """Cells with several readings, or none."""
    n_cells, found = 0, False
    for table, recs in _tables(view):
        if not recs:
            continue
        n_cells += len(recs)
        groups: dict[str, list[dict]] = {}
        for r in recs:
            if r["certainty"] in _UNSURE or r["kind"] in _UNSURE:
                groups.setdefault(r["row"], []).append(r)
        for row, grp in groups.items():
            found = True
            refs = [cell_ref(table, row, r["column"], r["line"]) for r in grp]
            cands = [f"{r['column']}: {r['candidates']}" for r in grp if r["candidates"] is not None]
            msg = f"{len(grp)} cell(s) of {table} {row} not settled by the text"
            if cands:
                msg += " (readings " + "; ".join(cands) + ")"
            yield result("DOUBT.ambiguous", f"{table}:{row}", "fail", len(grp), 0, refs, msg)
    if not found:
        status = "pass" if n_cells else "not-assessable"
        yield result("DOUBT.ambiguous", "tables", status, 0 if n_cells else None, 0 if n_cells else None,
                     message=f"{n_cells} cells, every one settled" if n_cells else "no table cells")  # fmt: skip


@register("DOUBT.recovered")
def doubt_recovered(view) -> Iterator[dict]:
    """Cells whose positions were recovered from the template's arithmetic."""
    mech: dict[str, set[str]] = {}
    for rec in view_of(view).doubt_records():
        d = str(rec.get("doubt"))
        if d.startswith("recovered"):
            mech.setdefault(str(rec["table"]), set()).add(d.removeprefix("recovered").strip(" ()"))
    n_cells, found = 0, False
    for table, recs in _tables(view):
        if not recs:
            continue
        n_cells += len(recs)
        first_line: dict[str, object] = {}
        n_rec = 0
        for r in recs:
            if r["certainty"] == "recovered":
                n_rec += 1
                if r["row"] not in first_line:
                    first_line[r["row"]] = r["line"]
        if not n_rec:
            continue
        found = True
        refs = [cell_ref(table, row, "*", line) for row, line in first_line.items()]
        how = ", ".join(sorted(mech.get(table, set()))) or "arithmetic"
        yield result("DOUBT.recovered", table, "fail", n_rec, 0, refs,
                     f"{n_rec} cell(s) in {len(first_line)} row(s) of {table} recovered ({how}): the values satisfy "
                     "the identities by construction, their positions are our reading")  # fmt: skip
    if not found:
        status = "pass" if n_cells else "not-assessable"
        yield result("DOUBT.recovered", "tables", status, 0 if n_cells else None, 0 if n_cells else None,
                     message=f"{n_cells} cells, all read as printed" if n_cells else "no table cells")  # fmt: skip


@register("DOUBT.incomplete")
def doubt_incomplete(view) -> Iterator[dict]:
    """Tables or template rows not found (pre-2019 reports have no standard tables: not assessable)."""
    if str(getattr(view, "template", "")) == "pre-2019":
        yield result("DOUBT.incomplete", "tables", "not-assessable", None, None,
                     message="pre-2019 report: the standard tables did not exist yet")  # fmt: skip
        return
    missing: dict[str, list[str]] = {}
    for rec in view_of(view).doubt_records():
        if str(rec.get("doubt")) in ("row not found", "table not found"):
            missing.setdefault(str(rec["table"]), []).append(f"{rec['row']} ({rec['detail']})")
    for table, recs in _tables(view):
        if not recs and table not in missing:
            missing[table] = ["no cells"]
    for table, rows in missing.items():
        yield result("DOUBT.incomplete", table, "fail", len(rows), 0, [f"{table}:{r.split(' ')[0]}@missing" for r in rows],
                     f"{table}: not found: " + ", ".join(rows))  # fmt: skip
    if not missing:
        yield result("DOUBT.incomplete", "tables", "pass", 0, 0, message="tables 2, 3 and 4 found with every template row")
