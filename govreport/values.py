"""What a printed cell holds: a number, zero, empty, not applicable, or unknown.

Each parsed cell is a :class:`CellValue`: the value *as printed* (an ``int``
for counts, a ``Decimal`` for amounts), its kind, the unit printed with it and
the raw text.  Empty is never turned into zero here; views may fill it and
say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["CellValue", "parse_cell", "Kind", "SETTLED", "EMPTY_MARKS", "is_value_text", "MAX_DIGITS", "MAX_DECIMALS"]

# Kinds of value, in the order a reader meets them.
class Kind:
    """Value kinds (plain strings so they survive Parquet and CSV)."""

    NUMBER = "number"          # a printed non-zero number
    ZERO = "zero"              # a printed 0
    EMPTY = "empty"            # blank, —, /, 无: printed but with no number
    NOT_APPLICABLE = "n/a"     # 不适用 and the like
    AMBIGUOUS = "ambiguous"    # the text admits more than one reading
    UNKNOWN = "unknown"        # could not be read for sure ("?")
    MISSING = "missing"        # the row or cell is not in the report at all


#: certainties of a cell whose value is settled (as printed, or positions recovered by arithmetic)
SETTLED = ("printed", "recovered")

EMPTY_MARKS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\", "无", "空", "—-", "-—", "/ ", "×"})
NA_MARKS = frozenset({"不适用", "n/a", "N/A", "NA", "不涉及"})
MAX_DIGITS = 18  # a count with more digits than this is not a count (int64 bound)
MAX_DECIMALS = 10  # an amount with more decimals than this is not an amount (the frames' decimal128 scale)

_NUM_RE = re.compile(
    r"^(?P<sign>[+\-]|增|减|增加|减少)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万元|万|元|件|个|项|条)?$"
)


@dataclass(frozen=True, slots=True)
class CellValue:
    """One table cell as printed.

    Attributes
    ----------
    value : int, Decimal or None
        The number printed (signed where the report prints a sign).
    kind : str
        One of :class:`Kind`.
    raw : str
        The cell text after normalisation.
    unit : str or None
        A unit printed inside the cell (万元, 元 …).
    certainty : str
        ``printed`` (read directly), ``recovered`` (positions recovered from the
        template's arithmetic), ``ambiguous`` or ``unknown``.
    candidates : tuple
        For ambiguous cells, the values the text admits.
    """

    value: int | Decimal | None
    kind: str
    raw: str = ""
    unit: str | None = None
    certainty: str = "printed"
    candidates: tuple = field(default=())

    @property
    def is_number(self) -> bool:
        """True for a printed number (zero included)."""
        return self.kind in (Kind.NUMBER, Kind.ZERO)

    def with_certainty(self, certainty: str, candidates: tuple = ()) -> CellValue:
        """Return a copy with another certainty."""
        return CellValue(self.value, self.kind, self.raw, self.unit, certainty, candidates)


def is_value_text(text: str) -> bool:
    """True if ``text`` reads as a cell value (number, sign, unit or empty mark).

    >>> [is_value_text(t) for t in ["12", "1,234", "+ 14", "增", "—", "万元", "规章", "1."]]
    [True, True, True, True, True, True, False, False]
    """
    return _is_value_text(text) if len(text) <= 64 else _is_value_text.__wrapped__(text)


@lru_cache(maxsize=4096)
def _is_value_text(text: str) -> bool:
    t = text.strip()
    if t in EMPTY_MARKS - {""} or t in NA_MARKS:
        return True
    if t in ("增", "减", "+", "-", "万", "万元", "元"):
        return True
    return bool(_NUM_RE.match(t)) and not t.endswith(".")


def parse_cell(text: str, *, amount: bool = False) -> CellValue:
    """Parse one cell's text (cached for short cells; see :func:`_parse_cell`)."""
    return _parse_cell(text, amount=amount) if len(text) <= 64 else _parse_cell.__wrapped__(text, amount=amount)


@lru_cache(maxsize=8192)
def _parse_cell(text: str, *, amount: bool = False) -> CellValue:
    """Parse one cell's text.

    Parameters
    ----------
    text : str
        Normalised cell text.
    amount : bool
        The column holds an amount (a decimal), not a count.

    >>> parse_cell("12").value, parse_cell("0").kind, parse_cell("—").kind
    (12, 'zero', 'empty')
    >>> parse_cell("1,234").value
    1234
    >>> parse_cell("+ 14").value, parse_cell("增3").value, parse_cell("减2").value
    (14, 3, -2)
    >>> c = parse_cell("320.91万元", amount=True); (c.value, c.unit)
    (Decimal('320.91'), '万元')
    >>> parse_cell("abc").kind
    'unknown'
    """
    t = text.strip()
    if t in EMPTY_MARKS:
        return CellValue(None, Kind.EMPTY, t)
    if t in NA_MARKS:
        return CellValue(None, Kind.NOT_APPLICABLE, t)
    m = _NUM_RE.match(t)
    if not m:
        return CellValue(None, Kind.UNKNOWN, t, certainty="unknown")
    num = m.group("num").replace(",", "")
    sign = m.group("sign") or ""
    negative = sign in ("-", "减", "减少")
    unit = m.group("unit")
    if unit in ("件", "个", "项", "条"):
        unit = None
    whole, _, decimals = num.partition(".")
    if len(whole) > MAX_DIGITS or len(decimals) > MAX_DECIMALS:
        return CellValue(None, Kind.UNKNOWN, t, certainty="unknown")
    if amount or "." in num or unit in ("万元", "万", "元"):
        try:
            value: int | Decimal = Decimal(num)
        except InvalidOperation:  # pragma: no cover - regex guarantees digits
            return CellValue(None, Kind.UNKNOWN, t, certainty="unknown")
        if not amount and value == value.to_integral_value() and "." not in num:
            value = int(value)
        if unit == "万":
            unit = "万元"
    else:
        value = int(num)
    if negative:
        value = -value
    kind = Kind.ZERO if value == 0 else Kind.NUMBER
    return CellValue(value, kind, t, unit)
