"""A synthetic 2021-template annual report, as DOCX and as a cross-page PDF.

The values are invented (labelled synthetic in the title) and satisfy the
template's identities, so every cell must come back exactly as printed.
"""

from __future__ import annotations

import io

AGENCY = "合成县人民政府"
TITLE = f"{AGENCY}2024年政府信息公开工作年度报告（合成测试数据）"
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

# table 2: (block heading, column labels, [(row label, values)])
TABLE2 = [
    ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
     [("规章", ["1", "0", "11"]), ("行政规范性文件", ["8", "26", "66"])]),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("行政许可", ["447228"])]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], [("行政处罚", ["3985758"]), ("行政强制", ["88283"])]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], [("行政事业性收费", ["96171.6"])]),
]
TABLE2_EXPECTED = {
    ("regulations", "issued"): 1, ("regulations", "repealed"): 0, ("regulations", "in_force"): 11,
    ("normative_documents", "issued"): 8, ("normative_documents", "repealed"): 26,
    ("normative_documents", "in_force"): 66, ("licensing", "decisions"): 447228,
}

# table 3 outcome rows: (group label, item label, key, six applicant values)
OUTCOMES = [
    ("（一）予以公开", None, "granted", [80, 1, 0, 0, 1, 0]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partly_granted", [10, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "1.属于国家秘密", "withheld_state_secret", [1, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "2.其他法律行政法规禁止公开", "withheld_law", [0, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "3.危及“三安全一稳定”", "withheld_three_safety", [2, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "4.保护第三方合法权益", "withheld_third_party", [0, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "5.属于三类内部事务信息", "withheld_internal", [0, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "6.属于四类过程性信息", "withheld_process", [0, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "7.属于行政执法案卷", "withheld_enforcement", [0, 0, 0, 0, 0, 0]),
    ("（三）不予公开", "8.属于行政查询事项", "withheld_query", [3, 0, 0, 0, 0, 0]),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", "unable_not_held", [40, 1, 0, 1, 0, 0]),
    ("（四）无法提供", "2.没有现成信息需要另行制作", "unable_needs_creation", [3, 0, 0, 0, 0, 0]),
    ("（四）无法提供", "3.补正后申请内容仍不明确", "unable_unclear", [0, 0, 0, 0, 0, 0]),
    ("（五）不予处理", "1.信访举报投诉类申请", "rejected_petition", [5, 0, 0, 0, 0, 0]),
    ("（五）不予处理", "2.重复申请", "rejected_repeat", [1, 0, 0, 0, 0, 0]),
    ("（五）不予处理", "3.要求提供公开出版物", "rejected_publication", [0, 0, 0, 0, 0, 0]),
    ("（五）不予处理", "4.无正当理由大量反复申请", "rejected_excessive", [0, 0, 0, 0, 0, 0]),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "rejected_confirm", [0, 0, 0, 0, 0, 0]),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction", [2, 0, 0, 0, 0, 0]),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee", [0, 0, 0, 0, 0, 0]),
    ("（六）其他处理", "3.其他", "other_other", [6, 1, 0, 0, 1, 0]),
]
NEW = [162, 3, 0, 1, 2, 0]
CARRIED = [5, 0, 0, 0, 0, 0]
TABLE4 = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def _with_total(v: list[int]) -> list[int]:
    return [*v, sum(v)]


def table3_rows() -> dict[str, list[int]]:
    """Row key -> the seven printed values (six applicant columns and 总计)."""
    rows = {"new_requests": _with_total(NEW), "carried_over": _with_total(CARRIED)}
    total = [0] * 6
    for _, _, key, vals in OUTCOMES:
        rows[key] = _with_total(vals)
        total = [a + b for a, b in zip(total, vals, strict=True)]
    rows["total"] = _with_total(total)
    rows["carried_forward"] = _with_total([n + c - t for n, c, t in zip(NEW, CARRIED, total, strict=True)])
    assert all(v >= 0 for v in rows["carried_forward"])
    return rows


PROSE_TOP = [
    "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据为合成测试数据。",
    "一、总体情况",
    "2024年，全县主动公开政府信息1234条，受理政府信息公开申请168件。",
    "二、主动公开政府信息情况",
]
PROSE_END = [
    "五、存在的主要问题及改进情况",
    "政策解读质量仍需提升。",
    "六、其他需要报告的事项",
    "全年收取政府信息公开信息处理费0元。",
]


# --------------------------------------------------------------------- DOCX

def build_docx() -> bytes:
    """The report as a DOCX.

    Table 3 sits inside a one-cell layout table (a table inside a table); its
    header and labels use gridSpan and vMerge; the vertical label
    三、本年度办理结果 is one character per line; several numbers are split
    across runs (``1`` + ``62``).
    """
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    for ln in PROSE_TOP:
        d.add_paragraph(ln)
    t2 = d.add_table(rows=0, cols=4)
    for head, cols, rows in TABLE2:
        r = t2.add_row().cells
        r[0].merge(r[3]).text = head
        r = t2.add_row().cells
        if len(cols) == 2:
            r[0].text = cols[0]
            r[1].merge(r[3]).text = cols[1]
        else:
            for c, t in zip(r, cols, strict=True):
                c.text = t
        for label, vals in rows:
            r = t2.add_row().cells
            r[0].text = label
            if len(vals) == 1:
                cell = r[1].merge(r[3])
                p = cell.paragraphs[0]
                v = vals[0]
                p.add_run(v[: len(v) // 2])  # split across runs
                p.add_run(v[len(v) // 2 :])
            else:
                for c, v in zip(r[1:], vals, strict=True):
                    c.text = v
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    outer = d.add_table(rows=1, cols=1)
    inner_host = outer.cell(0, 0)
    inner_host.paragraphs[0].text = "（表格）"
    rows3 = table3_rows()
    n = 3 + 2 + len(OUTCOMES) + 2
    t3 = inner_host.add_table(rows=n, cols=10)
    c = t3.cell
    c(0, 0).merge(c(2, 2)).text = CORNER
    c(0, 3).merge(c(0, 9)).text = "申请人情况"
    c(1, 3).merge(c(2, 3)).text = COLS[0]
    c(1, 4).merge(c(1, 8)).text = "法人或其他组织"
    c(1, 9).merge(c(2, 9)).text = COLS[6]
    for k, lab in enumerate(COLS[1:6]):
        c(2, 4 + k).text = lab

    def values(r: int, vals: list[int], split: bool = False):
        for k, v in enumerate(vals):
            p = c(r, 3 + k).paragraphs[0]
            s = str(v)
            if split and len(s) > 1:
                p.add_run(s[:1])
                p.add_run(s[1:])
            else:
                p.add_run(s)

    c(3, 0).merge(c(3, 2)).text = "一、本年新收政府信息公开申请数量"
    values(3, rows3["new_requests"], split=True)
    c(4, 0).merge(c(4, 2)).text = "二、上年结转政府信息公开申请数量"
    values(4, rows3["carried_over"])
    first = 5
    last = first + len(OUTCOMES)  # the （七）总计 row
    vert = c(first, 0).merge(c(last, 0))
    p = vert.paragraphs[0]
    for k, ch in enumerate("三、本年度办理结果"):
        run = p.add_run(ch)
        if k < len("三、本年度办理结果") - 1:
            run.add_break()
    r = first
    k = 0
    while k < len(OUTCOMES):
        group, item, key, _ = OUTCOMES[k]
        span = sum(1 for o in OUTCOMES if o[0] == group)
        if item is None:
            c(r, 1).merge(c(r, 2)).text = group
        else:
            c(r, 1).merge(c(r + span - 1, 1)).text = group
        for j in range(span):
            g, it, key, _ = OUTCOMES[k + j]
            if it is not None:
                c(r + j, 2).text = it
            values(r + j, rows3[key], split=True)
        r += span
        k += span
    c(last, 1).merge(c(last, 2)).text = "（七）总计"
    values(last, rows3["total"])
    c(last + 1, 0).merge(c(last + 1, 2)).text = "四、结转下年度继续办理"
    values(last + 1, rows3["carried_forward"])
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = d.add_table(rows=4, cols=15)
    c4 = t4.cell
    c4(0, 0).merge(c4(1, 4)).text = "行政复议"
    c4(0, 5).merge(c4(0, 14)).text = "行政诉讼"
    c4(1, 5).merge(c4(1, 9)).text = "未经复议直接起诉"
    c4(1, 10).merge(c4(1, 14)).text = "复议后起诉"
    for k in range(15):
        c4(2, k).text = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][k % 5]
        c4(3, k).text = str(TABLE4[k])
    for ln in PROSE_END:
        d.add_paragraph(ln)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------- PDF

def _t3_header(Cell) -> list:
    return [
        Cell(0, 0, CORNER, rows=3, cols=3),
        Cell(0, 3, "申请人情况", cols=7),
        Cell(1, 3, COLS[0], rows=2),
        Cell(1, 4, "法人或其他组织", cols=5),
        Cell(1, 9, COLS[6], rows=2),
        *[Cell(2, 4 + k, lab) for k, lab in enumerate(COLS[1:6])],
    ]


def build_pdf_report() -> bytes:
    """The report as a two-page PDF with table 3 broken across the pages.

    Page 2 repeats table 3's three header rows; the group label （四）无法提供
    breaks across the pages ('（四）无' | '法提供'); 三、本年度办理结果 runs down
    the side one character per line; each page has a footer '— n —'; table 4
    is printed without rules, so it comes out as space-separated text.
    """
    from .pdfgen import PAGE_H, Cell, Page, build_pdf, draw_table

    rows3 = table3_rows()
    p1, p2 = Page(), Page()
    y = PAGE_H - 50
    p1.text(60, y, TITLE, 12)
    y -= 24
    for ln in PROSE_TOP:
        p1.text(40, y, ln, 9)
        y -= 16
    cells2 = []
    r = 0
    for head, cols, rows in TABLE2:
        cells2.append(Cell(r, 0, head, cols=4))
        r += 1
        if len(cols) == 2:
            cells2 += [Cell(r, 0, cols[0]), Cell(r, 1, cols[1], cols=3)]
        else:
            cells2 += [Cell(r, k, t) for k, t in enumerate(cols)]
        r += 1
        for label, vals in rows:
            cells2.append(Cell(r, 0, label))
            if len(vals) == 1:
                cells2.append(Cell(r, 1, vals[0], cols=3))
            else:
                cells2 += [Cell(r, 1 + k, v) for k, v in enumerate(vals)]
            r += 1
    y = draw_table(p1, 40, y, [160, 120, 120, 110], cells2) - 22
    p1.text(40, y, "三、收到和处理政府信息公开申请情况", 9)
    y -= 10
    widths = [22, 80, 150] + [41] * 7
    split = next(i for i, o in enumerate(OUTCOMES) if o[2] == "unable_not_held") + 1

    def vals(r, key):
        return [Cell(r, 3 + k, str(v)) for k, v in enumerate(rows3[key])]

    cells = _t3_header(Cell)
    cells += [Cell(3, 0, "一、本年新收政府信息公开申请数量", cols=3), *vals(3, "new_requests")]
    cells += [Cell(4, 0, "二、上年结转政府信息公开申请数量", cols=3), *vals(4, "carried_over")]

    def outcome_cells(first_row, outcomes, group_text):
        out, r, k = [], first_row, 0
        while k < len(outcomes):
            group, item, key, _ = outcomes[k]
            span = sum(1 for o in outcomes if o[0] == group)
            if item is None:
                out.append(Cell(r, 1, group, cols=2))
            else:
                out.append(Cell(r, 1, group_text.get(group, group), rows=span))
            for j in range(span):
                g, it, key, _ = outcomes[k + j]
                if it is not None:
                    out.append(Cell(r + j, 2, it))
                out += vals(r + j, key)
            r += span
            k += span
        return out, r

    part1, r = outcome_cells(5, OUTCOMES[:split], {"（四）无法提供": "（四）无"})
    cells += [Cell(5, 0, "三、本年度办理结果", rows=r - 5, vertical=True), *part1]
    y = draw_table(p1, 28, y, widths, cells)
    p1.text(280, 30, "— 1 —", 9)

    y = PAGE_H - 50
    cells = _t3_header(Cell)  # the header repeated on the new page
    part2, r = outcome_cells(3, OUTCOMES[split:], {"（四）无法提供": "法提供"})
    last = r
    cells += part2 + [Cell(last, 1, "（七）总计", cols=2), *vals(last, "total")]
    cells += [Cell(3, 0, "", rows=last - 2)]
    cells += [Cell(last + 1, 0, "四、结转下年度继续办理", cols=3), *vals(last + 1, "carried_forward")]
    y = draw_table(p2, 28, y, widths, cells) - 22
    p2.text(40, y, "四、政府信息公开行政复议、行政诉讼情况", 9)
    y -= 16
    p2.text(40, y, "行政复议 行政诉讼", 8)
    y -= 12
    p2.text(40, y, "结果维持 结果纠正 其他结果 尚未审结 总计 " * 3, 7)
    y -= 12
    p2.text(40, y, " ".join(str(v) for v in TABLE4), 8)
    y -= 22
    for ln in PROSE_END:
        p2.text(40, y, ln, 9)
        y -= 16
    p2.text(280, 30, "— 2 —", 9)
    return build_pdf([p1, p2])
