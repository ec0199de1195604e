"""The checks catalogue (issue: one catalogue of checks — arithmetic, prose against tables, years, levels).

Every check has a test with a real report where it passes and a real or edited report where it
fails, asserting the exact delta and cells.  "Edited" reports are copies of a real report's text
(the file as found) with one change made here; "synthetic" ones inject a single error into the
seed's table rows and must be flagged by exactly the check that should catch it.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pandas as pd
import pytest

import govreport
from govreport.checks import (
    CATALOGUE,
    KIND,
    RESULT_COLUMNS,
    SEVERITY,
    STATUS,
    catalogue,
    main_check,
    run_checks,
    run_corpus_checks,
    summary,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
SEED = "000_33126a39afb50b1e.txt"


# --- helpers ---------------------------------------------------------------------------


def _path(name: str) -> Path:
    p = SHARED / name
    if not p.exists():
        pytest.fail(f"real report {name} not found in {SHARED}")
    return p


@functools.cache
def real(name: str):
    """A real report as found, read once."""
    return govreport.read_report(_path(name))


def _set_values(line: str, values: list) -> str:
    cells = line.split("|")
    idx = [i for i, c in enumerate(cells) if re.fullmatch(r"\s*-?[\d.]+\s*", c)]
    assert len(idx) == len(values), f"{line!r} has {len(idx)} values, not {len(values)}"
    for i, v in zip(idx, values, strict=True):
        cells[i] = cells[i].replace(cells[i].strip(), str(v))
    return "|".join(cells)


def edited_text(name: str, *, values=None, replace=(), delete=(), insert=None) -> str:
    """The text of real report ``name`` as found, with the given edits.

    values: {line number: new numbers of that ``|``-separated row}; replace: (old, new) pairs
    (each must occur); delete: line numbers; insert: {line number: text} (inserted before it).
    """
    lines = _path(name).read_text(encoding="utf-8").split("\n")
    for n, vals in (values or {}).items():
        lines[n - 1] = _set_values(lines[n - 1], vals)
    text = "\n".join(lines)
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    lines = text.split("\n")
    for n in sorted(delete, reverse=True):
        del lines[n - 1]
    for n, t in sorted((insert or {}).items(), reverse=True):
        lines.insert(n - 1, t)
    return "\n".join(lines)


def edited(tmp_path: Path, name: str, **edits):
    p = tmp_path / f"edited_{name}"
    p.write_text(edited_text(name, **edits), encoding="utf-8")
    return govreport.read_report(p)


def rows(checks: pd.DataFrame, check_id: str, status: str | None = None) -> pd.DataFrame:
    sel = checks[checks["check_id"] == check_id]
    return sel if status is None else sel[sel["status"] == status]


def failed(checks: pd.DataFrame, kind: str | None = None) -> set[str]:
    f = checks[checks["status"] == "fail"]
    if kind:
        f = f[f["kind"] == kind]
    return set(f["check_id"].astype(str))


def triples(df: pd.DataFrame) -> list[tuple]:
    return [(r["subject"], r["lhs"], r["rhs"], r["delta"]) for r in df.to_dict("records")]


def t3_refs(row: str, col: str, lines: dict[str, int]) -> str:
    return "; ".join(f"table3:{r}/{col}@line {lines[r]}" for r in row.split(","))


SEED_LINES = {"new_requests": 28, "carried_over": 29, "total": 51, "carried_forward": 52}


# --- the catalogue ---------------------------------------------------------------------


# Which test covers each check (a check without a test fails the catalogue test).
CHECK_TESTS = {
    "T3.balance": "test_t3_balance",
    "T3.total_is_sum": "test_t3_total_is_sum",
    "T3.group_sum": "test_t3_group_sum",
    "T3.row_sum": "test_t3_row_sum",
    "T4.total": "test_t4_total",
    "T2.negative": "test_t2_negative",
    "T2.non_integer": "test_t2_non_integer",
    "T2.empty": "test_t2_empty",
    "PROSE.requests_received": "test_prose_requests_received",
    "PROSE.requests_carried_over": "test_prose_requests_carried_over",
    "PROSE.requests_answered": "test_prose_requests_answered",
    "PROSE.requests_carried_forward": "test_prose_carried_forward_review_litigation",
    "PROSE.requests_outcome": "test_prose_requests_outcome",
    "PROSE.normative_documents": "test_prose_normative_documents",
    "PROSE.admin_review": "test_prose_carried_forward_review_litigation",
    "PROSE.admin_litigation": "test_prose_carried_forward_review_litigation",
    "PROSE.admin_fees": "test_prose_admin_fees",
    "YEAR.other_year": "test_year_other_year",
    "SECTION.missing": "test_section_missing",
    "FEES.contradiction": "test_fees_contradiction",
    "DOUBT.ambiguous": "test_doubt_ambiguous",
    "DOUBT.recovered": "test_doubt_recovered",
    "DOUBT.incomplete": "test_doubt_incomplete",
    "XY.carry_over": "test_xy_carry_over",
    "XY.in_force": "test_xy_in_force",
    "SCOPE.parent_children": "test_scope_parent_children",
}


def test_catalogue_lists_every_check_with_formula_severity_kind():
    cat = catalogue()
    assert list(cat.columns) == ["check_id", "title", "formula", "formula_zh", "severity", "kind", "scope", "needs"]
    assert cat["check_id"].is_unique and len(cat) == len(CATALOGUE)
    assert set(cat["severity"].astype(str)) <= set(SEVERITY) and set(cat["kind"].astype(str)) <= set(KIND)
    assert (cat["formula"].str.len() > 20).all() and (cat["formula_zh"].str.len() > 5).all()
    assert all(c.func is not None for c in CATALOGUE.values() if c.scope == "report")
    assert set(cat.loc[cat["scope"] == "corpus", "check_id"].astype(str)) == {"XY.carry_over", "XY.in_force", "SCOPE.parent_children"}
    assert set(cat.loc[cat["kind"] == "extraction", "check_id"].astype(str)) == {"DOUBT.ambiguous", "DOUBT.recovered", "DOUBT.incomplete"}
    # every check has its pass/fail test in this file
    assert set(CHECK_TESTS) == set(CATALOGUE)
    assert all(callable(globals()[t]) for t in CHECK_TESTS.values())


def test_results_frame_schema():
    c = real(SEED).checks
    assert list(c.columns) == RESULT_COLUMNS
    assert list(c["status"].cat.categories) == STATUS and c["status"].cat.ordered
    assert list(c["severity"].cat.categories) == SEVERITY
    assert list(c["check_id"].cat.categories) == list(CATALOGUE)
    assert str(c["lhs"].dtype) == "Float64" and str(c["delta"].dtype) == "Float64"
    assert (c["report_id"] == real(SEED).report_id).all()


def test_seed_passes_every_check_that_can_run():
    c = real(SEED).checks
    assert failed(c) == set()
    assert set(c["check_id"].astype(str)) == {k for k, v in CATALOGUE.items() if v.scope == "report"}
    na = set(c.loc[c["status"] == "not-assessable", "check_id"].astype(str))
    # nothing to compare: no group rows printed, no such figure in the prose
    assert na == {"T3.group_sum", "PROSE.requests_carried_over", "PROSE.requests_carried_forward",
                  "PROSE.requests_outcome", "PROSE.normative_documents", "PROSE.admin_fees"}
    assert (rows(c, "T3.row_sum", "pass")["subject"].tolist()) == list(real(SEED).requests["row"].astype(str).unique())


# --- table 3 ---------------------------------------------------------------------------


def test_t3_balance(tmp_path):
    assert len(rows(real(SEED).checks, "T3.balance", "pass")) == 7
    # edited seed: 上年结转 gets one 商业企业 request (and its 总计): the balance breaks in two columns
    c = edited(tmp_path, SEED, values={29: [0, 1, 0, 0, 0, 0, 1]}).checks
    bad = rows(c, "T3.balance", "fail")
    assert triples(bad) == [("commercial", 1, 0, 1), ("total", 2, 1, 1)]
    assert bad["cells"].iloc[1] == (
        "table3:new_requests/total@line 28; table3:carried_over/total@line 29; "
        "table3:total/total@line 51; table3:carried_forward/total@line 52"
    )
    assert failed(c) == {"T3.balance"}


def test_t3_total_is_sum(tmp_path):
    assert len(rows(real("034_sanming_szf_2025_page.txt").checks, "T3.total_is_sum", "pass")) == 7
    c = edited(tmp_path, SEED, values={30: [2, 0, 0, 0, 0, 0, 2]}).checks  # 予以公开 1 -> 2
    bad = rows(c, "T3.total_is_sum", "fail")
    assert triples(bad) == [("natural_person", 1, 2, -1), ("total", 1, 2, -1)]
    cells = bad["cells"].iloc[0].split("; ")
    assert cells[:3] == ["table3:total/natural_person@line 51", "table3:granted/natural_person@line 30",
                         "table3:partly_granted/natural_person@line 31"]
    assert len(cells) == 22 and cells[-1] == "table3:other_other/natural_person@line 50"
    assert failed(c) == {"T3.total_is_sum"}


def test_t3_group_sum(tmp_path):
    # no real report in the set prints a group row with its own values: synthetic reports (the
    # seed with a printed （三）不予公开 row inserted before line 32)
    ok = edited(tmp_path, SEED, insert={32: "(三)不予公開 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |"}).checks
    assert len(rows(ok, "T3.group_sum", "pass")) == 7 and failed(ok) == set()
    bad_c = edited(tmp_path, SEED, insert={32: "(三)不予公開 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | |"}).checks
    bad = rows(bad_c, "T3.group_sum", "fail")
    assert triples(bad) == [("withheld/natural_person", 1, 0, 1), ("withheld/total", 1, 0, 1)]
    assert bad["cells"].iloc[1].startswith("table3:withheld/total@line 32; table3:withheld_state_secret/total@line 33;")
    assert bad["cells"].iloc[1].endswith("table3:withheld_query/total@line 40")
    assert failed(bad_c) == {"T3.group_sum"}
    # the group row is not counted again in (七)总计
    assert rows(bad_c, "T3.total_is_sum", "fail").empty


def test_t3_row_sum(tmp_path):
    assert len(rows(real("032_sanming_szf_2022_page.txt").checks, "T3.row_sum", "pass")) == 25
    # 上年结转 and 结转下年度 总计 both +1 (the balance still holds): two rows no longer add up
    c = edited(tmp_path, SEED, values={29: [0, 0, 0, 0, 0, 0, 1], 52: [0, 0, 0, 0, 0, 0, 1]}).checks
    bad = rows(c, "T3.row_sum", "fail")
    assert triples(bad) == [("carried_over", 1, 0, 1), ("carried_forward", 1, 0, 1)]
    assert bad["cells"].iloc[0] == "; ".join(
        f"table3:carried_over/{col}@line 29"
        for col in ["total", "natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"]
    )
    assert failed(c) == {"T3.row_sum"}


# --- table 4 ---------------------------------------------------------------------------


def test_t4_total(tmp_path):
    assert len(rows(real("034_sanming_szf_2025_page.txt").checks, "T4.total", "pass")) == 3
    # real break (025, a PDF): 行政复议 10+1+0+0 printed with 总计 0; 复议后起诉 维持 5 with 总计 0
    c = real("025_huaian_hongze_qzf_2023.pdf").checks
    bad = rows(c, "T4.total", "fail")
    assert triples(bad) == [("review", 0, 11, -11), ("suit_after_review", 0, 5, -5)]
    assert bad["cells"].iloc[0].split("; ")[0].startswith("table4:review/total@line ")
    assert len(bad["cells"].iloc[0].split("; ")) == 5
    assert failed(c, "agency") == {"T4.total"}
    # synthetic: seed with one 复议后起诉 结果维持 and its 总计 left 0
    s = edited(tmp_path, SEED, values={57: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]}).checks
    assert triples(rows(s, "T4.total", "fail")) == [("suit_after_review", 0, 1, -1)]
    assert rows(s, "T4.total", "fail")["cells"].iloc[0] == "; ".join(
        f"table4:suit_after_review/{o}@line 57" for o in ["total", "upheld", "corrected", "other", "pending"]
    )
    assert failed(s) == {"T4.total"}


# --- table 2 ---------------------------------------------------------------------------


def test_t2_negative(tmp_path):
    ok = rows(real(SEED).checks, "T2.negative")
    assert ok["status"].tolist() == ["pass"] and ok["message"].iloc[0] == "10 table-2 cells checked: none negative"
    # 2019 template: 本年增/减 may be negative and is not checked
    assert rows(real("037_putian_mzj_2019_page.txt").checks, "T2.negative")["status"].tolist() == ["pass"]
    c = edited(tmp_path, SEED, replace=[("行政許可 | 4 |", "行政許可 | -4 |")]).checks
    bad = rows(c, "T2.negative", "fail")
    assert triples(bad) == [("licensing/decisions", -4, 0, -4)]
    assert bad["cells"].tolist() == ["table2:licensing/decisions@line 16"]
    assert failed(c) == {"T2.negative"}


def test_t2_non_integer(tmp_path):
    assert rows(real("058_putian_cgj_2021_page.txt").checks, "T2.non_integer")["status"].tolist() == ["pass"]  # 170.42 万元 is an amount
    c = edited(tmp_path, SEED, replace=[("行政許可 | 4 |", "行政許可 | 4.5 |")]).checks
    bad = rows(c, "T2.non_integer", "fail")
    assert triples(bad) == [("licensing/decisions", 4.5, 4, 0.5)]
    assert bad["cells"].tolist() == ["table2:licensing/decisions@line 16"]
    assert failed(c) == {"T2.non_integer"}


def test_t2_empty(tmp_path):
    assert rows(real("043_putian_cgj_2025.html").checks, "T2.empty")["status"].tolist() == ["pass"]
    c = edited(tmp_path, SEED, replace=[("行政強制 | 0 |", "行政強制 | — |")]).checks
    bad = rows(c, "T2.empty", "fail")
    assert bad["subject"].tolist() == ["enforcement/decisions"] and bad["cells"].tolist() == ["table2:enforcement/decisions@line 20"]
    assert bad["lhs"].isna().all() and "0 or not applicable?" in bad["message"].iloc[0]
    assert failed(c) == {"T2.empty"}


# --- prose against tables ----------------------------------------------------------------


def test_prose_requests_received():
    ok = rows(real(SEED).checks, "PROSE.requests_received")
    assert triples(ok) == [("new_requests/total", 1, 1, 0)] and ok["status"].tolist() == ["pass"]
    assert ok["cells"].iloc[0] == "prose:requests_received@line 4 “收到政府信息公开申请事项1件”; table3:new_requests/total@line 28"
    # real: 006 prose 收到申请75件 (= 本年新收 74 + 上年结转 1)
    bad = rows(real("006_pingtan_2022_page.txt").checks, "PROSE.requests_received", "fail")
    assert triples(bad) == [("new_requests/total", 75, 74, 1)]
    # (page text run together: the prose and table 3 both sit on line 10)
    assert bad["cells"].iloc[0] == "prose:requests_received@line 10 “全区收到政府信息公开申请75件”; table3:new_requests/total@line 10"
    assert "carried-over" in bad["message"].iloc[0]


def test_prose_requests_carried_over(tmp_path):
    name = "034_sanming_szf_2025_page.txt"
    ok = rows(real(name).checks, "PROSE.requests_carried_over")
    assert triples(ok) == [("carried_over/total", 11, 11, 0)] and ok["status"].tolist() == ["pass"]
    c = edited(tmp_path, name, replace=[("上年结转11件", "上年结转12件")]).checks
    bad = rows(c, "PROSE.requests_carried_over", "fail")
    assert triples(bad) == [("carried_over/total", 12, 11, 1)]
    assert bad["cells"].iloc[0] == "prose:requests_carried_over@line 17 “上年结转12件”; table3:carried_over/total@line 102"
    assert failed(c) == {"PROSE.requests_carried_over"}


def test_prose_requests_answered():
    assert triples(rows(real(SEED).checks, "PROSE.requests_answered", "pass")) == [("total/total", 1, 1, 0)]
    # real: 029 prose 依法按时办结依申请公开事项403件 vs table 3 (七)总计 109
    bad = rows(real("029_sanming_szf_2019_page.txt").checks, "PROSE.requests_answered", "fail")
    assert triples(bad) == [("total/total", 403, 109, 294)]
    assert "依法按时办结依申请公开事项403件" in bad["cells"].iloc[0]
    assert re.search(r"; table3:total/total@line \d+$", bad["cells"].iloc[0])


def test_prose_carried_forward_review_litigation(tmp_path):
    name = "009_pingtan_2025_page.txt"
    c = real(name).checks
    assert triples(rows(c, "PROSE.requests_carried_forward", "pass")) == [("carried_forward/total", 6, 6, 0)]
    assert triples(rows(c, "PROSE.admin_review", "pass")) == [("review/total", 36, 36, 0)]  # 因…引发的行政复议36起
    assert triples(rows(c, "PROSE.admin_litigation", "pass")) == [("suit/total", 9, 9, 0)]  # 6 + 3
    e = edited(tmp_path, name, replace=[("结转至2026年6件", "结转至2026年7件"), ("行政复议36起", "行政复议35起"),
                                         ("行政诉讼9起", "行政诉讼8起")]).checks  # fmt: skip
    assert triples(rows(e, "PROSE.requests_carried_forward", "fail")) == [("carried_forward/total", 7, 6, 1)]
    assert triples(rows(e, "PROSE.admin_review", "fail")) == [("review/total", 35, 36, -1)]
    assert triples(rows(e, "PROSE.admin_litigation", "fail")) == [("suit/total", 8, 9, -1)]
    assert rows(e, "PROSE.admin_litigation", "fail")["cells"].iloc[0] == (
        "prose:admin_litigation@line 10 “行政诉讼8起”; table4:suit_direct/total@line 10; table4:suit_after_review/total@line 10"
    )
    assert failed(e) == {"PROSE.requests_carried_forward", "PROSE.admin_review", "PROSE.admin_litigation",
                         "DOUBT.ambiguous", "DOUBT.recovered"}  # the doubts are the real report's own


def test_prose_requests_outcome():
    ok = rows(real("034_sanming_szf_2025_page.txt").checks, "PROSE.requests_outcome", "pass")
    assert triples(ok) == [("granted/total", 172, 172, 0), ("partly_granted/total", 66, 66, 0)]
    # real: 052 prose 非我局职能不予公开3件, 无相关统计数据不予公开1件; table 3 puts all 4 under 无法提供
    bad = rows(real("052_putian_tjj_2020_page.txt").checks, "PROSE.requests_outcome", "fail")
    assert triples(bad) == [("withheld/total", 3, 0, 3), ("withheld/total", 1, 0, 1)]
    cells = bad["cells"].iloc[0].split("; ")
    assert "非我局职能不予公开3件" in cells[0]
    assert len(cells) == 9 and cells[1].startswith("table3:withheld_state_secret/total@line ")


def test_prose_normative_documents():
    ok = rows(real("031_sanming_szf_2021_page.txt").checks, "PROSE.normative_documents", "pass")
    assert triples(ok) == [("normative_documents/issued", 507, 507, 0)]
    # real: 039 prose 规范性文件类信息25件, table 2 prints 265 in all three 规范性文件 cells
    bad = rows(real("039_putian_szfbgs_2019_page.txt").checks, "PROSE.normative_documents", "fail")
    assert triples(bad) == [("normative_documents/made", 25, 265, -240)]
    assert "规范性文件类信息25件" in bad["cells"].iloc[0]
    assert re.search(r"; table2:normative_documents/made@line \d+$", bad["cells"].iloc[0])


def test_prose_admin_fees(tmp_path):
    name = "031_sanming_szf_2021_page.txt"
    assert triples(rows(real(name).checks, "PROSE.admin_fees", "pass")) == [("fees/fee_amount", 41994, 41994, 0)]
    c = edited(tmp_path, name, replace=[("\n1994万元。", "\n1995万元。")]).checks  # the prose prints "4" / "1994万元"
    bad = rows(c, "PROSE.admin_fees", "fail")
    assert triples(bad) == [("fees/fee_amount", 41995, 41994, 1)]
    assert bad["cells"].iloc[0] == "prose:admin_fees@line 80 “行政事业性收费41995万元”; table2:fees/fee_amount@line 222"
    assert failed(c, "agency") == {"PROSE.admin_fees"}


# --- year, sections, fees ----------------------------------------------------------------


def test_year_other_year(tmp_path):
    ok = rows(real(SEED).checks, "YEAR.other_year")
    assert ok["status"].tolist() == ["pass"] and ok["rhs"].tolist() == [2023]
    # every real report names its own year (signature dates and plans for next year allowed)
    for name in ("029_sanming_szf_2019_page.txt", "059_putian_sjj_2024_page.txt", "052_putian_tjj_2020_page.txt"):
        assert rows(real(name).checks, "YEAR.other_year")["status"].tolist() == ["pass"], name
    c = edited(tmp_path, SEED, replace=[("2023年度,收到", "2022年度,收到")]).checks  # "copied from last year"
    bad = rows(c, "YEAR.other_year", "fail")
    assert triples(bad) == [("line 4", 2022, 2023, -1)]
    assert bad["cells"].iloc[0] == "text:year@line 4 “(二)依申请公开情况。2022年度,收到政府信息公开申请事项1”"
    assert failed(c) == {"YEAR.other_year"}
    # the statistical period too
    p = edited(tmp_path, SEED, replace=[("從2023年1月1日至2023年12月31日", "從2022年1月1日至2022年12月31日")]).checks
    assert triples(rows(p, "YEAR.other_year", "fail")) == [("line 1", 2022, 2023, -1)] * 2


def test_section_missing(tmp_path):
    ok = rows(real(SEED).checks, "SECTION.missing")
    assert ok["status"].tolist() == ["pass", "pass"] and ok["cells"].tolist() == ["text:section 五@line 58", "text:section 六@line 61"]
    # 004 flattens 六、其他需要报告的事项 and its 无其他需要报告的事项 onto one line: not empty
    assert rows(real("004_pingtan_2019_page.txt").checks, "SECTION.missing")["status"].tolist() == ["pass", "pass"]
    empty5 = edited(tmp_path, SEED, delete=[59, 60]).checks  # section 五 heading left, its text removed
    bad = rows(empty5, "SECTION.missing", "fail")
    assert bad["subject"].tolist() == ["五"] and bad["cells"].tolist() == ["text:section 五@line 58"]
    assert bad["message"].iloc[0] == "section 五、存在的主要问题及改进情况 is empty"
    assert failed(empty5) == {"SECTION.missing"}
    no6 = edited(tmp_path, SEED, delete=[61, 62, 63]).checks
    bad = rows(no6, "SECTION.missing", "fail")
    assert bad["subject"].tolist() == ["六"] and bad["cells"].tolist() == [""]
    assert failed(no6) == {"SECTION.missing"}


def test_fees_contradiction(tmp_path):
    name = "058_putian_cgj_2021_page.txt"
    ok = rows(real(name).checks, "FEES.contradiction")
    # table 2 行政事业性收费 170.42 万元; 六 says the one request was answered 未收取任何费用 (信息处理费): no contradiction
    assert ok["status"].tolist() == ["pass"] and "信息处理费 only" in ok["message"].iloc[0]
    c = edited(tmp_path, name, replace=[("我局共收到1份依申请公开，未收取任何费用", "我局未收取任何费用")]).checks
    bad = rows(c, "FEES.contradiction", "fail")
    assert triples(bad) == [("fees", 170.42, 0, 170.42)]
    assert bad["cells"].iloc[0] == "table2:fees/fee_amount@line 49; prose:fees_charged@line 162 “未收取任何费”"
    assert failed(c, "agency") == {"FEES.contradiction"}


# --- extraction doubts -------------------------------------------------------------------


def test_doubt_ambiguous():
    assert rows(real(SEED).checks, "DOUBT.ambiguous")["status"].tolist() == ["pass"]
    # 042: table 2 行政规范性文件 '0 / 17' in a collapsing crawl: 本年废止件数 0 or 17
    bad = rows(real("042_putian_yjglj_2024_page.txt").checks, "DOUBT.ambiguous", "fail")
    assert triples(bad) == [("table2:normative_documents", 1, 0, 1)]
    assert re.fullmatch(r"table2:normative_documents/repealed@line \d+", bad["cells"].iloc[0])
    assert bad["kind"].tolist() == ["extraction"] and "17 | 0" in bad["message"].iloc[0]


def test_doubt_recovered():
    assert rows(real(SEED).checks, "DOUBT.recovered")["status"].tolist() == ["pass"]
    # 031: '1' + '62' and '2' + '7' split across lines by the crawl, merged back by the identities
    bad = rows(real("031_sanming_szf_2021_page.txt").checks, "DOUBT.recovered", "fail")
    assert triples(bad) == [("table3", 21, 0, 21)]
    assert [c.split("@")[0] for c in bad["cells"].iloc[0].split("; ")] == [
        "table3:new_requests/*", "table3:unable_not_held/*", "table3:total/*"]
    assert "(merged)" in bad["message"].iloc[0] and bad["severity"].tolist() == ["info"]


def test_doubt_incomplete(tmp_path):
    assert rows(real(SEED).checks, "DOUBT.incomplete")["status"].tolist() == ["pass"]
    c = edited(tmp_path, SEED, delete=[39]).checks  # the row 8.属于行政查询事项 removed
    bad = rows(c, "DOUBT.incomplete", "fail")
    assert triples(bad) == [("table3", 1, 0, 1)] and bad["cells"].tolist() == ["table3:withheld_query@missing"]
    assert failed(c) == {"DOUBT.incomplete"}
    # a missing row makes the sum not assessable: never read as 0
    na = rows(c, "T3.total_is_sum", "not-assessable")
    assert len(na) == 7 and "table3:withheld_query/total@missing is missing" in na["message"].iloc[-1]


# --- value rules -----------------------------------------------------------------------


def test_empty_cells_count_as_zero_and_say_so():
    c = real("027_shuyang_fgj_2023.html").checks  # the five 法人 columns printed blank
    r = rows(c, "T3.row_sum").set_index("subject").loc["new_requests"]
    assert r["status"] == "pass" and (r["lhs"], r["rhs"]) == (26, 26)
    assert "empty counted as 0: table3:new_requests/commercial@line" in r["message"]
    bal = rows(c, "T3.balance").set_index("subject")
    assert bal.loc["commercial", "status"] == "not-assessable"
    assert "every cell on the left side is printed empty" in bal.loc["commercial", "message"]
    assert bal.loc["total", "status"] == "pass"


def test_unknown_cells_are_not_assessable():
    c = real("047_putian_wlj_2019_page.txt").checks  # 30 '?' cells in table 3
    r = rows(c, "T3.row_sum").set_index("subject").loc["new_requests"]
    assert r["status"] == "not-assessable" and pd.isna(r["lhs"])
    assert "table3:new_requests/natural_person@line" in r["message"] and "is unknown" in r["message"]
    assert failed(c, "agency") == set()


class _NoFigures:
    """A report whose figures cannot be had (the figures module missing or failing)."""

    def __init__(self, report):
        self._r = report

    def __getattr__(self, name):
        if name == "figures":
            raise ImportError("No module named 'govreport.figures'")
        return getattr(self._r, name)


def test_without_figures_prose_checks_are_not_assessable():
    c = run_checks(_NoFigures(real("058_putian_cgj_2021_page.txt")))
    prose = c[c["check_id"].astype(str).str.startswith(("PROSE.", "FEES."))]
    assert set(prose["status"]) == {"not-assessable"}
    assert prose["message"].str.contains("figures unavailable: ImportError").all()
    assert set(rows(c, "T3.balance")["status"]) == {"pass"}


def test_a_failing_check_is_reported_not_raised():
    class Broken(_NoFigures):
        @property
        def requests(self):
            raise RuntimeError("boom")

    c = run_checks(Broken(real(SEED)), checks=["T3.balance", "T4.total"])
    assert c["status"].tolist() == ["not-assessable", "pass", "pass", "pass"]
    assert c["message"].iloc[0] == "the check failed: RuntimeError: boom"


# --- real reports: identities -------------------------------------------------------------

READABLE = sorted(p.name.removesuffix(".expected.json") for p in SHARED.glob("*.expected.json"))
# Error-severity failures that the real reports really have (their expected.json notes).
REAL_ERRORS = {
    "025_huaian_hongze_qzf_2023.pdf": {("T4.total", "review"), ("T4.total", "suit_after_review")},
}


@pytest.mark.parametrize("name", READABLE, ids=lambda n: n.split("_")[0] + "_" + n.split(".")[-1])
def test_real_reports_error_failures_are_the_known_ones(name):
    c = real(name).checks
    errors = c[(c["status"] == "fail") & (c["severity"] == "error")]
    assert set(zip(errors["check_id"].astype(str), errors["subject"], strict=True)) == REAL_ERRORS.get(name, set())
    assert not c["message"].str.startswith("the check failed").any()


# --- synthetic reports: one injected error, exactly one check ----------------------------

INJECTIONS = [
    ("balance", dict(values={29: [0, 1, 0, 0, 0, 0, 1]}), "T3.balance"),
    ("total_is_sum", dict(values={30: [2, 0, 0, 0, 0, 0, 2]}), "T3.total_is_sum"),
    ("group_sum", dict(insert={32: "(三)不予公開 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | |"}), "T3.group_sum"),
    ("row_sum", dict(values={29: [0, 0, 0, 0, 0, 0, 1], 52: [0, 0, 0, 0, 0, 0, 1]}), "T3.row_sum"),
    ("t4", dict(values={57: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]}), "T4.total"),
    ("negative", dict(replace=[("行政處罰 | 2 |", "行政處罰 | -2 |")]), "T2.negative"),
    ("non_integer", dict(replace=[("行政處罰 | 2 |", "行政處罰 | 2.5 |")]), "T2.non_integer"),
    ("empty", dict(replace=[("規(guī)章 | 0 | 0 | 0 |", "規(guī)章 | 0 | — | 0 |")]), "T2.empty"),
    ("year", dict(replace=[("2023年未出現(xiàn)因", "2021年未出現(xiàn)因")]), "YEAR.other_year"),
    ("section", dict(delete=[59, 60]), "SECTION.missing"),
    ("row_missing", dict(delete=[45]), "DOUBT.incomplete"),
]


@pytest.mark.parametrize("label,edits,check_id", INJECTIONS, ids=[i[0] for i in INJECTIONS])
def test_synthetic_injected_error_is_flagged_by_exactly_its_check(tmp_path, label, edits, check_id):
    c = edited(tmp_path, SEED, **edits).checks
    assert failed(c) == {check_id}


@pytest.mark.parametrize("label,edits", [
    ("normalised text", None),
    ("consistent change", dict(values={16: [5], 19: [3]})),  # 行政许可 4 -> 5, 行政处罚 2 -> 3
    ("one more request, everywhere", dict(values={28: [2, 0, 0, 0, 0, 0, 2], 30: [2, 0, 0, 0, 0, 0, 2],
                                                  51: [2, 0, 0, 0, 0, 0, 2]},
                                          replace=[("申請事項1件,按時答復1件", "申請事項2件,按時答復2件")])),
])  # fmt: skip
def test_synthetic_clean_reports_are_flagged_by_no_check(tmp_path, label, edits):
    if edits is None:
        p = tmp_path / "normalised.txt"
        p.write_text(real(SEED).text, encoding="utf-8")
        r = govreport.read_report(p)
    else:
        r = edited(tmp_path, SEED, **edits)
    assert failed(r.checks) == set()


# --- across a corpus -------------------------------------------------------------------------


def _corpus(reports):
    infos = pd.DataFrame([r.info() for r in reports])
    return infos, pd.concat([r.requests for r in reports]), pd.concat([r.active for r in reports])


def _032_carried(tmp_path, extra: int):
    """032 (三明市 2022) with ``extra`` more 上年结转 requests from 自然人, carried forward again.

    Its 上年结转 and 结转下年度 rows print one cell per line (CRLF); both 自然人 and 总计 cells
    of both rows get ``extra`` added, so the report's own identities still hold.
    """
    text = edited_text("032_sanming_szf_2022_page.txt").split("\n")
    assert text[214].startswith("二、上年结转") and text[450].startswith("四、结转下年度")
    for n in (216, 222, 452, 458):  # 自然人 and 总计 of each row
        text[n - 1] = str(int(text[n - 1]) + extra) + "\r"
    p = tmp_path / "edited_032.txt"
    p.write_text("\n".join(text), encoding="utf-8")
    return govreport.read_report(p)


def test_xy_carry_over(tmp_path):
    a, b = real("031_sanming_szf_2021_page.txt"), real("032_sanming_szf_2022_page.txt")
    cc = run_corpus_checks(*_corpus([a, b]))
    ok = rows(cc, "XY.carry_over")
    assert set(ok["status"]) == {"pass"} and len(ok) == 7
    assert ok["agency_id"].unique().tolist() == ["350400-三明市人民政府"] and ok["year"].unique().tolist() == [2022]
    assert ok["report_id"].unique().tolist() == [b.report_id]
    e = _032_carried(tmp_path, 1)
    # its own identities still hold (only the prose's 结转1件 now differs from the table's 2)
    assert failed(e.checks, "agency") == {"PROSE.requests_carried_forward"}
    bad = rows(run_corpus_checks(*_corpus([a, e])), "XY.carry_over", "fail")
    assert triples(bad) == [("natural_person (2021→2022)", 1, 0, 1), ("total (2021→2022)", 1, 0, 1)]
    assert bad["cells"].iloc[1] == (f"{e.report_id}:table3:carried_over/total@line 221; "
                                    f"{a.report_id}:table3:carried_forward/total@line 444")  # lines of report.text  # fmt: skip


def test_xy_in_force():
    a, b = real("031_sanming_szf_2021_page.txt"), real("032_sanming_szf_2022_page.txt")
    r = rows(run_corpus_checks(*_corpus([a, b])), "XY.in_force").set_index("subject")
    assert r.loc["rules (2021→2022)", "status"] == "pass"  # 7 + 0 − 2 = 5
    bad = r.loc["normative_documents (2021→2022)"]  # 3258 + 487 − 137 = 3608, printed 2545
    assert bad["status"] == "fail" and (bad["lhs"], bad["rhs"], bad["delta"]) == (2545, 3608, -1063)
    cells = bad["cells"].split("; ")
    assert [c.split("@")[0] for c in cells] == [
        f"{b.report_id}:table2:normative_documents/in_force", f"{a.report_id}:table2:normative_documents/in_force",
        f"{b.report_id}:table2:normative_documents/issued", f"{b.report_id}:table2:normative_documents/repealed"]
    # ambiguous 现行有效 (008/009 page text) is not assessable, never 0
    p = rows(run_corpus_checks(*_corpus([real("008_pingtan_2024_page.txt"), real("009_pingtan_2025_page.txt")])), "XY.in_force")
    assert p.set_index("subject").loc["normative_documents (2024→2025)", "status"] == "not-assessable"


def test_scope_parent_children():
    # synthetic levels from real reports: 034 (三明市, whole-city figures '全市新受理…400件') as the parent,
    # two real department reports relabelled as county governments of 三明市 (350481, 350423)
    parent, k1, k2 = real("034_sanming_szf_2025_page.txt"), real("041_putian_slj_2022_page.txt"), real("045_putian_wlj_2021_page.txt")
    reports, req, act = _corpus([parent, k1, k2])
    reports["year"] = 2025
    reports["agency"] = ["三明市人民政府", "永安市人民政府", "清流县人民政府"]
    reports["division_code"] = ["350400", "350481", "350423"]
    fig = pd.concat([parent.figures, k1.figures, k2.figures])
    r = rows(run_corpus_checks(reports, req, act, figures=fig), "SCOPE.parent_children")
    assert triples(r) == [("new_requests/total", 400, 6, 394), ("total/total", 402, 6, 396)]
    assert set(r["status"]) == {"pass"} and r["report_id"].unique().tolist() == [parent.report_id]
    # the other way round: a whole-area parent whose figures cannot cover its children
    reports["agency"] = ["永安市人民政府", "三明市人民政府", "清流县人民政府"]
    reports["division_code"] = ["350481", "350400", "350423"]
    reports["covers_area"] = [False, True, False]
    bad = rows(run_corpus_checks(reports, req, act), "SCOPE.parent_children", "fail")
    assert triples(bad) == [("new_requests/total", 2, 404, -402), ("total/total", 2, 406, -404)]
    assert bad["cells"].iloc[0].split("; ")[0] == f"{k1.report_id}:table3:new_requests/total@line {int(k1.requests.set_index(['row', 'column']).loc[('new_requests', 'total'), 'line'])}"
    # scope flag off: a county government's own report is not compared with its departments
    reports["covers_area"] = False
    na = rows(run_corpus_checks(reports, req, act), "SCOPE.parent_children")
    assert set(na["status"]) == {"not-assessable"} and "covers its own office only" in na["message"].iloc[0]


# --- summary and command line --------------------------------------------------------------


def test_summary_is_compact():
    s = summary(real(SEED).checks)
    assert re.fullmatch(r"checks: \d+ pass, 0 fail, \d+ not assessable", s)
    s = summary(real("025_huaian_hongze_qzf_2023.pdf").checks)
    first, *lines = s.split("\n")
    assert re.fullmatch(r"checks: \d+ pass, 2 fail \(2 error\), \d+ not assessable", first)
    assert lines[0].startswith("  ✗ T4.total [review] 0 vs 11 (Δ -11) error · ")


def test_main_check_prints_failures_and_exits_nonzero_on_errors(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert main_check([str(_path(SEED))], out=out, err=err) == 0 and out.getvalue() == ""
    out = io.StringIO()
    pdf = str(_path("025_huaian_hongze_qzf_2023.pdf"))
    assert main_check([str(_path(SEED)), pdf], out=out, err=err) == 1
    lines = out.getvalue().splitlines()
    assert f"{pdf}\tT4.total\treview\t0\t11\t-11\terror\treview: 总计 = 维持 + 纠正 + 其他 + 尚未审结: 0 ≠ 11" in lines
    assert main_check([pdf], fail_on="never", out=io.StringIO(), err=err) == 0
    # warnings only (006: prose 75 vs table 74) exit 0 unless fail_on="warning"
    p006 = str(_path("006_pingtan_2022_page.txt"))
    assert main_check([p006], out=io.StringIO(), err=err) == 0
    assert main_check([p006], fail_on="warning", out=io.StringIO(), err=err) == 1
    # corpus checks across the paths given: 三明 2021 -> 2022 现行有效 broken
    out = io.StringIO()
    assert main_check([str(_path("031_sanming_szf_2021_page.txt")), str(_path("032_sanming_szf_2022_page.txt"))],
                      out=out, err=err) == 0  # fmt: skip
    assert any("\tXY.in_force\tnormative_documents (2021→2022)\t2545\t3608\t-1063\twarning\t" in ln for ln in out.getvalue().splitlines())
    # unreadable input: reported on stderr, exit 2
    err = io.StringIO()
    missing = tmp_path / "missing.txt"
    assert main_check([str(missing)], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith(f"{missing}\tunreadable\t")
    with pytest.raises(ValueError, match="fail_on 'fatal'"):
        main_check([], fail_on="fatal")


def test_corpus_frame_holds_report_and_corpus_checks():
    a, b = real("031_sanming_szf_2021_page.txt"), real("032_sanming_szf_2022_page.txt")
    infos, req, act = _corpus([a, b])
    own = pd.concat([a.checks, b.checks])
    cc = run_corpus_checks(infos, req, act, report_checks=own)
    assert len(cc) == len(own) + len(run_corpus_checks(infos, req, act))
    assert list(cc["check_id"].cat.categories) == list(CATALOGUE) and list(cc["status"].cat.categories) == STATUS
    assert set(cc.loc[cc["check_id"] == "T3.balance", "agency_id"]) == {"350400-三明市人民政府"}
    assert sorted(cc.loc[cc["check_id"] == "T3.balance", "year"].unique().tolist()) == [2021, 2022]
