"""Extraction doubts, kept apart from the agency's mistakes (kind ``extraction``)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .registry import register, result
from .tables import cell_ref

_TABLES = (("table2", "active", "row", "column"), ("table3", "requests", "row", "column"), ("table4", "reviews", "proceeding", "outcome"))


def _frames(view) -> Iterator[tuple[str, pd.DataFrame, str, str]]:
    for table, attr, row, col in _TABLES:
        df = getattr(view, attr, None)
        yield table, (df if df is not None else pd.DataFrame()), row, col


@register("DOUBT.ambiguous")
def doubt_ambiguous(view) -> Iterator[dict]:
    """Cells with several readings, or none."""
    n_cells, found = 0, False
    for table, df, rowc, colc in _frames(view):
        if not len(df):
            continue
        n_cells += len(df)
        unsure = df[df["certainty"].astype(str).isin(["ambiguous", "unknown"]) | df["kind"].astype(str).isin(["ambiguous", "unknown"])]
        for row, grp in unsure.groupby(unsure[rowc].astype(str), sort=False):
            found = True
            refs = [cell_ref(table, row, r[colc], r["line"]) for r in grp.to_dict("records")]
            cands = [f"{r[colc]}: {r['candidates']}" for r in grp.to_dict("records") if isinstance(r["candidates"], str)]
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
    doubts = getattr(view, "doubts", None)
    mech: dict[str, set[str]] = {}
    if doubts is not None and len(doubts):
        for rec in doubts.to_dict("records"):
            d = str(rec.get("doubt"))
            if d.startswith("recovered"):
                mech.setdefault(str(rec["table"]), set()).add(d.removeprefix("recovered").strip(" ()"))
    n_cells, found = 0, False
    for table, df, rowc, _ in _frames(view):
        if not len(df):
            continue
        n_cells += len(df)
        rec_cells = df[df["certainty"].astype(str) == "recovered"]
        if not len(rec_cells):
            continue
        found = True
        rows = list(dict.fromkeys(rec_cells[rowc].astype(str)))
        refs = [cell_ref(table, r, "*", rec_cells.loc[rec_cells[rowc].astype(str) == r, "line"].iloc[0]) for r in rows]
        how = ", ".join(sorted(mech.get(table, set()))) or "arithmetic"
        yield result("DOUBT.recovered", table, "fail", len(rec_cells), 0, refs,
                     f"{len(rec_cells)} cell(s) in {len(rows)} row(s) of {table} recovered ({how}): the values satisfy "
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
    doubts = getattr(view, "doubts", None)
    missing: dict[str, list[str]] = {}
    if doubts is not None and len(doubts):
        for rec in doubts.to_dict("records"):
            if str(rec.get("doubt")) in ("row not found", "table not found"):
                missing.setdefault(str(rec["table"]), []).append(f"{rec['row']} ({rec['detail']})")
    for table, df, _, _ in _frames(view):
        if not len(df) and table not in missing:
            missing[table] = ["no cells"]
    for table, rows in missing.items():
        yield result("DOUBT.incomplete", table, "fail", len(rows), 0, [f"{table}:{r.split(' ')[0]}@missing" for r in rows],
                     f"{table}: not found: " + ", ".join(rows))  # fmt: skip
    if not missing:
        yield result("DOUBT.incomplete", "tables", "pass", 0, 0, message="tables 2, 3 and 4 found with every template row")
