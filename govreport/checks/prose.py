"""Checks that read the prose: figures against the tables, the year, sections 五/六, fees.

The figures come from :mod:`govreport.figures` (``Report.figures``); where
they are not available every figure check is *not assessable*.  Only this
year's figures are used (``about_year`` missing).  One refinement on top of
the figures' own classification: a figure whose label names 复议 or 诉讼 is
about reviews or lawsuits, whatever its metric (``…因政府信息公开申请引发的
行政复议36起`` is not a count of requests).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import pandas as pd

from ..prose import _headings, _join, _table_spans, in_spans
from .registry import Term, register, result
from .tables import Cells, _outcome_rows, _t3, cell_ref
from .view import view_of

__all__ = ["prose_figures", "year_mentions"]

# --- figures ------------------------------------------------------------------------


def _line(text: str, pos, starts: list[int] | None = None) -> int | None:
    if text is None or pos is None:
        return None
    if type(pos) is not int:
        if pd.isna(pos):
            return None
        pos = int(pos)
    if starts is not None and 0 <= pos <= len(text):
        return bisect.bisect_right(starts, pos)
    return text.count("\n", 0, pos) + 1


def _fig_ref(view, rec: dict, metric: str) -> str:
    v = view_of(view)
    line = _line(v.text, rec.get("start"), v.line_starts)
    quote = str(rec.get("quote") or "").replace("\n", "")
    return f"prose:{metric}@line {line if line is not None else '?'} \u201c{quote}\u201d"


def _review_topic(label: str, value: float) -> list[str]:
    """``admin_review``/``admin_litigation`` named by a label (the last word wins unless the value is 0)."""
    rv, lt = label.rfind("复议"), label.rfind("诉讼")
    if rv < 0 and lt < 0:
        return []
    if rv >= 0 and lt >= 0 and value == 0:
        return ["admin_review", "admin_litigation"]
    return ["admin_review"] if rv > lt else ["admin_litigation"]


def prose_figures(view) -> pd.DataFrame | None:
    """Return this year's prose figures, reassigned where a label names 复议/诉讼; None if unavailable.

    Returns a frame with the figures' columns plus ``check_metric``.
    """
    fig = view.figures
    if fig is None:
        return None
    if not len(fig):
        return fig.assign(check_metric=pd.Series(dtype="string"))
    if "about_year" in fig.columns:
        fig = fig[fig["about_year"].isna()]
    rows = _reassign(fig.to_dict("records"))
    out = pd.DataFrame(rows, columns=[*fig.columns, "check_metric"])
    if "start" in out.columns:  # one statement split into two metrics and also given as one
        out = out.drop_duplicates(["check_metric", "start", "value"])
    return out


def _reassign(records: list[dict]) -> list[dict]:
    rows = []
    for rec in records:
        metric = str(rec.get("metric"))
        label = str(rec.get("label") or "")
        value = rec.get("value")
        if value is None or pd.isna(value):
            continue
        if metric.startswith(("requests_", "admin_review", "admin_litigation")):
            topics = _review_topic(label, value)
            if topics:
                for t in topics:
                    rows.append({**rec, "check_metric": t})
                continue
        rows.append({**rec, "check_metric": metric})
    return rows


def _prose_records(fig: pd.DataFrame, raw: list[dict] | None = None) -> tuple[list[dict], set[str]]:
    """:func:`prose_figures` as records (and the columns it has), for the checks.

    ``raw``: the rows the figures frame was made of (``fig.to_dict("records")``
    without the frame round trip), where the report kept them.
    """
    columns = {*fig.columns, "check_metric"}
    if not len(fig):
        return [], columns
    records = raw if raw is not None else _records(fig)
    if "about_year" in columns:
        records = [r for r in records if r["about_year"] is None or pd.isna(r["about_year"])]
    rows = _reassign(records)
    if "start" in columns:  # one statement split into two metrics and also given as one
        seen: set = set()
        kept = []
        for r in rows:
            key = (r["check_metric"], r["start"], r.get("value"))
            if key not in seen:
                seen.add(key)
                kept.append(r)
        rows = kept
    return rows, columns


def _records(df: pd.DataFrame) -> list[dict]:
    """``df.to_dict("records")`` (missing values of extension columns as to_dict gives them)."""
    return df.to_dict("records")


def _figures_of(view, metrics, columns_needed=()) -> list[dict] | None:
    got = view_of(view).figure_records()
    if got is None:
        return None
    recs, columns = got
    for c in columns_needed:
        if c not in columns:
            raise KeyError(c)
    if metrics is not None:
        recs = [r for r in recs if r["check_metric"] in metrics]
    return recs


def _sum_terms(terms: list[Term]) -> tuple[float | None, str]:
    bad = [t for t in terms if not t.usable]
    if bad:
        return None, "; ".join(f"{t.ref} is {t.kind}" for t in bad)
    if all(t.kind == "empty" for t in terms):
        return None, "every table cell is printed empty"
    return sum(t.value or 0 for t in terms), ""


def _figure_checks(view, check_id: str, metrics: tuple[str, ...] | None, table_terms, *, keep=None) -> Iterator[dict]:
    """Compare each prose figure of ``metrics`` (None: any) with the table value ``table_terms(label, rec)``."""
    view = view_of(view)
    figs = _figures_of(view, metrics)
    if figs is None:
        yield result(check_id, "prose", "not-assessable", message=f"figures unavailable: {view.figures_error}")
        return
    if keep is not None and figs:
        figs = [rec for rec in figs if keep(dict(rec))]
    if not figs:
        what = "/".join(metrics) if metrics else check_id.split(".")[1]
        yield result(check_id, "prose", "not-assessable", message=f"the prose states no {what} figure")
        return
    for rec in figs:
        rec = dict(rec)
        label = str(rec.get("label") or "")
        fref = _fig_ref(view, rec, str(rec.get("metric")))
        got = table_terms(label, rec)
        if got is None:
            continue
        subject, terms, what = got
        cells = [fref, *(t.ref for t in terms)]
        tv, problem = _sum_terms(terms) if terms else (None, "table not found")
        pv = float(rec["value"])
        if tv is None:
            yield result(check_id, subject, "not-assessable", pv, None, cells, f"prose {pv:g} vs {what}: not assessable: {problem}")
            continue
        ok = pv == tv
        msg = f"prose {pv:g} {'=' if ok else '≠'} {what} {tv:g}"
        extra = rec.get("_note")
        if not ok and extra:
            msg += f" ({extra})"
        yield result(check_id, subject, "pass" if ok else "fail", pv, tv, cells, msg)


def _t3_total(view, row: str) -> list[Term]:
    cells = _t3(view)
    return [cells.term(row, "total")] if cells else []


_RECEIVED_NOT = re.compile(r"历年|截至|截止")
_RECEIVED_WORDS = re.compile(r"申请|受理|收到|接到|接收|新收")


@register("PROSE.requests_received")
def prose_received(view) -> Iterator[dict]:
    """收到申请 N件 (prose) = 本年新收 (table 3)."""
    cells = _t3(view)

    def terms(label, rec):
        t = _t3_total(view, "new_requests")
        if t and cells.has_row("carried_over"):
            new, old = cells.term("new_requests", "total"), cells.term("carried_over", "total")
            if new.usable and old.usable and (new.value or 0) + (old.value or 0) == rec["value"] and old.value:
                rec["_note"] = f"= 本年新收 + 上年结转 ({(new.value or 0) + old.value}): the prose counts carried-over requests too"
        return "new_requests/total", t, "本年新收"

    def keep(rec):
        label = str(rec.get("label") or "")
        parent = rec.get("parent")
        return (
            not _RECEIVED_NOT.search(label)
            and (parent is None or pd.isna(parent))
            and (rec["value"] == 0 or bool(_RECEIVED_WORDS.search(label)))
        )

    yield from _figure_checks(view, "PROSE.requests_received", ("requests_received",), terms, keep=keep)


@register("PROSE.requests_carried_over")
def prose_carried_over(view) -> Iterator[dict]:
    """上年结转 N件 (prose) = 上年结转 (table 3)."""
    yield from _figure_checks(view, "PROSE.requests_carried_over", ("requests_carried_over",),
                              lambda label, rec: ("carried_over/total", _t3_total(view, "carried_over"), "上年结转"))  # fmt: skip


@register("PROSE.requests_answered")
def prose_answered(view) -> Iterator[dict]:
    """办结/答复 N件 (prose) = (七)总计 (table 3)."""
    yield from _figure_checks(view, "PROSE.requests_answered", ("requests_answered",),
                              lambda label, rec: ("total/total", _t3_total(view, "total"), "(七)总计"))  # fmt: skip


@register("PROSE.requests_carried_forward")
def prose_carried_forward(view) -> Iterator[dict]:
    """结转下年度 N件 (prose) = 结转下年度继续办理 (table 3)."""
    yield from _figure_checks(view, "PROSE.requests_carried_forward", ("requests_carried_forward",),
                              lambda label, rec: ("carried_forward/total", _t3_total(view, "carried_forward"),
                                                  "结转下年度继续办理"))  # fmt: skip


_OUTCOMES = (
    ("部分公开", "partly_granted", "部分公开"),
    ("不予公开", "withheld", "不予公开"),
    ("无法提供", "unable", "无法提供"),
    ("不予处理", "rejected", "不予处理"),
    ("其他处理", "other", "其他处理"),
    ("予以公开|同意公开|属于已主动公开", "granted", "予以公开"),
)
_OUTCOME_RES = tuple((re.compile(p), key, zh) for p, key, zh in _OUTCOMES)


_OUTCOME_WORDS = "|".join(p for p, _, _ in _OUTCOMES)
_OUTCOME_WORDS_RE = re.compile(_OUTCOME_WORDS)


@register("PROSE.requests_outcome")
def prose_outcome(view) -> Iterator[dict]:
    """Each outcome the prose states = that outcome in table 3."""
    cells = _t3(view)

    def terms(label, rec):
        hit = next((o for o in _OUTCOME_RES if o[0].search(label)), None)
        if hit is None:
            return None
        _, key, zh = hit
        if not cells:
            return key, [], zh
        if key in ("granted", "partly_granted"):
            return f"{key}/total", [cells.term(key, "total")], zh
        if key == "other" and cells.has_row("other_handled"):
            return "other_handled/total", [cells.term("other_handled", "total")], zh
        use, missing = _outcome_rows(view, cells)
        rows = [k for k in [*use, *missing] if k == key or k.startswith(key + "_")]
        return f"{key}/total", [cells.term(k, "total") for k in rows], f"{zh} (Σ {len(rows)} rows)"

    def keep(rec):
        label = str(rec.get("label") or "")
        if "等" in label:  # 不予公开等其他类型: several outcomes together
            return False
        if rec["check_metric"] == "unclassified":  # 非我局职能不予公开3件: an outcome the figures left unclassified
            return str(rec.get("unit")) in ("件", "条", "个") and bool(_OUTCOME_WORDS_RE.search(label))
        return True

    yield from _figure_checks(view, "PROSE.requests_outcome", ("requests_outcome", "unclassified"), terms, keep=keep)


_DOC_EXCLUDE = re.compile(r"政策|不|规章|解读|法规|制度")


@register("PROSE.normative_documents")
def prose_normative_documents(view) -> Iterator[dict]:
    """规范性文件 N件 (prose) = one of table 2's 规范性文件 cells."""
    t2 = view_of(view).cells("table2")

    def terms(label, rec):
        if not t2 or not t2.has_row("normative_documents"):
            return "normative_documents", [], "table 2 规范性文件"
        row = {c: t2.term("normative_documents", c) for c in t2.columns if ("normative_documents", c) in t2.data}
        if not all(t.usable and t.kind != "empty" for t in row.values()):
            return "normative_documents", list(row.values()), "table 2 规范性文件"
        col = min(row, key=lambda c: abs(row[c].value - rec["value"]))
        rec["_note"] = "table 2 规范性文件 prints " + ", ".join(f"{c} {t.value:g}" for c, t in row.items())
        return f"normative_documents/{col}", [row[col]], f"table 2 规范性文件 {col}"

    def keep(rec):
        label = str(rec.get("label") or "")
        return "规范性文件" in label and not _DOC_EXCLUDE.search(label) and str(rec.get("unit")) in ("件", "份", "个", "条")

    yield from _figure_checks(view, "PROSE.normative_documents", None, terms, keep=keep)


def _t4(view) -> Cells:
    return view_of(view).cells("table4")


@register("PROSE.admin_review")
def prose_review(view) -> Iterator[dict]:
    """行政复议 N件 (prose) = 行政复议 总计 (table 4)."""
    cells = _t4(view)
    yield from _figure_checks(view, "PROSE.admin_review", ("admin_review",),
                              lambda label, rec: ("review/total", [cells.term("review", "total")] if cells else [],
                                                  "行政复议 总计"))  # fmt: skip


@register("PROSE.admin_litigation")
def prose_litigation(view) -> Iterator[dict]:
    """行政诉讼 N件 (prose) = 直接起诉 总计 + 复议后起诉 总计 (table 4)."""
    cells = _t4(view)
    yield from _figure_checks(
        view, "PROSE.admin_litigation", ("admin_litigation",),
        lambda label, rec: ("suit/total", [cells.term(p, "total") for p in ("suit_direct", "suit_after_review")] if cells else [],
                            "直接起诉 + 复议后起诉 总计"),
    )  # fmt: skip


def _t2_fee_term(view) -> Term | None:
    for rec in view_of(view).records("table2"):
        if rec["row"] == "fees" and rec["column"] == "fee_amount":
            v = rec["value"]
            return Term(cell_ref("table2", "fees", "fee_amount", rec["line"]), None if v is None else float(v), rec["kind"],
                        rec["certainty"])  # fmt: skip
    return None


_MONEY = {"元": 1e-4, "万元": 1.0, "亿元": 1e4}


@register("PROSE.admin_fees")
def prose_admin_fees(view) -> Iterator[dict]:
    """行政事业性收费 (prose, 万元) = 本年收费金额 (table 2)."""
    view = view_of(view)
    figs = _figures_of(view, None, ("check_metric", "unit"))
    if figs is None:
        yield result("PROSE.admin_fees", "prose", "not-assessable", message=f"figures unavailable: {view.figures_error}")
        return
    figs = [r for r in figs if r["check_metric"] == "admin_fees" and r.get("unit") in _MONEY]
    if not figs:
        yield result("PROSE.admin_fees", "prose", "not-assessable", message="the prose states no 行政事业性收费 amount")
        return
    term = _t2_fee_term(view)
    for rec in figs:
        pv = float(rec["value"]) * _MONEY[rec["unit"]]
        cells = [_fig_ref(view, rec, "admin_fees")] + ([term.ref] if term else [])
        if term is None or not term.usable or term.kind == "empty":
            why = "table 2 has no 本年收费金额 (2019 template, or row not found)" if term is None else f"{term.ref} is {term.kind}"
            yield result("PROSE.admin_fees", "fees/fee_amount", "not-assessable", pv, None, cells, f"not assessable: {why}")
            continue
        decimals = len(f"{float(rec['value']):g}".partition(".")[2]) + {"元": 4, "万元": 0, "亿元": -4}[rec["unit"]]
        ok = round(term.value, max(decimals, 0)) == round(pv, max(decimals, 0))
        msg = f"prose {pv:g} 万元 {'=' if ok else '≠'} table 2 本年收费金额 {term.value:g} 万元"
        yield result("PROSE.admin_fees", "fees/fee_amount", "pass" if ok else "fail", pv, term.value, cells, msg)


# --- fees ----------------------------------------------------------------------------

_SPECIFIC_FEE = re.compile(r"信息处理费|处理费|依申请|申请人|信息公开")


@register("FEES.contradiction")
def fees_contradiction(view) -> Iterator[dict]:
    """Table 2 prints fees but section 六 says no fees at all were charged."""
    view = view_of(view)
    term = _t2_fee_term(view)
    if term is None or not term.usable or term.kind == "empty":
        why = "table 2 has no 本年收费金额 (2019 template, or row not found)" if term is None else f"{term.ref} is {term.kind}"
        yield result("FEES.contradiction", "fees", "not-assessable", cells=[term.ref] if term else [],
                     message=f"not assessable: {why}")  # fmt: skip
        return
    if not term.value:
        yield result("FEES.contradiction", "fees", "pass", term.value, None, [term.ref],
                     "table 2 prints no fees (0): nothing to contradict")  # fmt: skip
        return
    got = view.figure_records()
    if got is None:
        yield result("FEES.contradiction", "fees", "not-assessable", term.value, None, [term.ref],
                     f"figures unavailable: {view.figures_error}")  # fmt: skip
        return
    figs, columns = got
    if "value" not in columns:
        raise KeyError("value")
    nil = [r for r in figs if r["check_metric"] == "fees_charged" and r["value"] == 0]
    if "section" in columns:
        nil = [r for r in nil if r.get("section") == "六"]
    generic = [rec for rec in nil if not _SPECIFIC_FEE.search(str(rec.get("sentence") or rec.get("quote")))]
    if generic:
        for rec in generic:
            yield result("FEES.contradiction", "fees", "fail", term.value, 0, [term.ref, _fig_ref(view, rec, "fees_charged")],
                         f"table 2 prints 行政事业性收费 {term.value:g} 万元 but section 六 says no fees were charged")  # fmt: skip
        return
    msg = "section 六 says nothing of fees" if not nil else "section 六 speaks of 信息处理费 only (another fee)"
    yield result("FEES.contradiction", "fees", "pass", term.value, None,
                 [term.ref, *(_fig_ref(view, r, "fees_charged") for r in nil)], msg)  # fmt: skip


# --- year ----------------------------------------------------------------------------

_PERIOD_RE = re.compile(
    r"(?P<y1>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*(?P<y2>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)
_YEAR_RE = re.compile(r"(?<![\d〔\[(《“\"-])(?P<y>(?:19|20)\d{2})\s*年(?P<du>度)?")
_OPENERS = "。;!?\n,:)"
_NOT_AFTER = re.compile(r"\s*(?:\d|月|以前|之前|以来|前|底前|起|—|-|~|至|到|\)|》|”|\")")
_TITLE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开)[^。\n]{0,6}年度?报告")


def year_mentions(text: str) -> list[tuple[int, int, int, str]]:
    """Mentions that tie the prose to a year: ``(year, start, end, why)`` in ``text``.

    ``why`` is ``period`` (统计期限 …1月1日至…12月31日), ``title`` (…年度报告)
    or ``opener`` (a sentence or clause that opens with the year).

    >>> [(y, w) for y, _, _, w in year_mentions("本报告统计数据从2022年1月1日至2022年12月31日。2023年,我局收到申请1件。")]
    [(2022, 'period'), (2022, 'period'), (2023, 'opener')]
    >>> year_mentions("按照《2021年工作要点》,截至2021年底,莆田市2024年1月2日")
    []
    """
    joined, off = _join(text)
    tables = _table_spans(joined)
    out: list[tuple[int, int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _PERIOD_RE.finditer(joined):
        for g in ("y1", "y2"):
            out.append((int(m.group(g)), off[m.start(g)], off[m.end(g)], "period"))
        taken.append(m.span())
    for m in _TITLE_RE.finditer(joined):
        if not any(s <= m.start() < e for s, e in taken):
            out.append((int(m.group("y")), off[m.start("y")], off[m.end("y")], "title"))
            taken.append(m.span())
    for m in _YEAR_RE.finditer(joined):
        s = m.start()
        if in_spans(s, tables) or any(a <= s < b for a, b in taken):
            continue
        j = s - 1
        while j >= 0 and joined[j] in " \t":
            j -= 1
        if j >= 0 and joined[j] not in _OPENERS:  # the text before (spaces aside) does not end a clause
            continue
        if _NOT_AFTER.match(joined, m.end()):
            continue
        out.append((int(m.group("y")), off[s], off[m.end("y")], "opener"))
    return sorted(out, key=lambda x: x[1])


@register("YEAR.other_year")
def year_other(view) -> Iterator[dict]:
    """Check that the prose names the report's year (or the next), not another."""
    year = view.year
    if year is None or view.text is None:
        yield result("YEAR.other_year", "prose", "not-assessable", message="the report year is not known")
        return
    mentions = year_mentions(view.text)
    bad = [(y, s, e, w) for y, s, e, w in mentions if y != year and not (y == year + 1 and w == "opener")]
    starts = view_of(view).line_starts if bad else None
    for y, s, e, why in bad:
        line = _line(view.text, s, starts)
        lo = max(0, view.text.rfind("\n", 0, s) + 1, s - 12)
        quote = view.text[lo : min(len(view.text), e + 16)].replace("\n", "")
        what = {"period": "the statistical period", "title": "the report's title", "opener": "a sentence"}[why]
        yield result("YEAR.other_year", f"line {line}", "fail", y, year, [f"text:year@line {line} \u201c{quote}\u201d"],
                     f"{what} speaks of {y}, the report is for {year} (copied from another year's report?)")  # fmt: skip
    if not bad:
        n = len(mentions)
        yield result("YEAR.other_year", "prose", "pass" if n else "not-assessable", None, year,
                     message=f"{n} year mention(s) checked, all {year}" if n else "the prose opens no sentence with a year")  # fmt: skip


# --- sections --------------------------------------------------------------------------

_SECTION_WORDS = {
    "五": re.compile(r"问题|改进|不足|整改|下一步|工作计划|努力方向"),
    "六": re.compile(r"其他|其它|需要报告|说明事项|应说明"),
}
_PASSAGE = {"五": re.compile(r"存在的?(?:主要)?问题|主要问题|改进情况|改进措施"), "六": re.compile(r"其他需要报告|其他事项")}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# The heading itself, up to the word that ends the template's title.
_HEADING_TITLE = {
    "五": re.compile(r"^\s*(?:#+\s*)?五\s*、[^。\n]{0,30}?(?:情况|措施|计划|方向|不足|问题)(?:及[^。\n\s]{0,12}?(?:情况|措施|计划|方向))?\s*[。:]?"),
    "六": re.compile(r"^\s*(?:#+\s*)?六\s*、[^。\n]{0,20}?(?:事项|情况)\s*[。:]?"),
}


@register("SECTION.missing")
def section_missing(view) -> Iterator[dict]:
    """Sections 五 and 六 are present and not empty."""
    text = view.text
    if not text:
        yield result("SECTION.missing", "text", "not-assessable", message="no text")
        return
    joined, off = _join(text)
    heads = _headings(joined)
    starts = view_of(view).line_starts
    for number in ("五", "六"):
        found = []
        for i, h in enumerate(heads):
            if h.number == number and _SECTION_WORDS[number].search(h.title[:20]):
                end = heads[i + 1].start if i + 1 < len(heads) else len(joined)
                body = _HEADING_TITLE[number].sub("", joined[h.start : end], count=1)
                found.append((len(_CJK.findall(body)), h))
        if found:
            size, h = max(found, key=lambda x: x[0])
            line = _line(text, off[h.start], starts)
            ref = f"text:section {number}@line {line}"
            if size:
                yield result("SECTION.missing", number, "pass", cells=[ref], message=f"{number}、{h.title[:16]} ({size} characters)")
            else:
                yield result("SECTION.missing", number, "fail", cells=[ref], message=f"section {number}、{h.title[:16]} is empty")
            continue
        m = _PASSAGE[number].search(joined)
        if m:
            line = _line(text, off[m.start()], starts)
            yield result("SECTION.missing", number, "pass", cells=[f"text:section {number}@line {line}"],
                         message=f"no heading {number}、…, but a passage on {m.group(0)} at line {line}")  # fmt: skip
        else:
            yield result("SECTION.missing", number, "fail", message=f"no section {number} (heading or passage) in the report")
