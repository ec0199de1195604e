"""The typed report and its tidy frames."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import pandas as pd

from .document import Document
from .extract.tables import Cell, Extraction
from .templates import table2_templates, table3_columns, table3_layouts, table4_columns

__all__ = ["Report", "ROW3_ORDER", "COL3_ORDER", "FRAME_COLUMNS"]

# Every table-3 row key of every layout, in one template order, so frames of
# 2019 and 2021 reports concatenate with the same categories.
ROW3_ORDER: list[str] = []
for _rows in (table3_layouts()["2021"], table3_layouts()["2019"]):
    for _r in _rows:
        if _r.key not in ROW3_ORDER:
            ROW3_ORDER.append(_r.key)
ROW3_ORDER.remove("other_handled")
ROW3_ORDER.insert(ROW3_ORDER.index("other"), "other_handled")
COL3_ORDER = [c["key"] for c in table3_columns()]
COL3_ORDER.insert(6, "legal_subtotal")
ROW2_ORDER: list[str] = []
COL2_ORDER: list[str] = []
for _t in ("2021", "2019"):
    for _r in table2_templates()[_t]:
        if _r.key not in ROW2_ORDER:
            ROW2_ORDER.append(_r.key)
        for _c in _r.columns:
            if _c.key not in COL2_ORDER:
                COL2_ORDER.append(_c.key)
PROC_ORDER = list(dict.fromkeys(c.proceeding for c in table4_columns()))
OUTCOME_ORDER = list(dict.fromkeys(c.outcome for c in table4_columns()))
KINDS = ["number", "zero", "empty", "n/a", "ambiguous", "unknown", "missing"]
CERTAINTY = ["printed", "recovered", "ambiguous", "unknown"]
GROUPS = {r.key: (r.group or "") for rows in table3_layouts().values() for r in rows}

_PROV = ["printed_label", "line", "cell", "page", "mechanism"]
FRAME_COLUMNS = {
    "requests": ["report_id", "row", "row_zh", "group", "column", "column_zh", "value", "kind", "certainty", "candidates", *_PROV],
    "active": ["report_id", "block", "row", "row_zh", "column", "column_zh", "value", "count", "amount", "unit", "kind", "certainty", "candidates", *_PROV],
    "reviews": ["report_id", "proceeding", "proceeding_zh", "outcome", "outcome_zh", "value", "kind", "certainty", "candidates", *_PROV],
}


def _cat(values, order):
    return pd.Categorical(values, categories=order, ordered=True)


def _candidates(c: Cell):
    return " | ".join(str(v) for v in c.value.candidates) if c.value.candidates else None


# --- fast column builders ---------------------------------------------------------------
# The frames are built once per report on the corpus path: the builders below make the
# same arrays as ``pd.array(values, dtype=…)`` / ``pd.Categorical(values, categories=…)``
# without pandas' inference (values are checked; anything unusual takes the slow path).

_CAT_DTYPES: dict[tuple, pd.CategoricalDtype] = {}
_CODES: dict[tuple, dict] = {}


def _cat_dtype(order, ordered: bool = True) -> tuple[pd.CategoricalDtype, dict]:
    key = (tuple(order), ordered)
    dt = _CAT_DTYPES.get(key)
    if dt is None:
        dt = _CAT_DTYPES[key] = pd.CategoricalDtype(list(order), ordered=ordered)
        _CODES[key] = {v: i for i, v in enumerate(order)}
    return dt, _CODES[key]


def _cat_fast(values: list, order) -> pd.Categorical:
    """``pd.Categorical(values, categories=order, ordered=True)`` (values not in ``order`` are NaN)."""
    dt, codes = _cat_dtype(order)
    if not all(type(v) is str or v is None for v in values):
        return _cat(values, list(order))
    get = codes.get
    arr = np.fromiter((get(v, -1) if v is not None else -1 for v in values), dtype=np.int8 if len(codes) < 127 else np.int16,
                      count=len(values))  # fmt: skip
    return pd.Categorical.from_codes(arr, dtype=dt, validate=False)


def _cat_inferred(values: list) -> pd.Categorical:
    """``pd.Categorical(values)``: categories are the sorted distinct values."""
    if not values or not all(type(v) is str for v in values):
        return pd.Categorical(values)
    dt, codes = _cat_dtype(sorted(set(values)), ordered=False)
    get = codes.__getitem__
    arr = np.fromiter((get(v) for v in values), dtype=np.int8 if len(codes) < 127 else np.int16, count=len(values))
    return pd.Categorical.from_codes(arr, dtype=dt, validate=False)


def _str_array(values: list):
    """``pd.array(values, dtype="string")``."""
    dt = pd.StringDtype()
    return dt.construct_array_type()._from_sequence(values, dtype=dt)


def _int_array(values: list):
    """``pd.array(values, dtype="Int64")`` for Python ints and None."""
    if not all(type(v) is int or v is None for v in values):
        return pd.array(values, dtype="Int64")
    n = len(values)
    mask = np.fromiter((v is None for v in values), dtype=bool, count=n)
    data = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=n)
    return pd.arrays.IntegerArray(data, mask)


def _float_array(values: list):
    """``pd.array(values, dtype="Float64")`` for Python floats and None (NaN is missing too)."""
    if not all(type(v) is float or v is None for v in values):
        return pd.array(values, dtype="Float64")
    n = len(values)
    data = np.fromiter((np.nan if v is None else v for v in values), dtype=np.float64, count=n)
    mask = np.isnan(data)
    data[mask] = 0.0
    return pd.arrays.FloatingArray(data, mask)


def _frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame(columns)


@dataclass
class Report:
    """One annual report as read.

    Use :func:`govreport.read_report` to make one.  Tables come as tidy frames
    (:attr:`requests`, :attr:`active`, :attr:`reviews`) whose every value is
    what the report prints, with its kind (number, zero, empty …), its
    certainty (printed, recovered, ambiguous, unknown) and where it came from
    (line, cell, page).
    """

    document: Document
    extraction: Extraction
    meta: dict = field(default_factory=dict)

    # -- identity ---------------------------------------------------------
    @property
    def source(self) -> str:
        """Where the report came from."""
        return self.document.source

    @property
    def original(self) -> str:
        """The text as decoded, before normalisation."""
        return self.document.original

    @property
    def text(self) -> str:
        """The normalised text."""
        return self.document.text

    @property
    def agency(self) -> str | None:
        """The agency as printed in the title (normalised)."""
        return self.meta.get("agency")

    @property
    def year(self) -> int | None:
        """The report year (the year reported on, not the year published)."""
        return self.meta.get("year")

    @property
    def template(self) -> str | None:
        """``2021`` or ``2019`` (from table 2); see :attr:`table3_layout`."""
        return self.extraction.template

    @property
    def table3_layout(self) -> str | None:
        """The layout of table 3 (``2019``: one 其他处理 row)."""
        return self.extraction.table3_layout

    @cached_property
    def report_id(self) -> str:
        """A stable id: a hash of the normalised text."""
        return hashlib.blake2b(self.document.text.encode("utf-8"), digest_size=8).hexdigest()

    # -- frames ----------------------------------------------------------
    def _cells(self, table: str) -> list[Cell]:
        return [c for c in self.extraction.cells if c.table == table]

    def cells_records(self) -> list[dict]:
        """Every extracted cell as a plain dict (table, row, column, value …)."""
        return [
            {
                "table": c.table, "row": c.row, "column": c.column, "value": c.value.value, "kind": c.value.kind,
                "certainty": c.value.certainty, "unit": c.value.unit, "line": c.line, "cell": c.cell, "page": c.page,
            }
            for c in self.extraction.cells
        ]

    def _prov(self, cells: list[Cell]) -> dict:
        return {
            "printed_label": pd.array([c.printed_label or None for c in cells], dtype="string"),
            "line": pd.array([c.line for c in cells], dtype="Int64"),
            "cell": pd.array([c.cell for c in cells], dtype="Int64"),
            "page": pd.array([c.page for c in cells], dtype="Int64"),
            "mechanism": pd.Categorical([c.mechanism for c in cells]),
        }

    def _common(self, cells: list[Cell]) -> dict:
        return {
            "kind": _cat([c.value.kind for c in cells], KINDS),
            "certainty": _cat([c.value.certainty for c in cells], CERTAINTY),
            "candidates": pd.array([_candidates(c) for c in cells], dtype="string"),
        }

    @cached_property
    def requests(self) -> pd.DataFrame:
        """Table 3, tidy: one row per (row, applicant column)."""
        cells = self._cells("table3")
        df = pd.DataFrame(
            {
                "report_id": pd.array([self.report_id] * len(cells), dtype="string"),
                "row": _cat([c.row for c in cells], ROW3_ORDER),
                "row_zh": pd.array([c.row_zh for c in cells], dtype="string"),
                "group": pd.array([GROUPS.get(c.row) or None for c in cells], dtype="string"),
                "column": _cat([c.column for c in cells], COL3_ORDER),
                "column_zh": pd.array([c.column_zh for c in cells], dtype="string"),
                "value": pd.array([_int(c.value.value) for c in cells], dtype="Int64"),
                **self._common(cells),
                **self._prov(cells),
            }
        )
        return df[FRAME_COLUMNS["requests"]]

    def requests_wide(self, *, fill_empty: bool = False) -> pd.DataFrame:
        """Table 3 as printed: rows × applicant columns (25×7, or 23×7 for 2019).

        Empty, ambiguous and unknown cells are ``<NA>``; ``fill_empty=True``
        fills *empty* cells (printed blank, —, /) with 0 and says so in
        ``DataFrame.attrs['filled']``.
        """
        df = self.requests
        if fill_empty:
            df = df.assign(value=df["value"].mask(df["kind"] == "empty", 0))
        wide = df.pivot(index="row", columns="column", values="value")
        wide = wide.loc[[r for r in wide.index if r in set(df["row"])], [c for c in COL3_ORDER if c in set(df["column"])]]
        wide.attrs["filled"] = "empty cells filled with 0" if fill_empty else None
        return wide

    @cached_property
    def active(self) -> pd.DataFrame:
        """Table 2 (主动公开), tidy: counts as integers, amounts as decimals with their unit."""
        cells = self._cells("table2")
        rows = {r.key: r for t in table2_templates().values() for r in t if t[0].template == (self.template or "2021")}
        kinds = {(r.key, c.key): c for r in rows.values() for c in r.columns}
        count, amount, unit = [], [], []
        for c in cells:
            col = kinds.get((c.row, c.column))
            is_amount = col is not None and col.kind == "amount"
            v = c.value.value
            count.append(None if is_amount else _int(v))
            amount.append(Decimal(v) if (is_amount and v is not None) else None)
            unit.append((c.value.unit or col.unit) if col is not None else c.value.unit)
        import pyarrow as pa

        df = pd.DataFrame(
            {
                "report_id": pd.array([self.report_id] * len(cells), dtype="string"),
                "block": pd.array([rows[c.row].block if c.row in rows else None for c in cells], dtype="string"),
                "row": _cat([c.row for c in cells], ROW2_ORDER),
                "row_zh": pd.array([c.row_zh for c in cells], dtype="string"),
                "column": _cat([c.column for c in cells], COL2_ORDER),
                "column_zh": pd.array([c.column_zh for c in cells], dtype="string"),
                "value": pd.array([float(c.value.value) if c.value.value is not None else None for c in cells], dtype="Float64"),
                "count": pd.array(count, dtype="Int64"),
                "amount": pd.array(amount, dtype=pd.ArrowDtype(pa.decimal128(38, 10))),
                "unit": pd.array(unit, dtype="string"),
                **self._common(cells),
                **self._prov(cells),
            }
        )
        return df[FRAME_COLUMNS["active"]]

    @cached_property
    def reviews(self) -> pd.DataFrame:
        """Table 4 (行政复议、行政诉讼), tidy: one row per proceeding × outcome."""
        cells = self._cells("table4")
        df = pd.DataFrame(
            {
                "report_id": pd.array([self.report_id] * len(cells), dtype="string"),
                "proceeding": _cat([c.row for c in cells], PROC_ORDER),
                "proceeding_zh": pd.array([c.row_zh for c in cells], dtype="string"),
                "outcome": _cat([c.column for c in cells], OUTCOME_ORDER),
                "outcome_zh": pd.array([c.column_zh for c in cells], dtype="string"),
                "value": pd.array([_int(c.value.value) for c in cells], dtype="Int64"),
                **self._common(cells),
                **self._prov(cells),
            }
        )
        return df[FRAME_COLUMNS["reviews"]]

    @cached_property
    def legacy(self) -> pd.DataFrame:
        """Pre-2019 reports: the old statistics table (indicator, unit, this year, cumulative)."""
        cells = self._cells("legacy")
        df = pd.DataFrame(
            {
                "report_id": pd.array([self.report_id] * len(cells), dtype="string"),
                "indicator": pd.array([c.row for c in cells], dtype="string"),
                "unit": pd.array([c.row_zh for c in cells], dtype="string"),
                "column": _cat([c.column for c in cells], ["this_year", "cumulative"]),
                "column_zh": pd.array([c.column_zh for c in cells], dtype="string"),
                "value": pd.array([float(c.value.value) if c.value.value is not None else None for c in cells], dtype="Float64"),
                **self._common(cells),
                **self._prov(cells),
            }
        )
        return df

    @cached_property
    def doubts(self) -> pd.DataFrame:
        """Where extraction is unsure: ambiguous rows, recovered rows, rows not found."""
        df = pd.DataFrame(self.extraction.doubts, columns=["table", "row", "doubt", "detail"])
        df.insert(0, "report_id", self.report_id)
        return df.astype("string")

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Figures stated in the prose (see :mod:`govreport.figures`)."""
        from .figures import extract_figures

        df = extract_figures(self.text, year=self.year)
        df.insert(0, "report_id", self.report_id)
        return df

    @cached_property
    def checks(self) -> pd.DataFrame:
        """The checks catalogue run on this report (see :mod:`govreport.checks`)."""
        from .checks import run_checks

        return run_checks(self)

    def info(self) -> dict:
        """Metadata as one flat dict (one row of ``Corpus.reports``)."""
        n_unsure = sum(1 for c in self.extraction.cells if c.value.certainty in ("ambiguous", "unknown"))
        return {
            "report_id": self.report_id,
            "source": self.source,
            "form": self.document.form,
            "encoding": self.document.encoding,
            "collapsed_crawl": self.document.collapsed,
            "template": self.template,
            "table3_layout": self.table3_layout,
            "subtotal_column": self.extraction.subtotal_column,
            "cells": len(self.extraction.cells),
            "cells_unsure": n_unsure,
            **self.meta,
        }

    # -- display ----------------------------------------------------------
    def __repr__(self) -> str:
        return f"<Report {self.agency or '?'} {self.year or '?'} template={self.template} form={self.document.form} source={self.source!r}>"

    def _repr_html_(self) -> str:
        e = html.escape
        info = self.info()
        head = (
            f"<h4>{e(str(info.get('agency') or '?'))} · {e(str(info.get('year') or '?'))}</h4>"
            f"<p>template {e(str(self.template))} · form {e(self.document.form)} · source {e(self.source)}"
            f" · division {e(str(info.get('division_code') or '—'))} {e(' '.join(x for x in (info.get('province'), info.get('city'), info.get('county')) if x))}</p>"
        )
        parts = [head]
        try:
            from .checks import summary

            parts.append(f"<pre>{e(summary(self.checks))}</pre>")
        except Exception:  # noqa: BLE001 - a repr must never raise
            pass
        wide = self.requests_wide()
        parts.append("<h5>三、收到和处理政府信息公开申请情况 (requests)</h5>" + wide.to_html(escape=True, na_rep="—"))
        act = self.active[["row_zh", "column_zh", "value", "unit", "certainty"]]
        parts.append("<h5>二、主动公开政府信息情况 (active disclosure)</h5>" + act.to_html(escape=True, index=False, na_rep="—"))
        rev = self.reviews.pivot(index="proceeding_zh", columns="outcome_zh", values="value")
        parts.append("<h5>四、行政复议、行政诉讼 (reviews)</h5>" + rev.to_html(escape=True, na_rep="—"))
        return "<div class='govreport'>" + "".join(parts) + "</div>"


def _int(v):
    if v is None:
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else None
    return int(v)
