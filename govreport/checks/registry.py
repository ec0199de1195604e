"""The catalogue: every check with its id, formula, severity and kind.

A check is data (:class:`Check`) plus one function that yields result rows.
The metadata of every check lives in :data:`CATALOGUE`, in the order the
results are reported; the functions register themselves by id with
:func:`register`.

Result rows are built with :func:`result` (any comparison) or
:func:`identity` (an arithmetic identity over table cells, with the value
rules below applied in one place).

Value rules for identities
--------------------------
* A printed number (``number``, ``zero``) counts as printed.
* An ``empty`` cell (blank, —, /, 无) counts as **0** in a sum, and the
  result's message lists every cell so counted ("empty counted as 0: …").
  HTML pages print zeros as blank cells, so this is usually what is meant.
* An identity whose every cell on one side is empty is **not assessable**
  (nothing was printed to compare).
* A cell that is ``ambiguous``, ``unknown``, ``n/a``, ``missing`` (row not
  found) or a count that is not an integer makes the identity **not
  assessable**; it is never read as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "Check",
    "Term",
    "CATALOGUE",
    "STATUS",
    "SEVERITY",
    "KIND",
    "RESULT_COLUMNS",
    "CORPUS_COLUMNS",
    "register",
    "get",
    "catalogue",
    "result",
    "identity",
    "results_frame",
]

STATUS = ["pass", "fail", "not-assessable"]
SEVERITY = ["info", "warning", "error"]
KIND = ["agency", "extraction"]
RESULT_COLUMNS = [
    "report_id", "check_id", "severity", "kind", "subject", "status", "lhs", "rhs", "delta", "cells", "message",
]  # fmt: skip
CORPUS_COLUMNS = [*RESULT_COLUMNS[:1], "agency_id", "year", *RESULT_COLUMNS[1:]]


@dataclass(frozen=True)
class Check:
    """One check of the catalogue.

    Attributes
    ----------
    id : str
        ``T3.balance`` …; the part before the dot names the family.
    title : str
        A few words.
    formula : str
        The rule in words (English).
    formula_zh : str
        The rule in the report's own words.
    severity : {"error", "warning", "info"}
        How bad a failure is.  Only ``error`` failures make
        ``govreport check`` exit non-zero by default.
    kind : {"agency", "extraction"}
        ``agency``: a failure is the report's own inconsistency;
        ``extraction``: a failure is our doubt about what we read.
    scope : {"report", "corpus"}
        Run on one report, or across reports (years, levels).
    needs : str
        What the check reads (``table3``, ``figures`` …).

    """

    id: str
    title: str
    formula: str
    formula_zh: str
    severity: str
    kind: str
    scope: str
    needs: str
    func: Callable | None = field(default=None, compare=False, repr=False)


def _c(id, title, formula, formula_zh, severity, kind="agency", scope="report", needs="table3") -> Check:
    return Check(id, title, formula, formula_zh, severity, kind, scope, needs)


#: Every check, in report order.
CATALOGUE: dict[str, Check] = {
    c.id: c
    for c in [
        _c("T3.balance", "table 3 balance per column",
           "for each applicant column: 本年新收 + 上年结转 = (七)总计 + 结转下年度继续办理",
           "第一项加第二项之和，等于第三项加第四项之和（每一列）", "error"),
        _c("T3.total_is_sum", "(七)总计 is the sum of the outcomes",
           "for each applicant column: (七)总计 = the sum of every outcome row under 三 (sub-items, not group rows; "
           "a group row counts only where none of its sub-items is printed)",
           "（七）总计 = 三、本年度办理结果 各项之和（按细项计，不重复计分组行）", "error"),
        _c("T3.group_sum", "group rows are the sum of their items",
           "for each printed group row (不予公开, 无法提供, 不予处理, 其他处理) and column: group = the sum of its numbered items",
           "（三）不予公开 等分组行 = 其下各细项之和", "error"),
        _c("T3.row_sum", "总计 column is the sum of the applicants",
           "for each row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他; where 小计 is printed "
           "also 小计 = the five 法人或其他组织 columns",
           "总计 = 自然人 + 法人或其他组织（五列；印有小计的，小计 = 五列之和）", "error"),
        _c("T4.total", "table 4 totals",
           "for 行政复议, 未经复议直接起诉 and 复议后起诉: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
           "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结", "error", needs="table4"),
        _c("T2.negative", "no negative counts or amounts in table 2",
           "every table-2 count and amount is ≥ 0 (本年增/减 of the 2019 template may be negative)",
           "表二各项数量、金额不为负（2019年格式的“本年增/减”除外）", "error", needs="table2"),
        _c("T2.non_integer", "counts are whole numbers",
           "every table-2 cell that holds a count (件, 项) is an integer; only amounts (万元) carry decimals",
           "件数、项目数为整数（金额除外）", "error", needs="table2"),
        _c("T2.empty", "empty table-2 cells",
           "a table-2 cell printed empty (blank, —, /, 无) or 不适用: 0 or not applicable? The report does not say",
           "表二空白单元格：是 0 还是不适用？", "warning", needs="table2"),
        _c("PROSE.requests_received", "prose: requests received",
           "a figure the prose states for requests received this year (收到/受理申请 N件) = table 3 本年新收 (总计 column)",
           "正文“收到政府信息公开申请N件” = 表三 本年新收 总计", "warning", needs="figures"),
        _c("PROSE.requests_carried_over", "prose: carried over from last year",
           "a figure the prose states for requests carried over (上年结转 N件) = table 3 上年结转 (总计)",
           "正文“上年结转N件” = 表三 上年结转 总计", "warning", needs="figures"),
        _c("PROSE.requests_answered", "prose: requests answered",
           "a figure the prose states for requests answered or closed (答复/办结 N件) = table 3 (七)总计 (总计)",
           "正文“办结/答复N件” = 表三 （七）总计", "warning", needs="figures"),
        _c("PROSE.requests_carried_forward", "prose: carried forward to next year",
           "a figure the prose states for requests carried forward (结转下年度 N件) = table 3 结转下年度继续办理 (总计)",
           "正文“结转下年度N件” = 表三 结转下年度继续办理 总计", "warning", needs="figures"),
        _c("PROSE.requests_outcome", "prose: outcomes of requests",
           "a figure the prose states for one outcome (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理 N件) = "
           "that outcome in table 3 (总计; a group = the sum of its items)",
           "正文各办理结果件数 = 表三 对应办理结果", "warning", needs="figures"),
        _c("PROSE.normative_documents", "prose: normative documents",
           "a count the prose states for 规范性文件 (not 政策文件, not 规章) = one of table 2's 规范性文件 cells "
           "(本年制发/废止/现行有效, or 新制作/新公开/对外公开总数); the prose may count another measure",
           "正文“规范性文件N件” = 表二 规范性文件 某一栏", "warning", needs="figures"),
        _c("PROSE.admin_review", "prose: administrative reviews",
           "a figure the prose states for 行政复议 (N件) = table 4 行政复议 总计",
           "正文“行政复议N件” = 表四 行政复议 总计", "warning", needs="figures"),
        _c("PROSE.admin_litigation", "prose: lawsuits",
           "a figure the prose states for 行政诉讼 (N件) = table 4 未经复议直接起诉 总计 + 复议后起诉 总计",
           "正文“行政诉讼N件” = 表四 直接起诉 总计 + 复议后起诉 总计", "warning", needs="figures"),
        _c("PROSE.admin_fees", "prose: administrative fees",
           "a figure the prose states for 行政事业性收费 (万元) = table 2 本年收费金额",
           "正文“行政事业性收费N万元” = 表二 本年收费金额", "warning", needs="figures"),
        _c("YEAR.other_year", "prose speaks of another year",
           "the statistical period and every sentence that opens with a year (“2022年，…”, “2022年度…”) name the "
           "report year (the next year is allowed: plans, signature); another year suggests text copied from an "
           "earlier report",
           "统计期限及以年份开头的句子应为报告年度（“下一年”除外）", "warning", needs="text"),
        _c("SECTION.missing", "sections 五 and 六 present",
           "the report has a section 五、存在的主要问题及改进情况 and a section 六、其他需要报告的事项, neither empty",
           "第五、六部分齐全且不为空", "warning", needs="text"),
        _c("FEES.contradiction", "fees in table 2 vs section 六",
           "where table 2 prints 行政事业性收费 > 0, section 六 does not say that no fees at all were charged "
           "(a statement about 信息处理费 alone is no contradiction)",
           "表二有行政事业性收费，第六部分却称未收取任何费用", "warning", needs="figures"),
        _c("DOUBT.ambiguous", "cells we could not settle",
           "every cell is read as printed: none ambiguous (several readings fit) or unknown",
           "每个单元格读数唯一", "warning", kind="extraction", needs="tables"),
        _c("DOUBT.recovered", "cells recovered by arithmetic",
           "no cell's position had to be recovered from the template's arithmetic (crawls that lost separators)",
           "单元格位置无须依勾稽关系恢复", "info", kind="extraction", needs="tables"),
        _c("DOUBT.incomplete", "tables found incomplete",
           "tables 2, 3 and 4 are found with every template row",
           "表二、三、四及其各行齐全", "warning", kind="extraction", needs="tables"),
        _c("XY.carry_over", "carried over = last year's carried forward",
           "for the same agency and each applicant column: 上年结转 of year N = 结转下年度继续办理 of year N−1",
           "本年“上年结转” = 上年报告“结转下年度继续办理”", "warning", scope="corpus"),
        _c("XY.in_force", "documents in force follow from last year",
           "for the same agency, 规章 and 行政规范性文件: 现行有效件数 of year N = that of N−1 + 本年制发件数 − 本年废止件数 "
           "(2021 template)",
           "本年现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止", "warning", scope="corpus", needs="table2"),
        _c("SCOPE.parent_children", "a parent covers its children",
           "where a government's report covers its whole area (scope flag), its 本年新收 and (七)总计 ≥ the sum over "
           "the reports of its children (departments and lower governments) in the corpus for that year",
           "覆盖全域的政府报告数字 ≥ 其下属部门、下级政府报告之和", "info", scope="corpus"),
    ]
}  # fmt: skip


def register(check_id: str) -> Callable:
    """Attach a function to the check ``check_id`` of :data:`CATALOGUE`."""
    if check_id not in CATALOGUE:
        raise KeyError(f"check_id {check_id!r} is not in the catalogue; known: {', '.join(CATALOGUE)}")

    def deco(func: Callable) -> Callable:
        c = CATALOGUE[check_id]
        CATALOGUE[check_id] = Check(c.id, c.title, c.formula, c.formula_zh, c.severity, c.kind, c.scope, c.needs, func)
        return func

    return deco


def get(check_id: str) -> Check:
    """Return the check ``check_id`` (raises ``KeyError`` naming the known ids)."""
    try:
        return CATALOGUE[check_id]
    except KeyError:
        raise KeyError(f"check_id {check_id!r} is not in the catalogue; known: {', '.join(CATALOGUE)}") from None


def catalogue() -> pd.DataFrame:
    """Every check as one row: check_id, title, formula, formula_zh, severity, kind, scope, needs.

    >>> cat = catalogue()
    >>> cat.loc[cat.check_id == "T3.balance", ["severity", "kind"]].values.tolist()
    [['error', 'agency']]
    """
    rows = [
        {"check_id": c.id, "title": c.title, "formula": c.formula, "formula_zh": c.formula_zh,
         "severity": c.severity, "kind": c.kind, "scope": c.scope, "needs": c.needs}
        for c in CATALOGUE.values()
    ]  # fmt: skip
    df = pd.DataFrame(rows)
    df["check_id"] = pd.Categorical(df["check_id"], categories=list(CATALOGUE), ordered=True)
    df["severity"] = pd.Categorical(df["severity"], categories=SEVERITY, ordered=True)
    df["kind"] = pd.Categorical(df["kind"], categories=KIND, ordered=True)
    return df


# --- result rows -------------------------------------------------------------------


def _num(v):
    if v is None:
        return None
    t = type(v)
    if t is int:
        return int(float(v))
    if t is float:
        if v != v:
            return None
        return int(v) if v == int(v) else v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    f = float(v)
    return int(f) if f == int(f) else f


def result(check_id: str, subject: str, status: str, lhs=None, rhs=None, cells: Iterable[str] | str = (),
           message: str = "") -> dict:
    """One result row of check ``check_id`` (``delta = lhs - rhs`` where both are known)."""
    if status not in STATUS:
        raise ValueError(f"status {status!r}: expected one of {STATUS}")
    c = get(check_id)
    lhs, rhs = _num(lhs), _num(rhs)
    delta = _num(lhs - rhs) if lhs is not None and rhs is not None else None
    return {
        "check_id": c.id, "severity": c.severity, "kind": c.kind, "subject": subject, "status": status,
        "lhs": lhs, "rhs": rhs, "delta": delta,
        "cells": cells if isinstance(cells, str) else "; ".join(cells), "message": message,
    }  # fmt: skip


@dataclass(frozen=True)
class Term:
    """One cell in an identity: where it is, its value, kind and certainty."""

    ref: str
    value: int | float | None
    kind: str
    certainty: str = "printed"

    @property
    def usable(self) -> bool:
        """A printed number, or an empty cell (counted as 0)."""
        return (self.kind in ("number", "zero") and self.value is not None) or self.kind == "empty"


def _why(t: Term) -> str:
    if t.kind in ("number", "zero") and t.value is None:
        return f"{t.ref} is not an integer"
    return f"{t.ref} is {t.kind}"


def identity(check_id: str, subject: str, lhs: list[Term], rhs: list[Term], *, formula: str) -> dict:
    """Evaluate ``sum(lhs) == sum(rhs)`` under the value rules of this module."""
    terms = [*lhs, *rhs]
    cells = [t.ref for t in terms]
    bad = [t for t in terms if not t.usable]
    if bad:
        return result(check_id, subject, "not-assessable", cells=cells,
                      message=f"{formula}: not assessable: " + "; ".join(_why(t) for t in bad))  # fmt: skip
    for side, name in ((lhs, "left"), (rhs, "right")):
        if all(t.kind == "empty" for t in side):
            return result(check_id, subject, "not-assessable", cells=cells,
                          message=f"{formula}: not assessable: every cell on the {name} side is printed empty")  # fmt: skip
    lv = _num(sum(t.value or 0 for t in lhs))
    rv = _num(sum(t.value or 0 for t in rhs))
    ok = lv == rv
    msg = f"{formula}: {lv:g} {'=' if ok else '≠'} {rv:g}"
    empties = [t.ref for t in terms if t.kind == "empty"]
    if empties:
        msg += "; empty counted as 0: " + ", ".join(empties)
    recovered = [t.ref for t in terms if t.certainty == "recovered"]
    if not ok and recovered:
        msg += f"; {len(recovered)} cell(s) recovered from a broken crawl (our reading may be wrong)"
    return result(check_id, subject, "pass" if ok else "fail", lv, rv, cells, msg)


def results_frame(rows: Iterator[dict] | list[dict], *, corpus: bool = False) -> pd.DataFrame:
    """Rows from :func:`result` as a typed frame (categoricals in catalogue order)."""
    rows = list(rows)
    if corpus or not all(type(r) is dict for r in rows):
        return _results_frame_pandas(rows, corpus=corpus)
    from ..report import _cat_fast, _float_array, _frame, _str_array

    col = {c: [r.get(c) for r in rows] for c in RESULT_COLUMNS}
    out = {
        "report_id": _str_array(col["report_id"]),
        "check_id": _cat_fast(col["check_id"], list(CATALOGUE)),
        "severity": _cat_fast(col["severity"], SEVERITY),
        "kind": _cat_fast(col["kind"], KIND),
        "subject": _str_array(col["subject"]),
        "status": _cat_fast(col["status"], STATUS),
    }
    for c in ("lhs", "rhs", "delta"):
        out[c] = _float_array([None if v is None else float(v) for v in col[c]])
    out["cells"] = _str_array(col["cells"])
    out["message"] = _str_array(col["message"])
    return _frame(out)


def _results_frame_pandas(rows: list[dict], *, corpus: bool = False) -> pd.DataFrame:
    cols = CORPUS_COLUMNS if corpus else RESULT_COLUMNS
    df = pd.DataFrame(rows, columns=cols)
    df["report_id"] = df["report_id"].astype("string")
    df["check_id"] = pd.Categorical(df["check_id"], categories=list(CATALOGUE), ordered=True)
    df["severity"] = pd.Categorical(df["severity"], categories=SEVERITY, ordered=True)
    df["kind"] = pd.Categorical(df["kind"], categories=KIND, ordered=True)
    df["status"] = pd.Categorical(df["status"], categories=STATUS, ordered=True)
    for c in ("lhs", "rhs", "delta"):
        df[c] = pd.array([None if v is None else float(v) for v in df[c]], dtype="Float64")
    for c in ("subject", "cells", "message"):
        df[c] = df[c].astype("string")
    if corpus:
        df["agency_id"] = df["agency_id"].astype("string")
        df["year"] = pd.array(df["year"], dtype="Int64")
    return df.reset_index(drop=True)
