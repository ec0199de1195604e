"""Figures from the prose: the seed, every real report with an expected file, unit cases."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from govreport.figures import COLUMNS, extract_figures, figure_rules, parse_chinese_number
from govreport.normalize import normalize_text

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
SEED = REPORTS / "000_33126a39afb50b1e.txt"
TEXT_FORMS = (".txt", ".md", ".html")


def _require_reports() -> None:
    if not REPORTS.is_dir():
        pytest.fail(f"shared reports not found at {REPORTS}")


def load_text(path: Path) -> str:
    """Read a real report as normalised text (HTML: tags stripped with lxml)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    if path.suffix == ".html":
        text = lxml.html.fromstring(text).text_content()
    return normalize_text(text)


def _expected_files() -> list[Path]:
    if not REPORTS.is_dir():
        return []
    out = []
    for ej in sorted(REPORTS.glob("*.expected.json")):
        report = REPORTS / ej.name[: -len(".expected.json")]
        if report.suffix in TEXT_FORMS and json.loads(ej.read_text(encoding="utf-8")).get("figures"):
            out.append(ej)
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def find_expected(fig: dict, df: pd.DataFrame) -> pd.Series | None:
    """The extracted row for one expected figure: value and unit, and the quote's number in its sentence.

    The unit is compared where the expected quote prints it (an expected unit
    the report does not print, ``粉丝数54373`` -> 人, is not checked).
    Expected ``万``-units (``20 万件``) compare with the multiplied-out value.
    A quote without digits (``两份文件``, ``未收取信息处理费``) must lie in the
    sentence itself.
    """
    value, unit = fig["value"], fig.get("unit") or None
    if unit and unit.startswith("万") and unit != "万元":
        value, unit = value * 10_000, unit[1:] or None
    quote = _squash(normalize_text(fig["quote"]))
    numbers = re.findall(r"\d+(?:\.\d+)?", quote)
    for _, row in df.iterrows():
        if not math.isclose(row.value, value, rel_tol=1e-9, abs_tol=1e-9):
            continue
        if unit is not None and unit in quote and row.unit != unit:
            continue
        sentence = _squash(row.sentence)
        if numbers and not any(n in sentence for n in numbers):
            continue
        if not numbers and quote.rstrip("。") not in sentence and _squash(row.quote) not in quote:
            continue
        return row
    return None


@pytest.fixture(scope="module")
def seed() -> tuple[str, pd.DataFrame]:
    _require_reports()
    text = normalize_text(SEED.read_text(encoding="utf-8"))
    return text, extract_figures(text, year=2023)


def _only(df: pd.DataFrame, **where) -> list:
    mask = pd.Series(True, index=df.index)
    for col, val in where.items():
        mask &= df[col] == val
    return df.loc[mask, "value"].tolist()


def test_seed_figures(seed):
    _, df = seed
    assert _only(df, metric="active_total") == [351]
    assert _only(df, metric="active_channel", channel="portal") == [124]
    assert _only(df, metric="active_channel", channel="wechat", channel_name="同心就业创业") == [227]
    assert _only(df, metric="requests_received") == [1]
    assert _only(df, metric="hotline_received", channel="hotline_12345") == [887]
    rate = df[df.metric == "hotline_reply_rate"]
    assert rate.share.tolist() == [1.0] and rate.value.tolist() == [100.0] and rate.unit.tolist() == ["%"]
    # the two channel figures are 其中 parts of the total
    total = df.index[df.metric == "active_total"][0]
    assert df.loc[df.metric == "active_channel", "parent"].tolist() == [total, total]


def test_seed_offsets_quotes_and_sections(seed):
    text, df = seed
    assert list(df.columns) == COLUMNS
    for row in df.itertuples():
        assert text[row.start : row.end].replace("\n", "") == row.quote
        assert row.quote in row.sentence.replace("\n", "") or row.quote.startswith(row.label)
    assert set(df.section) <= {"一", "六"}  # nothing from the tables (二, 三, 四)
    assert df.loc[df.metric == "fees_charged", "section"].tolist() == ["六"]


def test_seed_tables_give_no_figures(seed):
    _, df = seed
    assert not df.sentence.str.contains(r"\|").any()


@pytest.mark.parametrize("expected", _expected_files(), ids=lambda p: p.name.split(".")[0])
def test_expected_figures_found(expected: Path):
    _require_reports()
    data = json.loads(expected.read_text(encoding="utf-8"))
    report = REPORTS / expected.name[: -len(".expected.json")]
    df = extract_figures(load_text(report), year=data.get("year"))
    figs = [f for f in data["figures"] if not isinstance(f["value"], str)]
    missing = [f for f in figs if find_expected(f, df) is None]
    rate = 1 - len(missing) / len(figs)
    print(f"{report.name}: {len(figs) - len(missing)}/{len(figs)} expected figures found ({rate:.0%})")
    assert not missing, f"{report.name}: match rate {rate:.1%}; missing {missing}"


def test_expected_files_present():
    _require_reports()
    assert len(_expected_files()) >= 20


def test_every_real_report_extracts_without_table_cells():
    _require_reports()
    for path in sorted(REPORTS.iterdir()):
        if path.suffix not in TEXT_FORMS or path.name == "README.md":
            continue
        df = extract_figures(load_text(path))
        assert list(df.columns) == COLUMNS
        # a figure's sentence always has words: no number-only table row
        assert not df.sentence.str.fullmatch(r"[\d\s.,|%/+-]*").any(), path.name
        assert not df.label.str.contains(r"本年制发件数|本年新收政府信息公开申请数量|结果维持").any(), (
            path.name
        )


# --- unit cases ----------------------------------------------------------------------


def figs(text: str, year: int | None = 2023) -> pd.DataFrame:
    return extract_figures(normalize_text(text), year=year)


@pytest.mark.parametrize(
    ("s", "value"),
    [("三百五十一", 351), ("两千", 2000), ("十五", 15), ("一万二千零五", 12005), ("1.2万", 12000),
     ("3,940", 3940), ("二〇二三", 2023), ("四亿", 4e8)],
)  # fmt: skip
def test_parse_chinese_number(s, value):
    assert parse_chinese_number(s) == value


@pytest.mark.parametrize("s", ["十余", "几", "", "abc"])
def test_parse_chinese_number_not_a_number(s):
    assert parse_chinese_number(s) is None


def test_chinese_numerals_in_prose():
    df = figs("2023年共收到政府信息公开申请两件,全年主动公开信息三百五十一条。两份文件做到三同步。")
    assert _only(df, metric="requests_received") == [2]
    assert _only(df, metric="active_total") == [351]
    assert 2 in _only(df, unit="份")


def test_chinese_numerals_that_are_words_are_skipped():
    df = figs("一是进一步统一规范,坚持“三审三校”,做到“两微一端”一次性告知,从以下三个方面改进。")
    assert df.empty


def test_wan_multiplied_out_but_money_units_kept():
    df = figs(
        "12345热线受理群众诉求约20万件,回复率100%。赠阅1.4万本,总阅读量超9万。行政事业性收费41994万元。"
    )
    assert _only(df, metric="hotline_received") == [200_000]
    assert 14_000 in _only(df, unit="本")
    assert 90_000 in df.value.tolist()
    assert _only(df, metric="admin_fees", unit="万元") == [41994]


def test_percent_never_a_count():
    df = figs("依托12345热线平台接收工单887条,回复率100%,办结率98.5%,群众满意度99.7%。")
    counts = df[df.unit != "%"]
    rates = df[df.unit == "%"]
    assert counts.metric.tolist() == ["hotline_received"] and counts.share.isna().all()
    assert rates.metric.tolist() == ["hotline_reply_rate", "hotline_close_rate", "hotline_satisfaction_rate"]
    assert rates.share.tolist() == pytest.approx([1.0, 0.985, 0.997])


def test_two_rates_sharing_one_number():
    df = figs("12345便民服务热线转来投诉,今年共处理投诉回复14件,回复率及满意度达100%。")
    assert set(df.metric) >= {"hotline_reply_rate", "hotline_satisfaction_rate"}


def test_other_years():
    df = figs("2022年主动公开信息300条。2023年主动公开信息351条,较2022年增长17%,比上年增加51条。"
              "全区收到政府信息公开申请154件,结转至2024年6件。")  # fmt: skip
    this_year = df[df.about_year.isna()]
    assert _only(this_year, metric="active_total") == [351]
    assert df.loc[df.value == 300, "about_year"].tolist() == [2022]
    change = df[df.metric == "change"]
    assert change.value.tolist() == [17, 51] and change.about_year.tolist() == [2022, 2022]
    assert _only(this_year, metric="requests_carried_forward") == [6]


def test_qizhong_children_tied_to_parent():
    df = figs("2023年主动公开政府信息132件,其中机构职能类信息7件,政策文件类信息2件,占1.5%;"
              "通过门户网站公开120件。收到政府信息公开申请4件。")  # fmt: skip
    parent = df.index[df.value == 132][0]
    kids = df[df.parent == parent]
    assert kids.value.tolist() == [7, 2, 120]
    assert kids.metric.tolist() == ["active_category", "active_category", "active_channel"]
    assert df.loc[df.value == 1.5, "parent"].tolist() == [df.index[df.value == 2][0]]
    assert df.loc[df.value == 4, "parent"].isna().all()


def test_unclassified_kept_with_sentence():
    df = figs("开展双随机检查企业4家,整改失效链接43处。")
    assert df.metric.tolist() == ["unclassified", "unclassified"]
    assert df.value.tolist() == [4, 43] and df.unit.tolist() == ["家", "处"]
    assert (df.sentence == "开展双随机检查企业4家,整改失效链接43处。").all()


def test_statements_of_nothing():
    df = figs("本机关2023年未收取信息处理费。2023年未收到政府信息公开申请。")
    assert df.metric.tolist() == ["fees_charged", "requests_received"]
    assert df.value.tolist() == [0, 0] and df.unit.isna().all()


def test_broken_lines_joined_and_offsets_into_input():
    text = "全年刊发《某市人民政府公报》\n15\n2期,主动公开政府信息\n20\n23\n条。"
    df = extract_figures(text, year=2023)
    assert df.value.tolist() == [152, 2023]
    for row in df.itertuples():
        assert text[row.start : row.end].replace("\n", "") == row.quote


def test_table_cells_are_not_figures():
    text = (
        "一、总体情况\n2023年主动公开信息5条。\n二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\n本年制发件数\n"
        "规章\n0\n2\n5\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 3 | 0 | 3 |\n"
        "五、存在的主要问题及改进情况\n无。"
    )
    df = extract_figures(text, year=2023)
    assert df.value.tolist() == [5]


def test_empty_frame_has_columns_and_dtypes():
    empty = extract_figures("", year=2023)
    full = figs("主动公开信息5条。")
    assert list(empty.columns) == COLUMNS and empty.empty
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()
    assert str(full.parent.dtype) == "Int64" and str(full.about_year.dtype) == "Int64"


def test_rules_are_data():
    rules = figure_rules()
    kinds = {r.kind for r in rules}
    assert {"count", "rate", "amount", "zero", "channel"} <= kinds
    metrics = {r.metric for r in rules}
    assert {"active_total", "active_channel", "policy_interpretation", "requests_received", "requests_answered",
            "hotline_received", "hotline_closed", "hotline_reply_rate", "hotline_close_rate", "hotline_ontime_rate",
            "hotline_satisfaction_rate", "fees_charged", "press_conferences"} <= metrics  # fmt: skip
