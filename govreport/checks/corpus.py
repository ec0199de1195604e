"""Checks across reports: the same agency across years, a parent against its children."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from .registry import Term, identity, result, results_frame
from .tables import T3_APPLICANTS, Cells, _na

__all__ = ["run_corpus_checks", "covers_area"]

_AREA_RE = re.compile(r"全(?:省|市|区|县|州|盟|旗)")
_GOV_RE = re.compile(r"(?:人民政府|管委会|行政公署)$")


def _agency_ids(reports: pd.DataFrame, agency_map=None) -> pd.Series:
    if "agency_id" in reports.columns:
        return reports["agency_id"].astype("string")
    from ..agencies import AgencyMap

    amap = agency_map if agency_map is not None else AgencyMap.load()
    codes = reports["division_code"] if "division_code" in reports.columns else pd.Series([None] * len(reports), index=reports.index)
    out = []
    for name, code in zip(reports.get("agency", pd.Series([None] * len(reports))), codes, strict=True):
        if name is None or pd.isna(name) or not str(name).strip():
            out.append(None)
            continue
        code = None if code is None or pd.isna(code) or not str(code).strip() else str(code)
        try:
            out.append(amap.resolve(str(name), code))
        except ValueError:
            out.append(amap.resolve(str(name), None))
    return pd.Series(out, index=reports.index, dtype="string")


def covers_area(reports: pd.DataFrame, figures: pd.DataFrame | None) -> pd.Series:
    """Whether each report speaks for its whole area (全市/全区/全县 … in a requests figure).

    A report's own column ``covers_area`` (bool) wins where present.
    """
    flag = pd.Series(False, index=reports.index)
    if figures is not None and len(figures) and {"report_id", "metric", "label"} <= set(figures.columns):
        f = figures[figures["metric"].astype(str).str.startswith("requests_")]
        ids = set(f.loc[f["label"].astype(str).str.contains(_AREA_RE), "report_id"].astype(str))
        flag = reports["report_id"].astype(str).isin(ids)
    if "covers_area" in reports.columns:
        given = reports["covers_area"]
        flag = given.where(given.notna(), flag).astype(bool)
    return flag


def _by_report(frame: pd.DataFrame | None, table: str, row: str = "row", column: str = "column") -> dict[str, Cells]:
    """Each report's cells, from one pass over the corpus frame (not one conversion per report)."""
    if frame is None or not len(frame):
        return {}
    n = len(frame)
    col = {k: frame[k].tolist() for k in ("report_id", row, column, "value", "kind", "certainty", "line", "candidates") if k in frame.columns}
    extra = [k for k in ("row_zh", "column_zh") if k in frame.columns]
    for k in extra:
        col[k] = frame[k].tolist()
    none = [None] * n
    groups: dict[str, list[dict]] = {}
    for i in range(n):
        v, line, cand = col["value"][i], col.get("line", none)[i], col.get("candidates", none)[i]
        rec = {
            "row": str(col[row][i]), "column": str(col[column][i]), "value": None if _na(v) else v,
            "kind": str(col["kind"][i]), "certainty": str(col["certainty"][i]), "line": None if _na(line) else line,
            "candidates": cand if isinstance(cand, str) else None,
        }  # fmt: skip
        for k in extra:
            rec[k] = col[k][i]
        groups.setdefault(str(col["report_id"][i]), []).append(rec)
    return {rid: Cells.from_records(recs, table) for rid, recs in groups.items()}


def _prefixed(rid: str, t: Term, sign: int = 1) -> Term:
    v = None if t.value is None else sign * t.value
    return Term(f"{rid}:{t.ref}", v, t.kind, t.certainty)


def _pairs(reports: pd.DataFrame) -> Iterator[tuple[dict, dict]]:
    """(last year's report, this year's report) for the same agency, consecutive years."""
    rs = reports[reports["agency_id"].notna() & reports["year"].notna()]
    for _, g in rs.groupby("agency_id", sort=True):
        by_year: dict[int, list[dict]] = {}
        for rec in g.to_dict("records"):
            by_year.setdefault(int(rec["year"]), []).append(rec)
        for year, recs in sorted(by_year.items()):
            for prev in by_year.get(year - 1, []):
                for cur in recs:
                    yield prev, cur


def _tag(row: dict, rec: dict) -> dict:
    return {**row, "report_id": str(rec["report_id"]), "agency_id": rec.get("agency_id"), "year": int(rec["year"])}


def _xy_carry_over(reports, t3) -> Iterator[dict]:
    any_pair = False
    for prev, cur in _pairs(reports):
        pc, cc = t3.get(str(prev["report_id"])), t3.get(str(cur["report_id"]))
        if not pc or not cc:
            continue
        any_pair = True
        cols = [*T3_APPLICANTS, "total"]
        if "legal_subtotal" in pc.columns and "legal_subtotal" in cc.columns:
            cols.insert(6, "legal_subtotal")
        for col in cols:
            row = identity(
                "XY.carry_over", f"{col} ({prev['year']}→{cur['year']})",
                [_prefixed(str(cur["report_id"]), cc.term("carried_over", col))],
                [_prefixed(str(prev["report_id"]), pc.term("carried_forward", col))],
                formula=f"{col}: 上年结转 {cur['year']} = 结转下年度 {prev['year']}",
            )  # fmt: skip
            yield _tag(row, cur)
    if not any_pair:
        yield {**result("XY.carry_over", "corpus", "not-assessable",
                        message="no agency has table 3 for two consecutive years"), "report_id": None}  # fmt: skip


def _xy_in_force(reports, t2) -> Iterator[dict]:
    any_pair = False
    for prev, cur in _pairs(reports):
        pc, cc = t2.get(str(prev["report_id"])), t2.get(str(cur["report_id"]))
        if not pc or not cc:
            continue
        any_pair = True
        for row in ("rules", "normative_documents"):
            subject = f"{row} ({prev['year']}→{cur['year']})"
            if not (cc.has_row(row) and pc.has_row(row)) or "in_force" not in cc.columns or "in_force" not in pc.columns:
                templates = f"{prev.get('template')}→{cur.get('template')}"
                yield _tag(result("XY.in_force", subject, "not-assessable",
                                  message=f"现行有效件数 not printed in both years (templates {templates})"), cur)  # fmt: skip
                continue
            cid, pid = str(cur["report_id"]), str(prev["report_id"])
            r = identity(
                "XY.in_force", subject,
                [_prefixed(cid, cc.term(row, "in_force"))],
                [_prefixed(pid, pc.term(row, "in_force")), _prefixed(cid, cc.term(row, "issued")),
                 _prefixed(cid, cc.term(row, "repealed"), -1)],
                formula=f"{row}: 现行有效 {cur['year']} = 现行有效 {prev['year']} + 制发 − 废止",
            )  # fmt: skip
            yield _tag(r, cur)
    if not any_pair:
        yield {**result("XY.in_force", "corpus", "not-assessable",
                        message="no agency has table 2 for two consecutive years"), "report_id": None}  # fmt: skip


def _children(parent: dict, same_year: pd.DataFrame) -> pd.DataFrame:
    """Direct children: departments of the same division, governments one level down."""
    code = str(parent.get("division_code") or "")
    if not re.fullmatch(r"\d{6}", code) or code == "000000":
        return same_year.iloc[0:0]
    codes = same_year["division_code"].astype("string").fillna("").str[:6]
    other = same_year["agency_id"] != parent["agency_id"]
    departments = (codes == code) & ~same_year["agency_id"].astype(str).str.contains(_GOV_RE)
    if code.endswith("0000"):  # province: city governments
        lower = codes.str.startswith(code[:2]) & codes.str.endswith("00") & ~codes.str.endswith("0000")
    elif code.endswith("00"):  # city: county governments
        lower = codes.str.startswith(code[:4]) & ~codes.str.endswith("00")
    else:
        lower = pd.Series(False, index=same_year.index)
    governments = lower & same_year["agency_id"].astype(str).str.contains(_GOV_RE)
    return same_year[other & (departments | governments)]


def _scope(reports, t3, area) -> Iterator[dict]:
    if "division_code" not in reports.columns:
        yield {**result("SCOPE.parent_children", "corpus", "not-assessable", message="no division codes"), "report_id": None}
        return
    found = False
    known = reports[reports["agency_id"].notna() & reports["year"].notna()]
    by_year = {int(y): g for y, g in known.groupby("year")}
    for rec in known.to_dict("records"):
        if not _GOV_RE.search(str(rec["agency_id"])):
            continue
        kids = _children(rec, by_year[int(rec["year"])])
        if not len(kids):
            continue
        found = True
        pid = str(rec["report_id"])
        kid_ids = [str(k) for k in kids["report_id"]]
        if not area.get(pid, False):
            yield _tag(result("SCOPE.parent_children", "table3", "not-assessable", cells=[f"{k}:report" for k in kid_ids],
                              message=f"{len(kid_ids)} child report(s) in the corpus, but this report covers its own "
                                      "office only (no 全市/全区/全县 figure): not compared"), rec)  # fmt: skip
            continue
        pc = t3.get(pid)
        for row in ("new_requests", "total"):
            lhs = [_prefixed(pid, pc.term(row, "total"))] if pc else []
            rhs = [_prefixed(k, t3[k].term(row, "total")) for k in kid_ids if t3.get(k)]
            bad = [t for t in [*lhs, *rhs] if not t.usable]
            cells = [t.ref for t in [*lhs, *rhs]]
            if not lhs or not rhs or bad:
                yield _tag(result("SCOPE.parent_children", f"{row}/total", "not-assessable", cells=cells,
                                  message="not assessable: " + ("; ".join(f"{t.ref} is {t.kind}" for t in bad)
                                                                or "table 3 missing")), rec)  # fmt: skip
                continue
            lv, rv = sum(t.value or 0 for t in lhs), sum(t.value or 0 for t in rhs)
            ok = lv >= rv
            msg = (f"{row}: parent {lv} {'≥' if ok else '<'} Σ {len(rhs)} children {rv}"
                   + ("" if ok else ": the parent's figures cannot cover its children"))  # fmt: skip
            yield _tag(result("SCOPE.parent_children", f"{row}/total", "pass" if ok else "fail", lv, rv, cells, msg), rec)
    if not found:
        yield {**result("SCOPE.parent_children", "corpus", "not-assessable",
                        message="no government report with child reports (departments, lower levels) in the corpus"),
               "report_id": None}  # fmt: skip


def run_corpus_checks(reports: pd.DataFrame, requests: pd.DataFrame, active: pd.DataFrame | None = None,
                      reviews: pd.DataFrame | None = None, *, figures: pd.DataFrame | None = None,
                      report_checks: pd.DataFrame | None = None, agency_map=None) -> pd.DataFrame:
    """Run the corpus checks (``XY.*``, ``SCOPE.*``) on concatenated frames.

    Parameters
    ----------
    reports : DataFrame
        One row per report (``Report.info()``): ``report_id``, ``agency``,
        ``year``, ``division_code``, optionally ``agency_id`` (else resolved
        with :class:`govreport.agencies.AgencyMap`), ``template`` and
        ``covers_area`` (bool: the report speaks for its whole area).
    requests, active : DataFrame
        ``Report.requests`` / ``Report.active`` of every report, concatenated.
    reviews : DataFrame, optional
        Unused for now (kept for symmetry with ``Corpus``).
    figures : DataFrame, optional
        ``Report.figures`` concatenated; infers ``covers_area`` where the
        reports frame does not give it.
    report_checks : DataFrame, optional
        ``Report.checks`` of every report, concatenated: returned first, with
        ``agency_id`` and ``year`` added, so one frame holds every check of
        the corpus (what ``Corpus.checks`` shows).
    agency_map : AgencyMap, optional
        For ``agency_id`` when ``reports`` lacks it.

    Returns
    -------
    DataFrame
        Columns ``report_id`` (this year's / the parent's report; missing on
        a row that says a check had nothing to compare), ``agency_id``,
        ``year``, then the columns of :func:`govreport.checks.run_checks`.
        Cells of corpus checks are prefixed with their report id.

    """
    reports = reports.copy()
    reports["agency_id"] = _agency_ids(reports, agency_map)
    reports["year"] = pd.array(reports["year"], dtype="Int64")
    t3 = _by_report(requests, "table3")
    t2 = _by_report(active, "table2")
    area = dict(zip(reports["report_id"].astype(str), covers_area(reports, figures), strict=True))
    rows = [*_xy_carry_over(reports, t3), *_xy_in_force(reports, t2), *_scope(reports, t3, area)]
    for r in rows:
        r.setdefault("agency_id", None)
        r.setdefault("year", None)
    out = results_frame(rows, corpus=True)
    if report_checks is not None and len(report_checks):
        keys = reports.assign(report_id=reports["report_id"].astype("string"))[["report_id", "agency_id", "year"]]
        keys = keys.drop_duplicates("report_id")
        own = report_checks.drop(columns=["agency_id", "year"], errors="ignore").merge(keys, on="report_id", how="left")
        out = pd.concat([own[out.columns], out], ignore_index=True)
        for c in ("check_id", "severity", "kind", "status"):
            out[c] = out[c].astype(report_checks[c].dtype)
    return out
