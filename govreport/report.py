"""The typed report and its tidy frames."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
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
_LEGACY_COLUMNS = ["this_year", "cumulative"]
_T2_ROWS: dict[str, tuple[dict, dict]] = {}


def _table2_rows(template: str) -> tuple[dict, dict]:
    """Rows of table 2 for ``template`` by key, and their columns by (row, column)."""
    got = _T2_ROWS.get(template)
    if got is None:
        rows = {r.key: r for t in table2_templates().values() for r in t if t[0].template == template}
        kinds = {(r.key, c.key): c for r in rows.values() for c in r.columns}
        got = _T2_ROWS[template] = (rows, kinds)
    return got


def _doubt_value(v):
    """Return a doubt field as ``DataFrame(...).astype("string")`` would hold it (missing: None)."""
    if v is None or (type(v) is float and v != v):
        return None
    return v

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


_STR_SETUP: list = [None, None, None]  # dtype, array class, arrow type of the direct path (None: no direct path)


def _str_setup(dt) -> list:
    cls = dt.construct_array_type()
    typ = None
    try:
        import pyarrow as pa

        ref = cls._from_sequence(["a", None], dtype=dt)
        t = ref._pa_array.type
        test = cls(pa.array(["a", None], type=t))
        if test.dtype == dt and test.equals(ref):
            typ = t
    except Exception:  # noqa: BLE001, S110 - python storage, or another pandas: the general path
        pass
    _STR_SETUP[:] = [dt, cls, typ]
    return _STR_SETUP


def _str_array(values: list):
    """``pd.array(values, dtype="string")``."""
    dt = pd.StringDtype()
    setup = _STR_SETUP if _STR_SETUP[0] == dt else _str_setup(dt)
    cls, typ = setup[1], setup[2]
    if typ is not None:
        import pyarrow as pa

        try:
            return cls(pa.array(values, type=typ))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            pass
    return cls._from_sequence(values, dtype=dt)


_NONE = type(None)
_INT_TYPES = frozenset({int, _NONE})


def _int_array(values: list):
    """``pd.array(values, dtype="Int64")`` for Python ints and None."""
    types = set(map(type, values))
    if not types <= _INT_TYPES:
        return pd.array(values, dtype="Int64")
    n = len(values)
    if _NONE not in types:
        return pd.arrays.IntegerArray(np.array(values, dtype=np.int64).reshape(n), np.zeros(n, dtype=bool))
    if types == {_NONE}:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    obj = np.array(values, dtype=object)
    mask = np.equal(obj, None)
    obj[mask] = 0
    return pd.arrays.IntegerArray(obj.astype(np.int64), mask)


def _float_array(values: list):
    """``pd.array(values, dtype="Float64")`` for Python floats and None (NaN is missing too)."""
    if not all(type(v) is float or v is None for v in values):
        return pd.array(values, dtype="Float64")
    n = len(values)
    data = np.fromiter((np.nan if v is None else v for v in values), dtype=np.float64, count=n)
    mask = np.isnan(data)
    data[mask] = 0.0
    return pd.arrays.FloatingArray(data, mask)


_EMPTY: dict[tuple, pd.DataFrame] = {}
_COLUMN_INDEX: dict[tuple, pd.Index] = {}


def _empty(name: str, build) -> pd.DataFrame:
    """Return a copy of the (cached) frame ``name`` without rows (its columns and dtypes as ever)."""
    key = (name, pd.StringDtype())
    df = _EMPTY.get(key)
    if df is None:
        df = _EMPTY[key] = build()
    return df.copy()


def _frame(columns: dict) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` for fresh extension arrays of one length (no copy, no checks)."""
    n = len(next(iter(columns.values())))
    names = tuple(columns)
    index = _COLUMN_INDEX.get(names)
    if index is None:
        index = _COLUMN_INDEX[names] = pd.Index(list(names))
    try:
        return pd.DataFrame._from_arrays(
            list(columns.values()), columns=index.view(), index=pd.RangeIndex(n), verify_integrity=False
        )
    except (AttributeError, TypeError):  # another pandas
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
    @cached_property
    def _by_table(self) -> dict[str, list[Cell]]:
        out: dict[str, list[Cell]] = {}
        for c in self.extraction.cells:
            lst = out.get(c.table)
            if lst is None:
                out[c.table] = [c]
            else:
                lst.append(c)
        return out

    def _cells(self, table: str) -> list[Cell]:
        return list(self._by_table.get(table, ()))

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
            "printed_label": _str_array([c.printed_label or None for c in cells]),
            "line": _int_array([c.line for c in cells]),
            "cell": _int_array([c.cell for c in cells]),
            "page": _int_array([c.page for c in cells]),
            "mechanism": _cat_inferred([c.mechanism for c in cells]),
        }

    def _common(self, cells: list[Cell]) -> dict:
        vals = [c.value for c in cells]
        return {
            "kind": _cat_fast([v.kind for v in vals], KINDS),
            "certainty": _cat_fast([v.certainty for v in vals], CERTAINTY),
            "candidates": _str_array([" | ".join(str(x) for x in v.candidates) if v.candidates else None for v in vals]),
        }

    def _frame_of(self, name: str, table: str) -> pd.DataFrame:
        cells = self._by_table.get(table)
        build = getattr(self, f"_{name}_frame")
        return self._own(name, build(cells) if cells else _empty(name, lambda: build([])))

    def _own(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """Remember ``df`` as the frame ``name`` built from the extraction.

        The checks then read the extraction directly, unless the attribute is set to another frame.
        """
        own = self.__dict__.get("_own_frames")
        if own is None:
            own = self.__dict__["_own_frames"] = {}
        own[name] = df
        return df

    def _is_own(self, name: str) -> bool:
        """Whether the frame ``name`` is (or will be) the one built from the extraction."""
        d = self.__dict__
        return name not in d or d[name] is d.get("_own_frames", {}).get(name)

    def _report_ids(self, n: int):
        return _str_array([self.report_id] * n)

    @cached_property
    def requests(self) -> pd.DataFrame:
        """Table 3, tidy: one row per (row, applicant column)."""
        return self._frame_of("requests", "table3")

    def _requests_frame(self, cells: list[Cell]) -> pd.DataFrame:
        return _frame(
            {
                "report_id": self._report_ids(len(cells)),
                "row": _cat_fast([c.row for c in cells], ROW3_ORDER),
                "row_zh": _str_array([c.row_zh for c in cells]),
                "group": _str_array([GROUPS.get(c.row) or None for c in cells]),
                "column": _cat_fast([c.column for c in cells], COL3_ORDER),
                "column_zh": _str_array([c.column_zh for c in cells]),
                "value": _int_array([v if type(v) is int else _int(v) for v in [c.value.value for c in cells]]),
                **self._common(cells),
                **self._prov(cells),
            }
        )

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
        return self._frame_of("active", "table2")

    def _active_frame(self, cells: list[Cell]) -> pd.DataFrame:
        rows, kinds = _table2_rows(self.template or "2021")
        count, amount, unit, value = [], [], [], []
        for c in cells:
            col = kinds.get((c.row, c.column))
            is_amount = col is not None and col.kind == "amount"
            v = c.value.value
            count.append(None if is_amount else _int(v))
            amount.append(Decimal(v) if (is_amount and v is not None) else None)
            unit.append((c.value.unit or col.unit) if col is not None else c.value.unit)
            value.append(float(v) if v is not None else None)
        import pyarrow as pa

        return _frame(
            {
                "report_id": self._report_ids(len(cells)),
                "block": _str_array([rows[c.row].block if c.row in rows else None for c in cells]),
                "row": _cat_fast([c.row for c in cells], ROW2_ORDER),
                "row_zh": _str_array([c.row_zh for c in cells]),
                "column": _cat_fast([c.column for c in cells], COL2_ORDER),
                "column_zh": _str_array([c.column_zh for c in cells]),
                "value": _float_array(value),
                "count": _int_array(count),
                "amount": pd.array(amount, dtype=pd.ArrowDtype(pa.decimal128(38, 10))),
                "unit": _str_array(unit),
                **self._common(cells),
                **self._prov(cells),
            }
        )

    @cached_property
    def reviews(self) -> pd.DataFrame:
        """Table 4 (行政复议、行政诉讼), tidy: one row per proceeding × outcome."""
        return self._frame_of("reviews", "table4")

    def _reviews_frame(self, cells: list[Cell]) -> pd.DataFrame:
        return _frame(
            {
                "report_id": self._report_ids(len(cells)),
                "proceeding": _cat_fast([c.row for c in cells], PROC_ORDER),
                "proceeding_zh": _str_array([c.row_zh for c in cells]),
                "outcome": _cat_fast([c.column for c in cells], OUTCOME_ORDER),
                "outcome_zh": _str_array([c.column_zh for c in cells]),
                "value": _int_array([v if type(v) is int else _int(v) for v in [c.value.value for c in cells]]),
                **self._common(cells),
                **self._prov(cells),
            }
        )

    @cached_property
    def legacy(self) -> pd.DataFrame:
        """Pre-2019 reports: the old statistics table (indicator, unit, this year, cumulative)."""
        return self._frame_of("legacy", "legacy")

    def _legacy_frame(self, cells: list[Cell]) -> pd.DataFrame:
        return _frame(
            {
                "report_id": self._report_ids(len(cells)),
                "indicator": _str_array([c.row for c in cells]),
                "unit": _str_array([c.row_zh for c in cells]),
                "column": _cat_fast([c.column for c in cells], _LEGACY_COLUMNS),
                "column_zh": _str_array([c.column_zh for c in cells]),
                "value": _float_array([float(c.value.value) if c.value.value is not None else None for c in cells]),
                **self._common(cells),
                **self._prov(cells),
            }
        )

    @cached_property
    def doubts(self) -> pd.DataFrame:
        """Where extraction is unsure: ambiguous rows, recovered rows, rows not found."""
        ds = self.extraction.doubts
        if not all(type(d) is dict for d in ds):
            df = pd.DataFrame(ds, columns=["table", "row", "doubt", "detail"])
            df.insert(0, "report_id", self.report_id)
            return df.astype("string")
        cols = {"report_id": self._report_ids(len(ds))}
        for k in ("table", "row", "doubt", "detail"):
            cols[k] = _str_array([_doubt_value(d.get(k)) for d in ds])
        return self._own("doubts", _frame(cols))

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Figures stated in the prose (see :mod:`govreport.figures`)."""
        from .figures import figure_rows, figures_frame

        rows = figure_rows(self.text, year=self.year)
        df = figures_frame(rows, self.report_id)
        self.__dict__["_figure_rows"] = [{"report_id": self.report_id, **r} for r in rows]
        return self._own("figures", df)

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
