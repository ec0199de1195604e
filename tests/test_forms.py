"""The harder forms: PDF (text layer), DOCX and converter Markdown.

Real reports from ../shared/reports (their expected files beside them) and
synthetic ones built here (tests/data_synthetic: a DOCX with merged cells, a
nested table and numbers split across runs; a PDF whose table 3 breaks across
two pages with repeated headers, a vertical label and page footers).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from decimal import Decimal

import pytest
from data_synthetic.report import (
    AGENCY,
    TABLE4,
    build_docx,
    build_pdf_report,
    table3_rows,
)
from expected import SHARED, compare, load_expected

import govreport
from govreport.document import LINE, ROW
from govreport.errors import (
    BudgetExceededError,
    GovReportError,
    MissingDependencyError,
    ReadError,
    ScannedDocumentError,
    UnsupportedFormError,
)
from govreport.readers import Budget, read_document
from govreport.readers.markdown import flat_row_cells, read_markdown

PDFS = ["003_huaian_szf_2024.pdf", "025_huaian_hongze_qzf_2023.pdf"]
MARKDOWN = ["022_shuyang_xzf_2025_ocr.md", "023_shanghai_kewei_2024_pdf2md.md"]


def _score(name: str):
    path = SHARED / name
    report = govreport.read_report(path)
    return report, compare(report, load_expected(path.with_name(name + ".expected.json")))


# --- real reports: every expected cell matches or is marked ------------------

@pytest.mark.parametrize("name", PDFS + MARKDOWN, ids=lambda n: n.split(".")[0])
def test_real_report_no_wrong_cell(name):
    report, res = _score(name)
    assert res["wrong"] == [], res["wrong"][:5]
    assert report.document.form == ("pdf" if name.endswith(".pdf") else "markdown")


@pytest.mark.parametrize("name", PDFS + ["022_shuyang_xzf_2025_ocr.md"], ids=lambda n: n.split(".")[0])
def test_real_report_every_cell(name):
    report, res = _score(name)
    assert res["missing"] == [] and res["marked"] == 0
    assert res["ok"] == (186 if name.startswith("025") else 200)


def test_detached_labels_are_marked_not_guessed():
    # 023: row labels a PDF extractor detached from their values.  What the
    # file cannot settle comes back unknown (or missing), never a wrong value.
    report, res = _score("023_shanghai_kewei_2024_pdf2md.md")
    assert res["wrong"] == []
    assert res["ok"] >= 80
    req = report.requests
    partly = req[req["row"] == "partly_granted"]
    assert len(partly) == 7 and (partly["certainty"] == "unknown").all()  # label only, values elsewhere
    fwd = req[(req["row"] == "carried_forward")]
    assert fwd["value"].tolist()[:6] == [1, 0, 0, 0, 0, 0]
    assert fwd.iloc[6]["kind"] == "missing"  # the converter left the 总计 cell empty: unknown, not blank


def test_pdf_values_record_their_page():
    report, _ = _score("003_huaian_szf_2024.pdf")
    doc = report.document
    assert all(b.page is not None for b in doc.blocks)
    req = report.requests.set_index(["row", "column"])
    assert req.loc[("new_requests", "total"), "page"] == 4
    assert req.loc[("unable_not_held", "total"), "page"] == 4
    assert req.loc[("unable_needs_creation", "total"), "page"] == 5  # table 3 runs on to page 5
    assert req.loc[("carried_forward", "total"), "value"] == 103
    assert set(report.reviews["page"]) == {5}
    # one table across the page break
    t3 = {b.table for b in doc.blocks if b.kind == ROW and any("本年新收" in c or "结转下年度" in c for c in b.cells)}
    assert len(t3) == 1


def test_pdf_vertical_label_and_footers():
    doc = read_document(SHARED / "003_huaian_szf_2024.pdf")
    assert any(b.kind == ROW and b.cells[0] == "三、本年度办理结果" for b in doc.blocks)
    lines = doc.text.split("\n")
    assert not any(ln.strip() in ("- 5 -", "— 5 —", "-5-") for ln in lines)
    assert "- 5 -" in doc.original  # the text layer as printed keeps it
    assert doc.attrs["pages"] == 6


def test_pdf_values_are_traceable():
    report, _ = _score("025_huaian_hongze_qzf_2023.pdf")
    row = report.requests.set_index(["row", "column"]).loc[("new_requests", "total")]
    line = report.text.split("\n")[row["line"] - 1]
    assert line.startswith("一、本年新收政府信息公开申请数量")
    assert line.split(" | ")[row["cell"]] == "21"


def test_pdf_prose_keeps_its_figures():
    report, _ = _score("003_huaian_szf_2024.pdf")
    assert "全市共受理政府信息公开申请 3119 件" in report.text.replace("\n", "")


# --- synthetic cross-page PDF -----------------------------------------------

@pytest.fixture(scope="module")
def synthetic_pdf() -> bytes:
    return build_pdf_report()


def test_synthetic_pdf_cross_page_table(synthetic_pdf):
    report = govreport.read_report(synthetic_pdf)
    doc = report.document
    assert doc.form == "pdf" and doc.attrs["pages"] == 2
    assert doc.attrs["repeated_headers"] == 3  # page 2 repeats the three header rows
    req = report.requests
    for key, values in table3_rows().items():
        got = req[req["row"] == key]
        assert got["value"].tolist() == values, key
        assert (got["certainty"] == "printed").all(), key
    pages = req.drop_duplicates("row").set_index("row")["page"]
    assert pages["unable_not_held"] == 1 and pages["unable_needs_creation"] == 2 and pages["total"] == 2
    assert report.doubts.empty
    # the header rows printed again on page 2 are not rows of the table
    assert sum("申请人情况" in b.text for b in doc.blocks) == 1
    # footers dropped; group label broken across the pages kept as printed
    assert "— 1 —" not in doc.text and "— 2 —" not in doc.text
    assert any("(四)无" in b.cells for b in doc.blocks) and any("法提供" in b.cells for b in doc.blocks)


def test_synthetic_pdf_unruled_table_falls_back_to_text(synthetic_pdf):
    # table 4 is printed without rules: pdfplumber finds no table; its values
    # come out space-separated and are read as one row of cells
    report = govreport.read_report(synthetic_pdf)
    assert report.reviews["value"].tolist() == TABLE4
    assert (report.reviews["certainty"] == "printed").all()
    assert set(report.reviews["page"]) == {2}
    assert report.active.set_index(["row", "column"]).loc[("licensing", "decisions"), "value"] == 447228


def test_synthetic_pdf_meta(synthetic_pdf):
    report = govreport.read_report(synthetic_pdf)
    assert report.info()["year"] == 2024
    assert AGENCY in report.text


# --- synthetic DOCX ------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_docx() -> bytes:
    return build_docx()


def test_synthetic_docx_every_cell(synthetic_docx):
    report = govreport.read_report(synthetic_docx)
    assert report.document.form == "docx"
    req = report.requests
    for key, values in table3_rows().items():
        got = req[req["row"] == key]
        assert got["value"].tolist() == values, key
        assert (got["certainty"] == "printed").all(), key
    assert report.reviews["value"].tolist() == TABLE4
    active = report.active.set_index(["row", "column"])
    assert active.loc[("licensing", "decisions"), "value"] == 447228  # "4472" + "28" in two runs
    assert active.loc[("rules", "in_force"), "value"] == 11
    assert Decimal(str(active.loc[("fees", "fee_amount"), "amount"])) == Decimal("96171.6")
    assert report.doubts.empty


def test_synthetic_docx_structure(synthetic_docx):
    doc = read_document(synthetic_docx)
    rows = [b for b in doc.blocks if b.kind == ROW]
    # numbers split across runs are whole again
    new = next(b for b in rows if b.cells[0].startswith("一、本年新收"))
    assert new.cells[1:] == [str(v) for v in table3_rows()["new_requests"]]
    # vMerge: the vertical label (one character per line) repeats on each row it spans
    outcome_rows = [b for b in rows if b.cells[0] == "三、本年度办理结果"]
    assert len(outcome_rows) == 22
    # gridSpan: the label spanning three columns is one cell, no empty continuations
    assert len(new.cells) == 8
    # the layout table around table 3 is unwrapped: its own paragraph is a line
    assert any(b.kind == LINE and b.text == "(表格)" for b in doc.blocks)


# --- format detection and errors ---------------------------------------------

def test_form_is_sniffed_from_content(tmp_path, synthetic_pdf, synthetic_docx):
    wrong_pdf = tmp_path / "report.txt"
    wrong_pdf.write_bytes(synthetic_pdf)
    wrong_docx = tmp_path / "report.pdf"
    wrong_docx.write_bytes(synthetic_docx)
    assert read_document(wrong_pdf).form == "pdf"
    assert read_document(wrong_docx).form == "docx"
    md = (SHARED / "023_shanghai_kewei_2024_pdf2md.md").read_bytes()
    assert read_document(md).form == "markdown"


def test_scanned_pdf_is_reported_as_such(tmp_path):
    from data_synthetic.pdfgen import Page, build_pdf

    pages = []
    for _ in range(3):
        p = Page()
        p.rect(40, 40, 500, 760)  # a frame, no text layer
        pages.append(p)
    path = tmp_path / "scan.pdf"
    path.write_bytes(build_pdf(pages))
    with pytest.raises(ScannedDocumentError) as err:
        govreport.read_report(path)
    assert str(path) in str(err.value) and "scan" in str(err.value)


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.1])
def test_truncated_pdf_is_a_read_error(tmp_path, synthetic_pdf, cut):
    path = tmp_path / "broken.pdf"
    path.write_bytes(synthetic_pdf[: int(len(synthetic_pdf) * cut)])
    try:
        govreport.read_report(path)
    except ReadError as exc:
        assert str(path) in str(exc)
    except GovReportError:
        pass  # pdfminer recovered part of it: at worst no table found
    # never a bare library exception (the test fails on any other exception)


def test_truncated_docx_is_a_read_error(tmp_path, synthetic_docx):
    path = tmp_path / "broken.docx"
    path.write_bytes(synthetic_docx[: len(synthetic_docx) // 2])
    with pytest.raises(ReadError) as err:
        govreport.read_report(path, form="docx")
    assert str(path) in str(err.value)


def test_corrupted_inputs_raise_only_our_errors(synthetic_pdf, synthetic_docx):
    rng = random.Random(7)
    for data in (synthetic_pdf, synthetic_docx):
        for _ in range(12):
            b = bytearray(data)
            for _ in range(rng.randint(1, 40)):
                i = rng.randrange(len(b))
                b[i] = rng.randrange(256)
            try:
                govreport.read_report(bytes(b))
            except GovReportError:
                pass


def test_docx_zip_bomb_is_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (8 * 2**20) + b"</w:document>")
    data = buf.getvalue()
    assert len(data) < 100_000
    with pytest.raises(BudgetExceededError, match="inflates"):
        read_document(data, budget=Budget(max_bytes=2**20))


def test_docx_path_traversal_names_do_not_matter(tmp_path, synthetic_docx, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = zipfile.ZipFile(io.BytesIO(synthetic_docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        z.writestr("../../evil.txt", "x")
        z.writestr("/abs/evil.txt", "x")
    report = govreport.read_report(buf.getvalue())
    assert report.requests["value"].notna().all()
    assert not (tmp_path.parent / "evil.txt").exists() and not list(tmp_path.rglob("evil.txt"))


def test_zip_without_document_is_not_a_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/styles.xml", "<x/>")
    with pytest.raises(ReadError, match="document.xml"):
        read_document(buf.getvalue(), form="docx")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("data.csv", "a,b")
    with pytest.raises(UnsupportedFormError):
        read_document(plain.getvalue())


def test_budget_pages_and_cells(synthetic_pdf, synthetic_docx):
    with pytest.raises(BudgetExceededError, match="pages"):
        read_document(synthetic_pdf, budget=Budget(max_pages=1))
    with pytest.raises(BudgetExceededError, match="cells"):
        read_document(synthetic_pdf, budget=Budget(max_cells=100))
    with pytest.raises(BudgetExceededError, match="cells"):
        read_document(synthetic_docx, budget=Budget(max_cells=100))


def test_missing_backend_gives_one_install_hint(monkeypatch, synthetic_pdf, synthetic_docx):
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingDependencyError, match="pip install") as err:
        read_document(synthetic_pdf)
    assert isinstance(err.value, ImportError)
    with pytest.raises(MissingDependencyError, match="python-docx"):
        read_document(synthetic_docx)


# --- Markdown ------------------------------------------------------------------

def test_markdown_generic_headers_and_captions():
    doc = read_document(SHARED / "022_shuyang_xzf_2025_ocr.md")
    # the per-row tables' invented headers (类别 | 数据1 …) and the wrong
    # header copied above a continuation table are not rows of the report
    dropped = doc.attrs["dropped_headers"]
    assert any("数据1" in h for h in dropped)
    assert any(h.startswith("项目 | 本年新收件数") for h in dropped)
    assert not any("数据1" in b.text for b in doc.blocks)
    # a heading over its one-row table is that row's group cell
    granted = next(b for b in doc.blocks if b.kind == ROW and "290" in b.cells)
    assert granted.cells[:2] == ["(一) 予以公开", "予以公开"]
    assert not any(b.kind == LINE and b.text == "(一) 予以公开" for b in doc.blocks)


def test_markdown_reader_units():
    text = "\n".join([
        "# 标题",
        "",
        "- 列表项",
        "",
        "正文一段。",
        "",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "|:---|---:|---|---|",
        "| **规章** | 1 | 0 | 1\\|2 |",
        "| 行政规范性文件 | 3<br>4 | 0 |  |",
        "",
        "行政许可 97",
        "| 0 | 0 |",
        "|---|---|",
        "",
        "<table><tr><td rowspan='2'>三、本年度办理结果</td><td>(一)予以公开</td><td>5</td></tr>",
        "<tr><td>(二)部分公开</td><td>1</td></tr></table>",
        "---",
    ])
    doc = read_markdown(text, source="<t>", encoding=None)
    rows = [b.cells for b in doc.blocks if b.kind == ROW]
    lines = [b.text for b in doc.blocks if b.kind == LINE]
    assert ["规章", "1", "0", "1|2"] in rows  # emphasis stripped, escaped pipe kept in its cell
    assert ["行政规范性文件", "34", "0"] in rows  # <br> inside a cell joined; trailing padding cell dropped
    assert ["行政许可", "97"] in rows  # a row the converter spilled out of its table, next to one
    assert ["三、本年度办理结果", "(二)部分公开", "1"] in rows  # embedded HTML table, rowspan expanded
    assert "标题" in lines and "正文一段。" in lines and "列表项" in lines
    assert not any(set(t) <= set("|-: ") for t in lines)


def test_flat_row_cells():
    assert flat_row_cells("一、本年新收 32 2 0 0 0 0 34") == ["一、本年新收", "32", "2", "0", "0", "0", "0", "34"]
    assert flat_row_cells("72 64 178") == ["72", "64", "178"]
    assert flat_row_cells("第二十条第(五)项") == ["第二十条第(五)项"]
    # a prose line wrapped after a number stays prose when strict
    prose = "“上海科技”微信公众号共编发文章 1640 篇,其中原创文章 294"
    assert flat_row_cells(prose, strict=True) == [prose]
    assert flat_row_cells("行政处罚 3985758", strict=True) == ["行政处罚", "3985758"]


def test_docx_text_box_is_read_once():
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    p = d.add_paragraph("前文")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = "<w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent>"
    p._p.append(parse_xml(
        f"<w:r {w} {mc}><mc:AlternateContent><mc:Choice Requires=\"wps\">{box}</mc:Choice>"
        f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
    ))
    buf = io.BytesIO()
    d.save(buf)
    doc = read_document(buf.getvalue())
    assert doc.text.count("框内文字") == 1


def test_markdown_fragment_rows_keep_to_their_own_table():
    # 023 with the two detached labels unwrapped onto one line each: the value
    # fragment after "3.补正后申请内容仍不明确" belongs to another row (the file's
    # order says so), so it must not be read as that row's values.
    text = (SHARED / "023_shanghai_kewei_2024_pdf2md.md").read_text(encoding="utf-8")
    text = text.replace("3.补正后申请内容仍不\n明确", "3.补正后申请内容仍不明确")
    text = text.replace("1.本机关不掌握相关政\n府信息", "1.本机关不掌握相关政府信息")
    doc = read_markdown(text, source="023-unwrapped", encoding="utf-8")
    from govreport.extract.meta import extract_meta
    from govreport.extract.tables import extract_tables
    from govreport.report import Report

    report = Report(doc, extract_tables(doc), extract_meta(doc))
    res = compare(report, load_expected(SHARED / "023_shanghai_kewei_2024_pdf2md.md.expected.json"))
    assert res["wrong"] == []
