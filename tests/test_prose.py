"""Prose helpers: joining crawled lines, tables, sections, sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govreport.normalize import normalize_text
from govreport.prose import (
    guess_report_year,
    join_broken_lines,
    section_headings,
    sentences,
    split_sections,
    table_spans,
)

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
TEXT_FORMS = (".txt", ".md", ".html")


def load_text(path: Path) -> str:
    """Read a real report as normalised text (HTML: tags stripped with lxml)."""
    import lxml.html

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    if path.suffix == ".html":
        text = lxml.html.fromstring(text).text_content()
    return normalize_text(text)


def _joined(text: str) -> str:
    return join_broken_lines(text)[0]


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("全年刊发公报\n15\n2期。", "全年刊发公报152期。"),  # digit | digit
        ("现公布\n20\n23\n年报告。", "现公布2023年报告。"),  # a year in three nodes
        ("行政事业性收费\n4\n1994万元。", "行政事业性收费41994万元。"),
        ("回复率\n100\n%\n,满意率99%。", "回复率100%,满意率99%。"),
        (
            "电子版在市政府门户网\n(\nhttp://www.sm.gov.cn\n)\n发布。",
            "电子版在市政府门户网(http://www.sm.gov.cn)发布。",
        ),
        ("二\n、\n主动公开政府信息情况", "二、主动公开政府信息情况"),
        (
            "一、总体情况\n2023年,我局。\n(一)主动公开情况\n全年",
            "一、总体情况\n2023年,我局。\n(一)主动公开情况\n全年",
        ),
        ("情况。\n1.充分发挥网站作用。", "情况。\n1.充分发挥网站作用。"),
        ("信息处理费收取情况:\n无。", "信息处理费收取情况:无。"),
        ("标题:某报告\n发布时间:2024", "标题:某报告\n发布时间:2024"),
        ("让信息“看\n\n得懂”", "让信息“看得懂”"),  # OCR page break inside a sentence
    ],
)
def test_join_broken_lines(raw, joined):
    assert _joined(raw) == joined


def test_join_offsets_map_back():
    raw = "一、总体情况\n全年主动公开信息\n35\n1条,其中\n门户网站\n124\n条。"
    joined, offsets = join_broken_lines(raw)
    assert len(offsets) == len(joined) + 1 and offsets[-1] == len(raw)
    for i, ch in enumerate(joined):
        assert raw[offsets[i]] == ch
    assert offsets == sorted(offsets)


def test_table_lines_are_not_joined():
    raw = "二、主动公开政府信息情况\n第二十条第\n(\n一\n)\n项\n信息内容\n规章\n0\n2\n5\n五、存在的主要问题及改进情况\n无。"
    joined = _joined(raw)
    assert "规章\n0\n2\n5" in joined


def test_table_spans_one_line_crawl():
    text = "成效。二、主动公开政府信息情况 第二十条第(一)项信息内容本年制发件数规章000 五、存在的主要问题及改进情况2019年,不足。"
    spans = table_spans(text)
    assert len(spans) == 1
    s, e = spans[0]
    assert text[s:e].startswith("第二十条第(一)项") and text[e:].startswith("五、")


def test_table_spans_pipe_rows_and_number_runs():
    text = "前言。\n| 规章 | 0 | 0 |\n|---|---|\n正文。\n1\n62\n0\n后文。"
    covered = "".join(text[s:e] for s, e in table_spans(text))
    assert "| 规章 | 0 | 0 |" in covered and "|---|---|" in covered and "1\n62\n0" in covered
    assert "正文" not in covered and "后文" not in covered


def test_old_statistics_table():
    text = "改进措施。六、政府信息公开情况统计表指标名称计量单位2018年度历年累计主动公开文件数条206912106"
    ((s, e),) = table_spans(text)
    assert text[s:].startswith("指标名称") and e == len(text)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
         "五、存在的主要问题及改进情况\n六、其他需要报告的事项\n", ["一", "二", "三", "四", "五", "六"]),
        # 政务 for 政府, extra spaces, the other 四 wording, non-standard 五/六 titles
        ("一、 总体情况\n二、主动公开政务信息情况\n三、收到和处理政府信息公开申请情况\n"
         "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n五、存在的主要问题及下一步工作计划\n六、其他应说明事项\n",
         ["一", "二", "三", "四", "五", "六"]),
        # Shanghai 2024: its own prose order, then the tables numbered from 一
        ("一、总体情况\n二、工作机制保障\n三、主动公开工作情况\n四、政府信息公开申请情况\n五、政府信息管理\n"
         "六、政府信息公开平台建设\n一、主动公开政府信息情况\n二、收到和处理政府信息公开申请情况\n"
         "三、政府信息公开行政复议、行政诉讼情况\n五、其他需要报告的事项\n",
         ["一", "二", "二", "三", "五", "六", "二", "三", "四", "六"]),
        # one-line crawl: headings inline after a sentence end
        ("前言。一、概述2018年以来,成效。二、主动公开政府信息情况(一)数量。三、政府信息依申请公开工作情况无。",
         ["一", "二", "三"]),
    ],
)  # fmt: skip
def test_section_headings(text, numbers):
    assert [h.number for h in section_headings(text)] == numbers


def test_split_sections_cover_text():
    text = "前言\n一、总体情况\n正文\n五、存在的主要问题及改进情况\n无"
    secs = split_sections(text)
    assert secs[0][0] is None and secs[0][1] == 0 and secs[-1][2] == len(text)
    assert all(a[2] == b[1] for a, b in zip(secs, secs[1:], strict=False))
    assert [n for n, _, _ in secs] == [None, "一", "五"]


def test_table_row_labels_are_not_sections():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n四、结转下年度继续办理"
    assert [h.printed for h in section_headings(text)] == ["三"]


def test_sentences():
    text = "收到申请1件;答复1件。\n二、情况\n  满意率100%!"
    assert [text[s:e] for s, e in sentences(text)] == ["收到申请1件;", "答复1件。", "二、情况", "满意率100%!"]
    assert [text[s:e] for s, e in sentences(text, semicolons=False)][0] == "收到申请1件;答复1件。"


def test_guess_report_year():
    assert guess_report_year("标题:莆田市统计局2020年度政府信息公开工作年度报告\n") == 2020
    assert guess_report_year("本报告统计数据从2023年1月1日至2023年12月31日。") == 2023
    assert guess_report_year("无年份") is None


def _real_reports() -> list[Path]:
    if not REPORTS.is_dir():
        pytest.fail(f"shared reports not found at {REPORTS}")
    return [p for p in sorted(REPORTS.iterdir()) if p.suffix in TEXT_FORMS and p.name != "README.md"]


@pytest.mark.parametrize("path", _real_reports(), ids=lambda p: p.name.split(".")[0])
def test_real_reports_sections_and_tables(path: Path):
    text = load_text(path)
    joined, offsets = join_broken_lines(text)
    assert len(offsets) == len(joined) + 1
    heads = [h.number for h in section_headings(joined)]
    assert "二" in heads or "三" in heads, heads
    spans = table_spans(joined)
    templated = "第二十条" in joined.replace("\n", "")
    if templated or "指标名称" in joined:
        assert spans, "template or statistics table not found"
    for s, e in spans:  # a table region never swallows prose (a heading may end in 。)
        body = re.sub(r"(?m)^[一二三四五六]、.*$", "", joined[s:e])
        assert body.count("。") == 0, joined[s:e][:200]
