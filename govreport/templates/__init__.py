"""The report templates as data: label maps per template, read from CSV.

``table3_rows.csv``    row keys, groups and label patterns per table-3 layout
``table3_columns.csv`` the seven applicant columns
``table2_rows.csv``    table-2 rows per template, with the columns each row has
``table2_columns.csv`` table-2 column labels, kinds (count, amount, increment) and units
``table4_columns.csv`` the fifteen review/litigation cells

Template differences live in these files, not in code: a new variant is a
new ``layout``/``template`` value in the CSVs.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Row3", "Row2", "Col2", "Col4", "table3_layouts", "table3_columns", "table2_templates", "table4_columns"]


def _read(name: str) -> list[dict]:
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Row3:
    """A table-3 row: key, group (``withheld`` …), Chinese label, label pattern."""

    layout: str
    order: int
    key: str
    group: str | None
    label_zh: str
    match: re.Pattern

    @property
    def is_group(self) -> bool:
        """True for a group row (不予公开 …) that sums its sub-rows."""
        return self.group is not None and self.key == self.group


@dataclass(frozen=True)
class Col2:
    """A table-2 column: key, printed label, kind (count/amount/increment), unit."""

    template: str
    key: str
    label_zh: str
    kind: str
    unit: str
    match: re.Pattern


@dataclass(frozen=True)
class Row2:
    """A table-2 row with the columns it carries."""

    template: str
    order: int
    block: str
    key: str
    label_zh: str
    match: re.Pattern
    columns: tuple[Col2, ...]


@dataclass(frozen=True)
class Col4:
    """One of the fifteen table-4 cells."""

    order: int
    proceeding: str
    outcome: str
    key: str
    proceeding_zh: str
    outcome_zh: str


@lru_cache(maxsize=1)
def table3_layouts() -> dict[str, tuple[Row3, ...]]:
    """Table-3 rows per layout (``2021``: 25 value rows; ``2019``: 23)."""
    out: dict[str, list[Row3]] = {}
    for r in _read("table3_rows.csv"):
        out.setdefault(r["layout"], []).append(
            Row3(r["layout"], int(r["order"]), r["key"], r["group"] or None, r["label_zh"], re.compile(r["match"]))
        )
    return {k: tuple(sorted(v, key=lambda x: x.order)) for k, v in out.items()}


@lru_cache(maxsize=1)
def table3_columns() -> tuple[dict, ...]:
    """The seven applicant columns, in template order."""
    return tuple(sorted(_read("table3_columns.csv"), key=lambda r: int(r["order"])))


@lru_cache(maxsize=1)
def table2_templates() -> dict[str, tuple[Row2, ...]]:
    """Table-2 rows per template (``2021``, ``2019``)."""
    cols: dict[tuple[str, str], Col2] = {}
    for c in _read("table2_columns.csv"):
        cols[(c["template"], c["key"])] = Col2(c["template"], c["key"], c["label_zh"], c["kind"], c["unit"], re.compile(c["match"]))
    out: dict[str, list[Row2]] = {}
    for r in _read("table2_rows.csv"):
        columns = tuple(cols[(r["template"], k)] for k in r["columns"].split("|"))
        out.setdefault(r["template"], []).append(
            Row2(r["template"], int(r["order"]), r["block"], r["key"], r["label_zh"], re.compile(r["match"]), columns)
        )
    return {k: tuple(sorted(v, key=lambda x: x.order)) for k, v in out.items()}


@lru_cache(maxsize=1)
def table4_columns() -> tuple[Col4, ...]:
    """The fifteen table-4 cells in printed order."""
    return tuple(
        Col4(int(r["order"]), r["proceeding"], r["outcome"], r["key"], r["proceeding_zh"], r["outcome_zh"])
        for r in sorted(_read("table4_columns.csv"), key=lambda r: int(r["order"]))
    )
