"""Report metadata: agency, report year, division code."""

from __future__ import annotations

import re

from ..document import Document

__all__ = ["extract_meta"]

_TITLE_RE = re.compile(
    r"(?P<agency>[\u4e00-\u9fff()（）]{2,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?\s*(?:政府|政务)?\s*信息\s*公开\s*(?:工作)?\s*年度?\s*报告"
)
_YEAR_FIRST_RE = re.compile(
    r"(?:^|\n|正文)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<agency>[\u4e00-\u9fff()（）]{2,40}?)\s*(?:政府|政务)?\s*信息\s*公开\s*(?:工作)?\s*年度?\s*报告"
)
_PERIOD_RE = re.compile(r"(?:统计|期限|时间|数据).{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_HEADER_FIELD_RE = re.compile(r"^(?:标题|发布机构|来源|单位)\s*[:：]\s*(.+)$", re.M)
_SITE_CODE_RE = re.compile(r"网站标识码\s*[:：]?\s*(\d{10})")
_AGENCY_JUNK_PREFIX = re.compile(r"^.*?(?:现发布|现公布|特发布|发布|印发|标题[:：]|关于|《|公布)")
_BAD_AGENCY = re.compile(r"^(?:本|我|全|各|该|以下|根据|为|按照|现将|做好)")


def _clean_agency(name: str) -> str:
    name = name.strip()
    name = _AGENCY_JUNK_PREFIX.sub("", name)
    name = name.strip("《》“”\"' ")
    return name


def extract_meta(doc: Document) -> dict:
    """Agency, year, year source, site code and division code of ``doc``."""
    head_lines = doc.text[:20000]
    joined = re.sub(r"\s*\n\s*", "", head_lines)  # crawls split "20" + "23" + "年"
    fields = dict()
    for m in _HEADER_FIELD_RE.finditer(doc.text[:3000]):
        key = m.group(0).split(":")[0].split("：")[0].strip()
        fields.setdefault(key, m.group(1).strip())
    titles = []
    if doc.attrs.get("title"):
        titles.append(doc.attrs["title"])
    if fields.get("标题"):
        titles.append(fields["标题"])
    if doc.attrs.get("page_title"):
        titles.append(doc.attrs["page_title"])
    agency = year = None
    year_source = None
    for source_name, text in [("title", t) for t in titles] + [("text", joined)]:
        for m in _TITLE_RE.finditer(text):
            cand = _clean_agency(m.group("agency"))
            if len(cand) < 2 or _BAD_AGENCY.match(cand):
                continue
            agency = agency or cand
            year = year or int(m.group("year"))
            year_source = year_source or source_name
            break
        if agency and year:
            break
    if agency is None or year is None:
        m = _YEAR_FIRST_RE.search(re.sub(r"[ \t]*\n[ \t]*(?=\S)", "", head_lines[:3000]))
        if m and not _BAD_AGENCY.match(m.group("agency")):
            agency = agency or _clean_agency(m.group("agency"))
            year = year or int(m.group("year"))
            year_source = year_source or "text"
    if year is None:
        m = _PERIOD_RE.search(joined)
        if m:
            year, year_source = int(m.group(2)), "period"
    if agency is None:
        agency = fields.get("发布机构") or fields.get("单位") or None
    site_code = doc.attrs.get("site_code")
    if not site_code:
        m = _SITE_CODE_RE.search(doc.text)
        site_code = m.group(1) if m else None
    division = _division(site_code, agency)
    return {
        "agency": agency,
        "year": year,
        "year_source": year_source,
        "site_code": site_code,
        **division,
    }


def _division(site_code: str | None, agency: str | None) -> dict:
    out = {"division_code": None, "province": None, "city": None, "county": None, "division_source": None}
    try:
        from .. import divisions
    except ImportError:  # pragma: no cover - divisions ships with the package
        return out
    div = None
    if site_code:
        div = divisions.lookup(site_code[:6])
        if div is not None:
            out["division_source"] = "site_code"
    if div is None and agency:
        div = divisions.guess_from_name(agency)
        if div is not None:
            out["division_source"] = "agency_name"
    if div is not None:
        out.update(division_code=div.code, province=div.province, city=div.city, county=div.county)
    return out
