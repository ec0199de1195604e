"""One identity per agency across years, although printed names vary.

An agency's id is its division code and its normalised name joined by a hyphen,
``'350400-三明市人民政府'`` (``'000000'`` when the division is unknown).  It is
readable, needs no registry and stays the same for as long as the agency's
name and place do.

:func:`normalize_agency_name` folds the variation that never changes who the
agency is:

* white space (also inside the name) and NFKC width variants;
* parenthetical remarks: ``上海市科学技术委员会（市科委）``,
  ``洪泽区人民政府（淮安市）``;
* ``管理委员会`` is written ``管委会``;
* a bare place is its government: ``三明市`` -> ``三明市人民政府``, and
  ``三明市政府`` -> ``三明市人民政府`` (also ``…政府办公室``).

A trailing ``办公室`` is **kept**: ``莆田市人民政府办公室`` is an agency of its
own that publishes its own report beside ``莆田市人民政府``'s, so no generic
rule may merge the two.  Where an office only compiles its government's
report (平潭综合实验区管委会办公室 for the zone), and where names change in
ways no rule can know (平潭县人民政府 -> 平潭综合实验区管委会), the mapping
file ``govreport/data/agency_map.csv`` joins them by hand; giving variants
different ids there splits them.

The mapping file has the columns ``variant, division_code, agency_id, note``.
``variant`` is a name as printed; ``division_code`` (six digits, or empty for
any division) limits the line to one place; ``agency_id`` is the identity the
variant belongs to; ``note`` says why.  Lines whose ``variant`` starts with
``#`` are comments.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from govreport.divisions import is_place_name
from govreport.normalize import strip_pinyin

__all__ = [
    "UNKNOWN_DIVISION",
    "normalize_agency_name",
    "agency_id",
    "default_map_path",
    "MapEntry",
    "AgencyMap",
]

#: Division code of an agency whose place is not known.
UNKNOWN_DIVISION = "000000"

_SPACE_RE = re.compile(r"\s+")
_PAREN_RE = re.compile(r"\([^()]*\)")
_GOV_RE = re.compile(r"^(?P<place>.+?)(?:人民)?政府(?P<office>办公室)?$")
_COLUMNS = ("variant", "division_code", "agency_id", "note")


def _clean(name: str) -> str:
    """NFKC, pinyin annotations out, every white space out."""
    return _SPACE_RE.sub("", strip_pinyin(unicodedata.normalize("NFKC", name or "")))


def normalize_agency_name(name: str) -> str:
    """Fold the printed variation of an agency name to one form.

    Parameters
    ----------
    name : str
        The agency's name as printed, in simplified characters (pass
        traditional text through :func:`govreport.normalize.normalize_text`
        first).

    Returns
    -------
    str
        The normalised name; ``''`` for an empty name.

    Examples
    --------
    >>> normalize_agency_name(" 上海市科学技术委员会（市科委） ")
    '上海市科学技术委员会'
    >>> normalize_agency_name("三明市"), normalize_agency_name("三明市政府")
    ('三明市人民政府', '三明市人民政府')
    >>> normalize_agency_name("莆田市人民政府办公室")
    '莆田市人民政府办公室'
    >>> normalize_agency_name("平潭综合实验区管理委员会")
    '平潭综合实验区管委会'

    """
    text = _clean(name)
    stripped = text
    while True:
        shorter = _PAREN_RE.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    if stripped:
        text = stripped
    text = text.replace("管理委员会", "管委会")
    if is_place_name(text):
        return text + "人民政府"
    m = _GOV_RE.match(text)
    if m and is_place_name(m["place"]):
        return m["place"] + "人民政府" + (m["office"] or "")
    return text


def _division_code(division_code: str | None) -> str:
    if division_code is None:
        return UNKNOWN_DIVISION
    code = unicodedata.normalize("NFKC", str(division_code)).strip()
    if not code:
        return UNKNOWN_DIVISION
    if not (code.isascii() and code.isdigit() and len(code) >= 6):
        raise ValueError(f"division code {division_code!r}: six digits expected")
    return code[:6]


def agency_id(name: str, division_code: str | None) -> str:
    """Stable, readable id of an agency: division code, hyphen, normalised name.

    Parameters
    ----------
    name : str
        The agency's name as printed.
    division_code : str or None
        Six-digit division code (longer codes are cut to six digits);
        ``None`` or ``''`` when unknown.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``division_code`` is neither empty nor a code of six or more digits.

    Examples
    --------
    >>> agency_id("三明市", "350400")
    '350400-三明市人民政府'
    >>> agency_id("上海市科学技术委员会（市科委）", None)
    '000000-上海市科学技术委员会'

    """
    return f"{_division_code(division_code)}-{normalize_agency_name(name)}"


def default_map_path() -> Path:
    """Path of the mapping file shipped with the package (``data/agency_map.csv``)."""
    return Path(str(resources.files("govreport").joinpath("data", "agency_map.csv")))


@dataclass(frozen=True)
class MapEntry:
    """One line of the mapping file.

    Parameters
    ----------
    variant : str
        The name as written in the file.
    division_code : str
        Six digits, or ``''`` for a line that holds in every division.
    agency_id : str
        The identity the variant belongs to.
    note : str
        Why.
    line : int
        Line number in the file (1 = header).

    """

    variant: str
    division_code: str
    agency_id: str
    note: str = ""
    line: int = 0


@dataclass
class AgencyMap:
    """Hand-made joins and splits of agency names, on top of :func:`agency_id`.

    Parameters
    ----------
    entries : list of MapEntry
        The lines of the mapping file.
    source : str
        Where they came from (for error messages).

    Notes
    -----
    A name is looked up as printed (white space and width folded) and then
    normalised, first among the lines of its division and then among the
    lines with no division.  When the division is unknown and the name
    appears under exactly one agency id in the file, that id is used.
    Anything else falls back to :func:`agency_id`.

    """

    entries: list[MapEntry] = field(default_factory=list)
    source: str = "<memory>"

    def __post_init__(self) -> None:
        # (printed name, division) -> entry; one id per printed name.
        self._printed: dict[tuple[str, str], MapEntry] = {}
        # (normalised name, division) -> entries; several ids are allowed
        # here when the lines split a name by its printed form.
        self._normal: dict[tuple[str, str], list[MapEntry]] = {}
        self._ids_by_name: dict[str, set[str]] = {}
        for entry in self.entries:
            printed, normal = _clean(entry.variant), normalize_agency_name(entry.variant)
            key = (printed, entry.division_code)
            other = self._printed.get(key)
            if other is not None and other.agency_id != entry.agency_id:
                raise ValueError(
                    f"{self.source}: line {entry.line} maps {entry.variant!r} "
                    f"({entry.division_code or 'any division'}) to {entry.agency_id!r}, "
                    f"line {other.line} to {other.agency_id!r}"
                )
            self._printed.setdefault(key, entry)
            self._normal.setdefault((normal, entry.division_code), []).append(entry)
            for name in (printed, normal):
                self._ids_by_name.setdefault(name, set()).add(entry.agency_id)

    def _normal_entry(self, normal: str, scope: str) -> MapEntry | None:
        entries = self._normal.get((normal, scope), [])
        if len({e.agency_id for e in entries}) == 1:
            return entries[0]
        # Split by printed form: the line written in the normalised form
        # speaks for the normalised name.
        exact = [e for e in entries if _clean(e.variant) == normal]
        return exact[0] if exact else None

    # ------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> AgencyMap:
        """Read a mapping file.

        Parameters
        ----------
        path : str or Path, optional
            A CSV with the columns ``variant, division_code, agency_id, note``
            (UTF-8, a BOM is accepted).  Default: the file shipped with the
            package, :func:`default_map_path`.

        Returns
        -------
        AgencyMap

        Raises
        ------
        ValueError
            If a column is missing, a line lacks its variant or agency id, a
            division code is malformed, or one variant is mapped to two ids.

        """
        path = Path(path) if path is not None else default_map_path()
        entries: list[MapEntry] = []
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                variant = (row["variant"] or "").strip()
                if not variant or variant.startswith("#"):
                    continue
                target = (row["agency_id"] or "").strip()
                if not target:
                    raise ValueError(f"{path}: line {line} ({variant!r}) has no agency_id")
                raw_code = (row["division_code"] or "").strip()
                try:
                    code = _division_code(raw_code) if raw_code else ""
                except ValueError as exc:
                    raise ValueError(f"{path}: line {line}: {exc}") from None
                entries.append(MapEntry(variant, code, target, (row["note"] or "").strip(), line))
        return cls(entries, str(path))

    # ------------------------------------------------------------------
    def _lookup(self, name: str, division_code: str | None) -> tuple[str, str, MapEntry | None]:
        code = _division_code(division_code)
        printed, normal = _clean(name), normalize_agency_name(name)
        for scope in (code, ""):
            entry = self._printed.get((printed, scope)) or self._normal_entry(normal, scope)
            if entry is not None:
                return entry.agency_id, "map", entry
        if code == UNKNOWN_DIVISION:
            for key_name in (printed, normal):
                ids = self._ids_by_name.get(key_name, set())
                if len(ids) == 1:
                    target = next(iter(ids))
                    entry = next(
                        e
                        for e in self.entries
                        if e.agency_id == target
                        and key_name in (_clean(e.variant), normalize_agency_name(e.variant))
                    )
                    return target, "map (division unknown)", entry
        return agency_id(name, code), "normalised", None

    def resolve(self, name: str, division_code: str | None = None) -> str:
        """Return the agency id of a printed name.

        Parameters
        ----------
        name : str
            The agency's name as printed.
        division_code : str, optional
            Its division code, if known.

        Returns
        -------
        str
            The mapped id, else :func:`agency_id` of the name.

        Examples
        --------
        >>> m = AgencyMap([MapEntry("平潭县人民政府", "350128", "350128-平潭综合实验区管委会")])
        >>> m.resolve("平潭县人民政府", "350128")
        '350128-平潭综合实验区管委会'
        >>> m.resolve("三明市", "350400")
        '350400-三明市人民政府'

        """
        return self._lookup(name, division_code)[0]

    def variants(self, names: Iterable[tuple[str, str | None]] | pd.DataFrame | None = None) -> pd.DataFrame:
        """Which printed names each agency id absorbs.

        Parameters
        ----------
        names : iterable of (name, division_code) pairs, or DataFrame, optional
            Names seen in reports (a DataFrame needs the columns ``agency``
            and ``division_code``).  Without it, the mapping file's own lines
            are listed.

        Returns
        -------
        pandas.DataFrame
            One row per distinct (variant, division_code), columns
            ``agency_id, variant, division_code, rule, note``, sorted by
            ``agency_id``; ``rule`` is ``'map'`` for a mapping-file line,
            ``'map (division unknown)'``, or ``'normalised'`` for the
            generic rule.

        """
        rows = []
        if names is None:
            for e in self.entries:
                rows.append((e.agency_id, e.variant, e.division_code or None, "map", e.note))
        else:
            if isinstance(names, pd.DataFrame):
                pairs: Iterable[tuple[str, str | None]] = zip(
                    names["agency"], names["division_code"], strict=True
                )
            else:
                pairs = names
            seen = set()
            for name, code in pairs:
                code = None if code is None or pd.isna(code) or str(code).strip() == "" else str(code)
                key = (name, code)
                if key in seen:
                    continue
                seen.add(key)
                target, rule, entry = self._lookup(name, code)
                rows.append((target, name, code, rule, entry.note if entry else ""))
        frame = pd.DataFrame(rows, columns=["agency_id", "variant", "division_code", "rule", "note"])
        return frame.sort_values(["agency_id", "variant"], kind="stable").reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.entries)
