"""read_report on real page text and HTML (issue: read a report into tidy DataFrames)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from expected import compare, expected_files, load_expected

import govreport
from govreport.normalize import normalize_text

TEXT_HTML = [p for p in expected_files() if not p.name.endswith((".pdf.expected.json", ".md.expected.json"))]


# --- the seed --------------------------------------------------------------

def test_seed_every_cell(seed_report, seed_path):
    res = compare(seed_report, load_expected(seed_path.with_name(seed_path.name + ".expected.json")))
    assert res["wrong"] == [] and res["missing"] == []
    assert res["ok"] == 200 and res["marked"] == 0  # 2×3 + 4 + 25×7 + 15 cells
    assert (seed_report.requests["certainty"] == "printed").all()


def test_seed_metadata(seed_report):
    info = seed_report.info()
    assert info["agency"] == "同心县人力资源和社会保障局"
    assert info["year"] == 2023
    assert seed_report.template == "2021" and seed_report.table3_layout == "2021"
    assert info["form"] == "text-pipes" and info["encoding"] == "utf-8"
    assert (info["division_code"], info["province"], info["city"], info["county"]) == ("640324", "宁夏回族自治区", "吴忠市", "同心县")
    assert info["site_code"] == "6403240007"


def test_seed_values_are_traceable(seed_report):
    req = seed_report.requests
    row = req[(req["row"] == "new_requests") & (req["column"] == "total")].iloc[0]
    assert row["value"] == 1
    line = seed_report.text.split("\n")[row["line"] - 1]
    assert line.startswith("一、本年新收政府信息公开申请数量")
    assert line.split("|")[row["cell"]].strip() == "1"


def test_seed_wide_view(seed_report):
    wide = seed_report.requests_wide()
    assert wide.shape == (25, 7)
    assert list(wide.columns) == ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]
    assert wide.loc["total", "total"] == 1
    assert str(wide.dtypes.iloc[0]) == "Int64"


def test_original_text_is_kept(seed_report, seed_path):
    assert seed_report.original == seed_path.read_text(encoding="utf-8")
    assert "據(jù)" in seed_report.original and "根据" in seed_report.text and "(jù)" not in seed_report.text


# --- every real report in the forms this issue covers -------------------------

@pytest.mark.parametrize("expected", TEXT_HTML, ids=lambda p: p.name.split(".")[0])
def test_real_report_matches_hand_read_values(expected):
    src = expected.with_name(expected.name[: -len(".expected.json")])
    exp = load_expected(expected)
    report = govreport.read_report(src)
    res = compare(report, exp)
    assert res["wrong"] == [], res["wrong"][:5]
    assert res["missing"] == [], res["missing"][:5]
    assert report.year == exp["year"]
    assert report.template == exp["template"]
    if "division_code" in exp:
        assert report.info()["division_code"] == exp["division_code"]


def test_same_report_as_page_text_and_html_gives_equal_frames(shared_report):
    html = govreport.read_report(shared_report("043_putian_cgj_2025.html"))
    text = govreport.read_report(shared_report("043_putian_cgj_2025_page.txt"))
    assert html.document.form == "html" and text.document.form == "text-lines" and text.document.collapsed
    for name in ("requests", "active", "reviews"):
        cols = [c for c in getattr(html, name).columns if c not in ("report_id", "line", "cell", "page", "mechanism", "printed_label", "certainty")]
        pd.testing.assert_frame_equal(getattr(html, name)[cols], getattr(text, name)[cols])
    assert html.agency == text.agency == "莆田市城市管理局" and html.year == text.year == 2025


# --- value kinds ---------------------------------------------------------------

def test_empty_cells_are_not_zero(shared_report):
    # 027: table 3 fills only 自然人 and 总计; the other columns are blank cells
    r = govreport.read_report(shared_report("027_shuyang_fgj_2023.html"))
    req = r.requests
    blank = req[(req["row"] == "new_requests") & (req["column"] == "commercial")].iloc[0]
    assert blank["kind"] == "empty" and pd.isna(blank["value"])
    filled = r.requests_wide(fill_empty=True)
    assert filled.loc["new_requests", "commercial"] == 0 and filled.attrs["filled"]
    assert pd.isna(r.requests_wide().loc["new_requests", "commercial"])


def test_amounts_are_decimals_with_unit(shared_report):
    r = govreport.read_report(shared_report("041_putian_slj_2022_page.txt"))
    fee = r.active[r.active["row"] == "fees"].iloc[0]
    assert str(fee["amount"]) == "793.0570158000" and fee["unit"] == "万元" and pd.isna(fee["count"])
    r19 = govreport.read_report(shared_report("029_sanming_szf_2019_page.txt"))
    proc = r19.active[(r19.active["row"] == "procurement") & (r19.active["column"] == "procurement_amount")].iloc[0]
    assert str(proc["amount"]).startswith("481714587.29") and proc["unit"] == "元"


def test_signed_increments(shared_report):
    r = govreport.read_report(shared_report("037_putian_mzj_2019_page.txt"))
    a = r.active.set_index(["row", "column"])["count"]
    assert a[("licensing", "prior_items")] == 2 and a[("licensing", "change")] == 3 and a[("licensing", "decisions")] == 7


def test_2019_layout_has_23_rows(shared_report):
    r = govreport.read_report(shared_report("029_sanming_szf_2019_page.txt"))
    assert r.template == "2019" and r.table3_layout == "2019"
    assert r.requests_wide().shape == (23, 7)
    assert "other_handled" in set(r.requests["row"])


def test_categoricals_are_ordered(seed_report):
    for frame, col in ((seed_report.requests, "row"), (seed_report.requests, "column"), (seed_report.reviews, "proceeding"), (seed_report.active, "row")):
        assert isinstance(frame[col].dtype, pd.CategoricalDtype) and frame[col].dtype.ordered
    assert list(seed_report.requests["row"].cat.categories[:3]) == ["new_requests", "carried_over", "granted"]


# --- crawl recovery ---------------------------------------------------------------

def test_split_numbers_are_joined(shared_report):
    # 031: '1' + '62' = 162 (a number split over two lines by inline spans)
    r = govreport.read_report(shared_report("031_sanming_szf_2021_page.txt"))
    w = r.requests_wide()
    assert w.loc["new_requests", "total"] == 162 and w.loc["unable_not_held", "natural_person"] == 27
    cell = r.requests[(r.requests["row"] == "new_requests") & (r.requests["column"] == "total")].iloc[0]
    assert cell["certainty"] == "recovered" and cell["mechanism"] == "merged"


def test_collapsed_crawl_runs_are_expanded(shared_report):
    r = govreport.read_report(shared_report("042_putian_yjglj_2024_page.txt"))
    assert r.document.collapsed
    assert list(r.requests_wide().loc["new_requests"]) == [4, 1, 0, 0, 0, 0, 5]
    # '0 / 17' for three cells: 本年废止 is not settled by the text
    a = r.active.set_index(["row", "column"])
    assert a.loc[("normative_documents", "repealed"), "certainty"] == "ambiguous"
    assert set(a.loc[("normative_documents", "repealed"), "candidates"].split(" | ")) == {"0", "17"}
    assert a.loc[("normative_documents", "in_force"), "count"] == 17


def test_run_together_cells_use_column_identities(shared_report):
    # 009: '予以公开330000033' also splits as 3,30,0,0,0,0,33; the column identities decide
    r = govreport.read_report(shared_report("009_pingtan_2025_page.txt"))
    assert list(r.requests_wide().loc["granted"]) == [33, 0, 0, 0, 0, 0, 33]
    assert list(r.reviews["value"]) == [25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3]
    doubts = r.doubts
    assert ((doubts["table"] == "table2") & (doubts["doubt"] == "ambiguous")).any()


# --- normalisation and decoding ---------------------------------------------------

def test_normalisation():
    assert normalize_text("根據(jù)《條例》(本列數(shù)據(jù)的勾稽關(guān)系為:)") == "根据《条例》(本列数据的勾稽关系为:)"
    assert normalize_text("１２３\u3000件\u00a0\u00a0") == "123 件"
    assert normalize_text("报告(PDF)") == "报告(PDF)"


def test_gb18030_bytes(seed_path, seed_report):
    data = seed_path.read_text(encoding="utf-8").encode("gb18030")
    r = govreport.read_report(data)
    assert r.document.encoding == "gb18030"
    pd.testing.assert_frame_equal(r.requests, seed_report.requests)


def test_utf8_bom_and_str_source(seed_path, seed_report):
    raw = seed_path.read_bytes()
    assert govreport.read_report(b"\xef\xbb\xbf" + raw).requests["value"].equals(seed_report.requests["value"])
    assert govreport.read_report(seed_path.read_text(encoding="utf-8")).info()["agency"] == seed_report.agency


def test_html_spans_nested_layout_tables_and_nbsp(seed_path, seed_report):
    """Synthetic HTML made from the seed's own rows: a data table nested in a layout table,
    labels spanning columns/rows, &nbsp; padding and values split over <span>/<br>."""
    rows = []
    for line in seed_report.text.split("\n"):
        if " | " not in line:
            rows.append(f"<p>{line}</p>")
            continue
        cells = [c.strip() for c in line.split("|")]
        while cells and cells[-1] == "":
            cells.pop()
        tds = []
        for c in cells:
            if re.fullmatch(r"\d+", c):
                tds.append(f"<td>&nbsp;<span>{c[0]}</span><span>{c[1:]}</span><br/>&nbsp;</td>")
            else:
                tds.append(f"<td colspan='2'><p>{c[:3]}</p><p>{c[3:]}</p></td>" if len(c) > 6 else f"<td>{c}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    parts, in_table = [], False
    for r in rows:
        is_row = r.startswith("<tr>")
        if is_row and not in_table:
            parts.append("<table border='1'>")
        if not is_row and in_table:
            parts.append("</table>")
        in_table = is_row
        parts.append(r)
    if in_table:
        parts.append("</table>")
    html_doc = "<html><body><table class='layout'><tr><td>" + "".join(parts) + "</td></tr></table></body></html>"
    assert html_doc.count("<table") == 4 and "<span>" in html_doc
    r = govreport.read_report(html_doc)
    assert r.document.form == "html"
    for name in ("requests", "reviews"):
        a, b = getattr(r, name), getattr(seed_report, name)
        assert list(a["value"]) == list(b["value"]), name
    assert list(r.active["value"]) == list(seed_report.active["value"])


def test_rowspan_expands_into_following_rows():
    from govreport.readers.html import read_html

    doc = read_html(
        "<table><tr><td rowspan='2'>三、本年度办理结果</td><td>(一)予以公开</td><td>1</td></tr>"
        "<tr><td>(二)部分公开</td><td>2</td></tr></table>",
        source="synthetic",
        encoding=None,
    )
    assert [b.cells for b in doc.blocks] == [["三、本年度办理结果", "(一)予以公开", "1"], ["三、本年度办理结果", "(二)部分公开", "2"]]


# --- errors ---------------------------------------------------------------------

def test_not_a_report():
    with pytest.raises(govreport.NotAReportError, match="<text>: .*not a government"):
        govreport.read_report("今天天气很好。")


def test_report_without_table_3_names_source_and_what_is_missing(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    cut = text[: text.index("三、收到和處理")] + text[text.index("四、政府信息公開行政復議"):]
    p = tmp_path / "no_table3.txt"
    p.write_text(cut, encoding="utf-8")
    with pytest.raises(govreport.TableNotFoundError) as info:
        govreport.read_report(p)
    assert str(p) in str(info.value) and "table 3" in str(info.value)


def test_bad_form_argument(seed_path):
    with pytest.raises(govreport.UnsupportedFormError, match="form='xls' is not one of"):
        govreport.read_report(seed_path, form="xls")


def test_undecodable_bytes():
    with pytest.raises(govreport.EncodingError, match="neither utf-8 nor gb18030"):
        govreport.read_report(b"\x81\x30\xff\xff" * 100)


def test_repr_html_escapes_report_text(seed_path):
    text = seed_path.read_text(encoding="utf-8").replace("同心縣人力資源和社會保障局2023年", "<script>alert(1)</script>同心縣人力資源和社會保障局2023年", 1)
    r = govreport.read_report(text)
    out = r._repr_html_()
    assert "<script>" not in out and "&lt;script&gt;" in out or "<script" not in out


# --- layout variants seen in the wild (synthetic edits of the seed, labelled so) --------

def _seed_rows_edit(text: str, edit) -> str:
    out, in_t3 = [], False
    for line in text.split("\n"):
        if line.startswith("三、收到和處理"):
            in_t3 = True
        elif line.startswith("四、政府信息公開行政復議"):
            in_t3 = False
        out.append(edit(line) if in_t3 else line)
    return "\n".join(out)


def test_subtotal_column_is_read(seed_path):
    """Synthetic: the seed with a 法人或其他组织 小计 column (as some agencies print it)."""

    def add_subtotal(line):
        cells = line.split(" | ")
        if cells and cells[0].strip().startswith("商業"):
            return line.replace("其他 |", "其他 | 小計 |", 1)
        nums = [i for i, c in enumerate(cells) if c.strip().isdigit()]
        if len(nums) == 7:
            legal = sum(int(cells[i]) for i in nums[1:6])
            cells.insert(nums[6], str(legal))
            return " | ".join(cells)
        return line

    text = _seed_rows_edit(seed_path.read_text(encoding="utf-8"), add_subtotal)
    assert "小計" in text
    r = govreport.read_report(text)
    assert r.extraction.subtotal_column
    wide = r.requests_wide()
    assert list(wide.columns) == ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "legal_subtotal", "total"]
    assert wide.loc["new_requests", "total"] == 1 and wide.loc["new_requests", "legal_subtotal"] == 0


def test_group_rows_with_their_own_values(seed_path):
    """Synthetic: the seed with printed group subtotal rows ((三)不予公开 with its own values)."""

    def add_group(line):
        if line.startswith("(三)不予公開 | 1."):
            return "(三)不予公開 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" + line.replace("(三)不予公開 | ", "", 1)
        return line

    r = govreport.read_report(_seed_rows_edit(seed_path.read_text(encoding="utf-8"), add_group))
    rows = list(r.requests_wide().index)
    assert "withheld" in rows and rows.index("withheld") < rows.index("withheld_state_secret")
    chk = r.checks
    group = chk[(chk["check_id"] == "T3.group_sum") & (chk["status"] == "pass")]
    assert len(group) > 0
