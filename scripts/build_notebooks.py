"""Write the curated notebooks (notebooks/*.ipynb) from this one file.

The notebooks are the product; this script only keeps their cells in one
reviewable place.  After editing, run it and execute the notebooks in the
test environment so the committed outputs are what nbval compares:

    .venv/bin/python scripts/build_notebooks.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """\
import matplotlib.pyplot as plt
import pandas as pd

import govreport
from govreport import analysis as A
from govreport import plotting as P
from govreport.datasets import load_corpus

P.use_style()
pd.set_option("display.max_rows", 60)
corpus = load_corpus()  # every real report in data/reports (parsed once, then cached)
corpus.summary()"""


def md(text: str):
    return nbf.v4.new_markdown_cell(text.strip())


def code(text: str, tags: list[str] | None = None):
    cell = nbf.v4.new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = tags
    return cell


NOTEBOOKS = {
    "01_disclosure_volumes": [
        md("""
# 主动公开 · Active disclosure volumes

**Question.** How much does each agency publish on its own initiative, through which channels, and
how many normative documents, licences and penalties does it report (table 2)?

Source: the real reports in `data/reports` (see `data/reports/MANIFEST.csv` for provenance). The
volumes are the figures the reports state in their prose (e.g. 主动公开信息351条); the counts come
from table 2 as printed. Each figure keeps the sentence it came from.
"""),
        code(SETUP),
        md("## Reports per year and template · 各年度报告数"),
        code("""pd.crosstab(corpus.reports["year"], corpus.reports["template"], margins=True, margins_name="all")"""),
        md("""
## Stated active-disclosure totals · 主动公开信息总数

The first total each report states (条/件/篇 as printed). A missing year means the report states
no total, not zero.
"""),
        code("""\
vol = A.disclosure_volumes(corpus)
totals = vol[(vol["channel"] == "total") & (vol["year"] >= 2019)]
table = totals.pivot_table(index="agency", columns="year", values="value", aggfunc="first")
table"""),
        code("""\
multi = totals.groupby("agency")["year"].transform("size") >= 4
ax = P.line_by_year(
    totals[multi], year="year", value="value", hue="agency",
    title=("主动公开信息总数（报告所述）", "Active disclosure totals stated in the reports"),
    ylabel=("条/件（对数坐标）", "items, log scale"), legend_title=("机关", "Agency"),
)
ax.set_yscale("log")
ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="机关 Agency", frameon=False)
plt.show()"""),
        md("## Channels · 公开渠道 (latest year each agency reports them)"),
        code("""\
ch = vol[vol["channel"] != "total"]
latest = ch[ch["year"] == ch.groupby("agency")["year"].transform("max")]
latest = latest.groupby(["agency", "channel_zh"], as_index=False)["value"].sum()
latest.pivot_table(index="agency", columns="channel_zh", values="value", aggfunc="sum")"""),
        code("""\
_ = P.share_bars(
    latest, x="agency", part="channel_zh", value="value",
    title=("主动公开渠道构成", "Where active disclosure is published (share of stated items)"),
    legend_title=("渠道", "Channel"),
)
plt.show()"""),
        md("""
## Table 2 counts · 主动公开政府信息情况（表二）

行政规范性文件 issued (本年制发; 本年新制作 in the 2019 template), and decisions on 行政许可,
行政处罚 and 行政强制, as printed. `unsure` counts cells the text did not settle (left out).
"""),
        code("""\
counts = A.active_counts(corpus)
counts = counts[counts["year"] >= 2019]
counts.pivot_table(index=["agency", "year"], columns="row", values="value", aggfunc="sum", observed=True)"""),
        code("""\
lic = counts[(counts["row"] == "licensing") & (counts["year"] == 2024)].sort_values("value")
_ = P.bar_by(
    lic, x="agency", y="value", horizontal=True, annotate=True,
    title=("2024年行政许可处理决定数量", "Licensing decisions, 2024 (table 2)"),
    xlabel=("件", "decisions"), ylabel=("机关", "Agency"),
)
plt.show()"""),
    ],
    "02_request_outcomes": [
        md("""
# 依申请公开 · Requests and their outcomes

**Question.** Who asks for information, what happens to the requests, and how much is carried over?

Table 3 of each report, as printed (总计 column for outcomes). Rates are ratios of sums over the
group shown, and small denominators (n < 30) are flagged rather than charted as precise.
"""),
        code(SETUP),
        md("## Who asks · 申请人构成 (本年新收, all agencies)"),
        code("""\
app = A.applicants(corpus, by=("year",))
app.pivot_table(index="year", columns="applicant_zh", values="requests", aggfunc="sum", observed=True)"""),
        code("""\
_ = P.share_bars(
    app, x="year", part="applicant_zh", value="requests",
    title=("申请人构成", "New requests by applicant type"), legend_title=("申请人", "Applicant"),
)
plt.show()"""),
        md("## Outcomes · 办理结果 (all agencies, by year)"),
        code("""\
out = A.outcomes(corpus, by=("year",))
out[["year", "outcome_zh", "outcome_en", "requests", "share", "n", "disclosure_rate", "small_n", "unsure"]]"""),
        code("""\
_ = P.share_bars(
    out, x="year", part="outcome_zh", value="requests",
    title=("办理结果构成", "Outcomes of requests handled (table 3, 总计 column)"),
    legend_title=("结果", "Outcome"),
)
plt.show()"""),
        md("""
## Disclosure rate by agency · 公开率（予以公开＋部分公开）/ 办理总数

All years pooled per agency; hollow points mark agencies with fewer than 30 requests handled.
"""),
        code("""\
rate = A.outcomes(corpus, by=("agency",)).drop_duplicates("agency")[["agency", "disclosure_rate", "n", "small_n"]]
rate = rate[rate["n"] > 0].sort_values("disclosure_rate").reset_index(drop=True)
rate"""),
        code("""\
_ = P.rate_points(
    rate, rate="disclosure_rate", n="n", by="agency",
    title=("公开率（所有年度合计）", "Disclosure rate, all years pooled"),
    xlabel=("（予以公开＋部分公开）/ 办理总数", "(granted + partly granted) / handled"),
)
plt.show()"""),
        md("## Carry-over · 上年结转与结转下年度"),
        code("""\
co = A.carry_over(corpus)
co[(co["carried_over"] > 0) | (co["carried_forward"] > 0)].reset_index(drop=True)"""),
    ],
    "03_hotline": [
        md("""
# 12345 热线 · Hotline work orders and response rates

**Question.** How many hotline work orders (12345 政务服务便民热线 and others) do agencies report,
and how do they say they answered them?

These figures exist only in the prose: the standard tables have no hotline section. Each row
keeps the words it was read from (`quote`). A rate is the share printed (回复率100% → 1.0); its
`n` is the number of work orders the same report states, and a rate without a stated count is
flagged as small-n.
"""),
        code(SETUP),
        code("""\
hot = A.hotline(corpus)
hot[["agency", "year", "metric", "metric_zh", "value", "share", "unit", "n", "channel", "quote"]]"""),
        code("""\
received = hot[hot["metric"] == "hotline_received"].copy()
received["label"] = received["agency"] + " " + received["year"].astype(str)
_ = P.bar_by(
    received.sort_values("value"), x="label", y="value", horizontal=True, annotate=True,
    title=("热线工单/诉求件数（报告所述）", "Hotline work orders received, as stated"),
    xlabel=("件", "work orders"), ylabel=("机关 年度", "Agency, year"),
)
plt.show()"""),
        md("## Rates · 回复率、办结率、满意率"),
        code("""\
rates = hot[hot["share"].notna()].copy()
rates["label"] = rates["agency"] + " " + rates["year"].astype(str) + " " + rates["metric_zh"]
rates = rates.reset_index(drop=True)
rates[["label", "share", "n", "small_n"]]"""),
        code("""\
md_note = "Rates whose report states no work-order count cannot be weighed; they stay in the table above."
counted = rates[rates["n"].notna()]
_ = P.rate_points(
    counted, rate="share", n="n", by="label",
    title=("热线回复率与满意率（有工单数的报告）", "Hotline rates where the report states its work orders"),
    xlabel=("比率", "rate"),
)
plt.show()"""),
    ],
    "04_review_litigation": [
        md("""
# 行政复议与行政诉讼 · Administrative review and litigation

**Question.** How often are disclosure decisions challenged, and how often are they corrected?

Table 4 as printed. The correction rate is 结果纠正 / decided cases (总计 − 尚未审结), a ratio of
sums; with so few cases most rates are flagged small-n.
"""),
        code(SETUP),
        code("""\
rev = A.reviews_summary(corpus, by=("year",))
rev[["year", "proceeding_label", "total", "upheld", "corrected", "other", "pending", "decided", "correction_rate", "small_n"]]"""),
        code("""\
_ = P.bar_by(
    rev[rev["year"] >= 2019], x="year", y="total", hue="proceeding_label",
    title=("复议与诉讼案件数", "Reviews and lawsuits over disclosure, all agencies"),
    ylabel=("件", "cases"), legend_title=("程序", "Proceeding"),
)
plt.show()"""),
        code("""\
pooled = A.reviews_summary(corpus, by=())
pooled[["proceeding_label", "total", "decided", "corrected", "correction_rate", "small_n"]]"""),
        code("""\
_ = P.rate_points(
    pooled, rate="correction_rate", n="decided", by="proceeding_label",
    title=("纠正率（所有年度合计）", "Correction rate, all years pooled"),
    xlabel=("结果纠正 / 已审结", "corrected / decided"),
)
plt.show()"""),
    ],
    "05_data_quality": [
        md("""
# 数据质量 · Where the numbers don't add up

**Question.** Which of the reports' own identities fail, where, and where is *our reading* unsure?

Two kinds of result are kept apart: `agency` checks are the report's own arithmetic and prose
(勾稽关系: 本年新收 + 上年结转 = 总计 + 结转下年度, outcome rows sum to 总计, prose figures
against the tables, last year's carry-over …); `extraction` checks are our doubts (cells whose
positions a crawl lost and the template's arithmetic restored, cells left ambiguous).
Numbers are never "fixed": a failure is reported with both sides and the cells involved.
"""),
        code(SETUP),
        md("## Every input accounted for · 读入情况"),
        code("""\
pd.Series(corpus.summary()).to_frame("count")"""),
        code("""\
corpus.errors[["source", "error", "reason"]]"""),
        md("## Checks by id · 各项检查"),
        code("""\
fails = A.check_failures(corpus)
fails"""),
        code("""\
top = fails[fails["fail"] > 0].copy()
top["label"] = top["check_id"] + " (" + top["kind"].astype(str) + ")"
_ = P.bar_by(
    top.sort_values("reports_failing"), x="label", y="reports_failing", horizontal=True, annotate=True,
    title=("各项检查未通过的报告数", "Reports failing each check"),
    xlabel=("报告数", "reports"), ylabel=("检查", "Check"),
)
plt.show()"""),
        md("## The report's own mistakes · 报告自身的不一致 (errors and warnings)"),
        code("""\
chk = corpus.frame("checks")
own = chk[(chk["kind"] == "agency") & (chk["status"] == "fail") & (chk["severity"] != "info")]
own[["agency", "year", "check_id", "subject", "lhs", "rhs", "delta", "cells"]].sort_values(["check_id", "agency", "year"]).reset_index(drop=True)"""),
    ],
    "06_agency_profile": [
        md("""
# 机关年度概况 · One agency across years: 三明市人民政府

**Question.** How did one city government's disclosure work change from year to year, and where
do its reports contradict themselves?

三明市人民政府 (division 350400) publishes a city-wide report; the corpus holds its reports for
2013 and 2019–2025 (2013 predates the standard tables: only prose figures and the old statistics
table exist).
"""),
        code(SETUP),
        code("""\
AGENCY = "350400-三明市人民政府"
prof = A.agency_profile(corpus, AGENCY)
prof"""),
        code("""\
long = prof.melt(id_vars="year", value_vars=["new_requests", "handled", "carried_forward"], var_name="measure", value_name="requests")
long["measure"] = long["measure"].map({
    "new_requests": "本年新收 New", "handled": "办理总数 Handled", "carried_forward": "结转下年度 Carried forward",
})
_ = P.line_by_year(
    long.dropna(), year="year", value="requests", hue="measure",
    title=("三明市人民政府：依申请公开", "Sanming city government: information requests"),
    ylabel=("件", "requests"), legend_title=("指标", "Measure"),
)
plt.show()"""),
        code("""\
_ = P.rate_points(
    prof.dropna(subset=["disclosure_rate"]).assign(label=lambda d: d["year"].astype(str)),
    rate="disclosure_rate", n="n", by="label",
    title=("三明市人民政府：公开率", "Sanming: disclosure rate by year"),
    xlabel=("（予以公开＋部分公开）/ 办理总数", "(granted + partly granted) / handled"),
)
plt.show()"""),
        md("## Where the reports disagree with themselves or with last year · 检查未通过"),
        code("""\
chk = corpus.frame("checks")
mine = chk[(chk["agency_id"] == AGENCY) & (chk["status"] == "fail") & (chk["kind"] == "agency")]
mine[["year", "check_id", "subject", "lhs", "rhs", "delta", "message"]].sort_values(["year", "check_id"]).reset_index(drop=True)"""),
    ],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook()
        nb.cells = cells
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nb.metadata["language_info"] = {"name": "python"}
        nbf.write(nb, OUT / f"{name}.ipynb")
        print(OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
