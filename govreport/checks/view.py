"""What the checks read of a report, as plain Python built once per report.

The checks used to read the report's frames cell by cell; pandas look-ups
then cost far more than the checks themselves.  :class:`ReportView` gives
every check the same records, made once: for a :class:`govreport.Report`
straight from its extraction (the records hold exactly what the frames
hold), for any other object from its frames.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from .tables import Cells, frame_records

__all__ = ["ReportView", "view_of"]

_TABLES = {"table2": ("active", "row", "column"), "table3": ("requests", "row", "column"),
           "table4": ("reviews", "proceeding", "outcome")}  # fmt: skip
_DOUBT_KEYS = ("table", "row", "doubt", "detail")


def _missing_in_records():
    """Return what ``DataFrame.to_dict("records")`` gives for a missing string or Int64 value (None or NA)."""
    df = pd.DataFrame({"s": pd.array([None], dtype="string"), "i": pd.array([None], dtype="Int64")})
    rec = df.to_dict("records")[0]
    return rec["s"], rec["i"]


_NA_STR, _NA_INT = _missing_in_records()


class ReportView:
    """What the checks read of a report; figures are fetched once and may be unavailable.

    Parameters
    ----------
    report : Report or any object with ``report_id, requests, active,
        reviews, doubts, figures, text, year, template, table3_layout``.

    """

    def __init__(self, report):
        self._r = report
        self.figures_error: str | None = None
        self._cache: dict = {}
        from ..report import Report

        self._report = report if type(report) is Report else None

    def __getattr__(self, name):
        return getattr(self._r, name, None)

    @cached_property
    def figures(self) -> pd.DataFrame | None:
        """``report.figures``, or None (with :attr:`figures_error`) when it cannot be had."""
        try:
            fig = self._r.figures
        except Exception as exc:  # noqa: BLE001 - the figures module may be missing or fail; say so
            self.figures_error = f"{type(exc).__name__}: {exc}"
            return None
        if fig is None:
            self.figures_error = "no figures"
        return fig

    # -- tables -------------------------------------------------------------------
    def records(self, table: str) -> list[dict]:
        """Return the cells of ``table2``/``table3``/``table4`` as records (see :func:`frame_records`)."""
        got = self._cache.get(table)
        if got is None:
            attr, row, column = _TABLES[table]
            r = self._report
            if r is not None and r._is_own(attr):
                got = _cell_records(r, table)
            else:
                df = getattr(self, attr)  # may raise: the check that asked fails, the others go on
                got = [] if df is None or not len(df) else frame_records(df, row, column)
            self._cache[table] = got
        return got

    def cells(self, table: str) -> Cells:
        """Return the cells of a table as :class:`Cells` (made once)."""
        key = ("cells", table)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = Cells.from_records(self.records(table), table)
        return got

    def table_size(self, table: str) -> int:
        """How many cells the table has (its frame's length)."""
        return len(self.records(table))

    def doubt_records(self) -> list[dict]:
        """Return the report's doubts as records (``table, row, doubt, detail``), as ``doubts.to_dict("records")``."""
        got = self._cache.get("doubts")
        if got is None:
            r = self._report
            if r is not None and r._is_own("doubts") and all(type(d) is dict for d in r.extraction.doubts):
                got = [{k: _doubt_field(d.get(k)) for k in _DOUBT_KEYS} for d in r.extraction.doubts]
            else:
                doubts = getattr(self, "doubts", None)
                got = doubts.to_dict("records") if doubts is not None and len(doubts) else []
            self._cache["doubts"] = got
        return got

    # -- figures ------------------------------------------------------------------
    def figure_records(self) -> tuple[list[dict], set[str]] | None:
        """Return this year's figures as records with ``check_metric``, and the figures' columns.

        The records are :func:`govreport.checks.prose.prose_figures` as plain
        dicts; None if the figures are unavailable.
        """
        if "figures" in self._cache:
            return self._cache["figures"]
        from .prose import _prose_records

        fig = self.figures
        if fig is None:
            got = None
        else:
            r = self._report
            raw = r.__dict__.get("_figure_rows") if r is not None and r._is_own("figures") else None
            got = _prose_records(fig, raw)
        self._cache["figures"] = got
        return got

    # -- text ---------------------------------------------------------------------
    @cached_property
    def line_starts(self) -> list[int] | None:
        """Offsets where the lines of the report's text start (for line numbers)."""
        text = self._r.text if self._report is not None else getattr(self, "text", None)
        if text is None:
            return None
        out = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            out.append(i + 1)
            i = find("\n", i + 1)
        return out


def view_of(report) -> ReportView:
    """``report`` itself if it is a :class:`ReportView`, else a view of it."""
    return report if isinstance(report, ReportView) else ReportView(report)


def _doubt_field(v):
    if v is None or (type(v) is float and v != v):
        return _NA_STR
    return v if type(v) is str else str(v)


def _cell_records(report, table: str) -> list[dict]:
    """Return the records of a table straight from the extraction: what ``frame_records`` gives for its frame."""
    from ..report import (
        CERTAINTY,
        COL2_ORDER,
        COL3_ORDER,
        KINDS,
        OUTCOME_ORDER,
        PROC_ORDER,
        ROW2_ORDER,
        ROW3_ORDER,
        _int,
    )

    rows, cols = {"table2": (ROW2_ORDER, COL2_ORDER), "table3": (ROW3_ORDER, COL3_ORDER),
                  "table4": (PROC_ORDER, OUTCOME_ORDER)}[table]  # fmt: skip
    rows, cols, kinds, certs = set(rows), set(cols), set(KINDS), set(CERTAINTY)
    amounts = table == "table2"
    out = []
    for c in report._by_table.get(table, ()):
        cv = c.value
        v = cv.value
        if v is not None:
            v = float(v) if amounts else (v if type(v) is int else _int(v))
        line = c.line
        row_zh, column_zh = c.row_zh, c.column_zh
        out.append({
            "row": c.row if c.row in rows else "nan", "column": c.column if c.column in cols else "nan",
            "value": v, "kind": cv.kind if cv.kind in kinds else "nan",
            "certainty": cv.certainty if cv.certainty in certs else "nan",
            "line": line if line is not None else None,
            "candidates": " | ".join(str(x) for x in cv.candidates) if cv.candidates else None,
            "row_zh": _NA_STR if row_zh is None else row_zh if type(row_zh) is str else str(row_zh),
            "column_zh": _NA_STR if column_zh is None else column_zh if type(column_zh) is str else str(column_zh),
        })  # fmt: skip
    return out
