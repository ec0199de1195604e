"""Recover a row's cells from what a crawl left of them.

Given the value pieces after a row label and the number of columns the
template says the row has, :func:`row_readings` lists every reading of the
pieces into cells that the crawl mechanisms allow:

- *direct*: one piece per cell (a table row, or one line per cell);
- *merged*: more pieces than cells, a number split over two lines
  (``"1" + "62"`` = 162);
- *collapsed*: fewer pieces than cells in a crawl that merged runs of equal
  consecutive lines (``"8 / 0 / 8"`` = 8,0,0,0,0,0,8);
- *split*: digits run together (``"801000081"`` = 80,1,0,0,0,0,81), spaces
  kept as likely (not certain) boundaries.

An identity (a row's six applicant columns sum to 总计 …) filters the
readings; :func:`choose` then keeps what every surviving reading agrees on
and marks the rest ambiguous with its candidates.  A direct reading is never
filtered by arithmetic: what the report prints is what we return.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..values import CellValue, Kind, parse_cell
from .segments import Piece

__all__ = ["Reading", "row_readings", "choose", "digit_splits", "MAX_READINGS"]

MAX_READINGS = 5000
# The longest text one cell can print: 18 digits, a point, 10 decimals and separators.
_MAX_CELL_CHARS = 40
Identity = Callable[[Sequence[CellValue]], bool]


@dataclass(slots=True)
class Reading:
    """The readings a row's pieces allow, and the mechanism that produced them."""

    candidates: list[tuple[CellValue, ...]]
    mechanism: str  # direct | merged | collapsed | split | blank | partial | none
    pieces: list[Piece]

    @property
    def certain(self) -> bool:
        """Exactly one reading."""
        return len(self.candidates) == 1


def _num(c: CellValue):
    return c.value if c.is_number else (0 if c.kind == Kind.EMPTY else None)


def _no_leading_zero(s: str) -> bool:
    core = s.lstrip("+-")
    return not (len(core) > 1 and core[0] == "0" and core[1] != ".")


def digit_splits(s: str, k: int, *, amounts: Sequence[bool] | None = None, limit: int = MAX_READINGS):
    """All ways to cut a digit string into ``k`` numbers without leading zeros.

    >>> list(digit_splits("801", 2))
    [('80', '1')]
    >>> len(list(digit_splits("0000000", 7)))
    1
    """
    n = len(s)
    out: list[tuple[str, ...]] = []
    # (position, parts left) from which no split was found: never searched twice, so that a
    # long run with few valid splits costs O(n² k), not the number of its compositions
    dead: set[tuple[int, int]] = set()

    def rec(i: int, parts: list[str]):
        if len(out) >= limit:
            return
        left = k - len(parts)
        if left == 0:
            if i == n:
                out.append(tuple(parts))
            return
        if n - i < left or (i, left) in dead:
            return
        found = len(out)
        max_len = n - i - (left - 1)
        for L in range(1, max_len + 1):
            p = s[i : i + L]
            if not _no_leading_zero(p):
                break
            if p.endswith(".") or p.startswith("."):
                continue
            if "." in p and amounts is not None and not amounts[len(parts)]:
                continue
            rec(i + L, parts + [p])
        if len(out) == found:
            dead.add((i, left))

    rec(0, [])
    return out


def _compositions(total: int, parts: int):
    for cuts in itertools.combinations(range(1, total), parts - 1):
        bounds = (0, *cuts, total)
        yield tuple(bounds[i + 1] - bounds[i] for i in range(parts))


def _parse_all(texts, amounts):
    return tuple(parse_cell(t, amount=a) for t, a in zip(texts, amounts, strict=True))


def row_readings(
    pieces: list[Piece],
    ncols: int,
    *,
    structured: bool,
    collapsed: bool,
    identity: Identity | None = None,
    amounts: Sequence[bool] | None = None,
) -> Reading:
    """List the readings of ``pieces`` as ``ncols`` cells (see the module doc)."""
    amounts = tuple(amounts) if amounts is not None else (False,) * ncols
    if structured:
        texts = [p.text for p in pieces]
        # trailing empty cells come from spans; a row may be short of cells
        while len(texts) > ncols and texts[-1] == "":
            texts.pop()
        if len(texts) >= ncols:
            return Reading([_parse_all(texts[:ncols], amounts)], "direct", pieces)
        cells = list(_parse_all(texts, amounts[: len(texts)]))
        cells += [CellValue(None, Kind.MISSING, "", certainty="unknown")] * (ncols - len(texts))
        return Reading([tuple(cells)], "partial", pieces)
    vals = [p for p in pieces if p.text]
    if not vals:
        return Reading([tuple(CellValue(None, Kind.EMPTY, "") for _ in range(ncols))], "blank", pieces)
    glued = any(p.sep != "cell" for p in vals) or any(" " in p.text.strip() for p in vals)
    if glued:
        return _split_reading(vals, ncols, identity, amounts)
    texts = [p.text for p in vals]
    n = len(texts)
    if n == ncols:
        return Reading([_parse_all(texts, amounts)], "direct", pieces)
    cands: list[tuple[CellValue, ...]] = []
    if n > ncols and math.comb(n - 1, ncols - 1) > MAX_READINGS:
        # too many ways to merge the lines into cells to weigh them all: unknown, not guessed
        raw = " / ".join(texts)
        return Reading([tuple(CellValue(None, Kind.UNKNOWN, raw, certainty="unknown") for _ in range(ncols))], "merged-too-many", pieces)
    if n > ncols:
        for comp in _compositions(n, ncols):
            i, parts, ok = 0, [], True
            for size in comp:
                chunk = "".join(texts[i : i + size])
                i += size
                if size > 1 and not all(t.isdigit() for t in texts[i - size : i]):
                    ok = False
                    break
                if not _no_leading_zero(chunk):
                    ok = False
                    break
                parts.append(chunk)
            if ok:
                cands.append(_parse_all(parts, amounts))
        mech = "merged"
    elif collapsed:
        for comp in _compositions(ncols, n):
            parts = [t for t, size in zip(texts, comp, strict=True) for _ in range(size)]
            cands.append(_parse_all(parts, amounts))
        mech = "collapsed"
    else:
        return _partial(texts, ncols, amounts, pieces)
    if not cands:
        raw = " / ".join(texts)
        return Reading([tuple(CellValue(None, Kind.UNKNOWN, raw, certainty="unknown") for _ in range(ncols))], mech + "-unreadable", pieces)
    if identity is not None:
        ok = [c for c in cands if _safe(identity, c)]
        cands = ok if ok else cands
        if not ok:
            mech += "-unbalanced"
    return Reading(cands, mech, pieces)


def _partial(texts, ncols, amounts, pieces) -> Reading:
    """Fewer values than cells in a crawl that dropped empty cells: positions unknown.

    The last value printed stands in the last column (总计) where the row has
    one; the other columns are unknown.
    """
    cells = [CellValue(None, Kind.UNKNOWN, "", certainty="unknown")] * (ncols - 1)
    last = parse_cell(texts[-1], amount=amounts[-1])
    return Reading([(*cells, last)], "partial", pieces)


def _safe(identity: Identity, cells) -> bool:
    try:
        return bool(identity(cells))
    except (TypeError, ArithmeticError):
        return False


def _split_reading(vals: list[Piece], ncols: int, identity, amounts) -> Reading:
    raw = " ".join(p.text for p in vals)
    spaced = raw.split()
    if len(spaced) == ncols and all(_no_leading_zero(s) for s in spaced):
        cand = _parse_all(spaced, amounts)
        if identity is None or _safe(identity, cand):
            return Reading([cand], "direct", vals)
    digits = "".join(spaced)
    if len(digits) > ncols * _MAX_CELL_CHARS:
        # no split of so long a run gives numbers that are counts or amounts
        return Reading([tuple(CellValue(None, Kind.UNKNOWN, raw, certainty="unknown") for _ in range(ncols))], "split-too-long", vals)
    # boundaries the spaces suggest
    bounds, pos = set(), 0
    for s in spaced[:-1]:
        pos += len(s)
        bounds.add(pos)
    splits = digit_splits(digits, ncols, amounts=amounts)
    if len(splits) >= MAX_READINGS:
        # the search stopped at the limit: the readings not listed might disagree
        return Reading([tuple(CellValue(None, Kind.UNKNOWN, raw, certainty="unknown") for _ in range(ncols))], "split-too-many", vals)
    cands = []
    for parts in splits:
        cand = _parse_all(parts, amounts)
        if identity is None or _safe(identity, cand):
            cands.append((parts, cand))
    if not cands:
        return Reading([tuple(CellValue(None, Kind.UNKNOWN, raw, certainty="unknown") for _ in range(ncols))], "split-unbalanced", vals)
    if bounds:
        def respects(parts):
            cuts, p = set(), 0
            for s in parts[:-1]:
                p += len(s)
                cuts.add(p)
            return bounds <= cuts
        kept = [c for c in cands if respects(c[0])]
        cands = kept or cands
    return Reading([c for _, c in cands], "split", vals)


def choose(candidates: list[tuple[CellValue, ...]], mechanism: str) -> tuple[CellValue, ...]:
    """Collapse the surviving readings into one row of cells.

    A cell every reading agrees on is kept (``recovered`` unless the reading
    was direct); a cell the readings disagree on becomes ``ambiguous`` with
    the candidate values.
    """
    if len(candidates) == 1:
        cells = candidates[0]
        if mechanism == "direct":
            return cells
        return tuple(c if c.certainty != "printed" else c.with_certainty("recovered") for c in cells)
    out = []
    for col in zip(*candidates, strict=True):
        values = []
        for c in col:
            if c.value not in values:
                values.append(c.value)
        if len(values) == 1:
            out.append(col[0].with_certainty("recovered"))
        else:
            out.append(CellValue(None, Kind.AMBIGUOUS, col[0].raw, col[0].unit, "ambiguous", tuple(values)))
    return tuple(out)
