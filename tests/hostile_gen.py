"""Generators of hostile and broken inputs, and of a synthetic report in every form.

Nothing here is committed as a big file: :func:`build_suite` writes the
hostile-input suite into a folder (a test's ``tmp_path``) and returns one
:class:`Case` per file, with what reading it must give:

``report``
    a :class:`~govreport.report.Report` (and, where ``truth`` is set, the
    synthetic report's every table cell, as printed);
``error``
    one of the library's own exceptions (``error`` names the class expected,
    or ``GovReportError`` for any of them);
``any``
    either: a report, or one of the library's exceptions.

Every case must end in one of those -- never a bare ``KeyError``,
``IndexError``, ``RecursionError`` …, and never a hang.

The form converters (:func:`to_markdown`, :func:`to_docx`, :func:`to_pdf`)
print the synthetic report of :func:`govreport.synthetic.make_report` as
Markdown (a PDF converter's pipe tables), as a Word DOCX (merged cells as
``gridSpan``/``vMerge``) and as a PDF (ruled tables drawn by
``data_synthetic.pdfgen``), so one report can be read back from every form
the library reads.
"""

from __future__ import annotations

import html as _html
import io
import random
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from govreport.synthetic import make_report

__all__ = [
    "Case",
    "build_suite",
    "structure",
    "to_markdown",
    "to_docx",
    "to_pdf",
    "minimal_docx",
    "malicious_html",
    "PAYLOAD_SCRIPT",
    "PAYLOAD_IMG",
    "BIG_MB",
]

#: Payloads that must never run: in the agency name and in table cells.
PAYLOAD_SCRIPT = "<script>window.__pwned=1;alert('agency')</script>"
PAYLOAD_IMG = "<img src=x onerror=\"window.__pwned=2;alert('cell')\">"
#: Size of the enormous text file (MB).
BIG_MB = 200


@dataclass(frozen=True)
class Case:
    """One hostile input and what reading it must give."""

    name: str
    path: str
    expect: str  # "report" | "error" | "any"
    error: str | None = None  # the exception class expected (expect == "error")
    seed: int | None = None  # synthetic seed: the cells must be the truth's
    template: str = "2021"
    doubt: str | None = None  # a doubt the report must carry
    note: str = ""


# ---------------------------------------------------------------------------
# the synthetic report as a structure: paragraphs and tables with spans


def structure(page: str) -> list[tuple]:
    """Cut a synthetic HTML page into ``("p", text)`` and ``("table", rows)`` items.

    ``rows`` is a list of rows, each a list of ``(col, text, rowspan, colspan)``
    with ``col`` the grid column the cell starts in (spans resolved).
    """
    from lxml import etree

    root = etree.fromstring(page.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    body = root.find("body")
    out: list[tuple] = []
    for el in body.iter("p", "h1", "table"):
        if el.tag == "table":
            out.append(("table", _grid_of(el)))
        elif el.getparent().tag not in ("td", "th") and not any(a.tag == "td" for a in el.iterancestors()):
            text = "".join(el.itertext()).strip()
            if text:
                out.append(("p", text))
    return out


def _grid_of(table) -> list[list[tuple[int, str, int, int]]]:
    rows: list[list[tuple[int, str, int, int]]] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, tr in enumerate(table.iter("tr")):
        row = []
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while taken.get((r, col)):
                col += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            row.append((col, "".join(td.itertext()).strip(), rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, col + dc)] = True
            col += cs
        rows.append(row)
    return rows


def _reader_rows(rows) -> list[list[str]]:
    """Rows as the HTML reader sees them: row-span text repeated, column spans once."""
    width = max((c + cs for row in rows for c, _, _, cs in row), default=0)
    grid: list[list[str | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        for c, text, rs, cs in row:
            for dr in range(rs):
                if r + dr < len(rows):
                    grid[r + dr][c] = text
                    for dc in range(1, cs):
                        grid[r + dr][c + dc] = ""  # covered: dropped below
    out = []
    for r, row in enumerate(rows):
        starts = {c for c, *_ in row}
        cells = []
        for c in range(width):
            v = grid[r][c]
            if v is None:
                continue
            if v == "" and c not in starts and any(c0 < c < c0 + cs for c0, _, _, cs in _covering(rows, r)):
                continue
            cells.append(v)
        out.append(cells)
    return out


def _covering(rows, r):
    """Cells (col, text, rowspan, colspan) that cover row ``r``."""
    for r0 in range(r + 1):
        for c, text, rs, cs in rows[r0]:
            if r0 + rs > r:
                yield c, text, rs, cs


# ---------------------------------------------------------------------------
# Markdown


def to_markdown(page: str) -> str:
    """The synthetic HTML page as a PDF-to-Markdown converter prints it."""
    lines: list[str] = []
    for kind, obj in structure(page):
        if kind == "p":
            lines += [obj, ""]
            continue
        rows = _reader_rows(obj)
        for k, cells in enumerate(rows):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            if k == 0:
                lines.append("|" + "---|" * len(cells))
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# DOCX

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_DOC_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_CLOSE = "</w:body></w:document>"


def _x(text: str) -> str:
    return _html.escape(text, quote=False)


def w_para(text: str) -> str:
    """One Word paragraph."""
    return f'<w:p><w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:p>'


def w_table(rows: list[list[tuple[int, str, int, int]]]) -> str:
    """A Word table with merged cells: ``gridSpan`` across, ``vMerge`` down."""
    width = max((c + cs for row in rows for c, _, _, cs in row), default=1)
    cover: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) -> (colspan, start row) of a vMerge
    for r, row in enumerate(rows):
        for c, _, rs, cs in row:
            for dr in range(1, rs):
                cover[(r + dr, c)] = (cs, r)
    out = ["<w:tbl><w:tblGrid>" + "<w:gridCol/>" * width + "</w:tblGrid>"]
    for r, row in enumerate(rows):
        starts = {c: (text, rs, cs) for c, text, rs, cs in row}
        out.append("<w:tr>")
        c = 0
        while c < width:
            if c in starts:
                text, rs, cs = starts[c]
                pr = (f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else "") + ('<w:vMerge w:val="restart"/>' if rs > 1 else "")
                out.append(f"<w:tc><w:tcPr>{pr}</w:tcPr>{w_para(text)}</w:tc>")
                c += cs
            elif (r, c) in cover:
                cs = cover[(r, c)][0]
                pr = (f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else "") + "<w:vMerge/>"
                out.append(f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p/></w:tc>")
                c += cs
            else:
                c += 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def minimal_docx(body_xml: str, *, extra: dict[str, bytes] | None = None, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX package around ``body_xml`` (the children of ``<w:body>``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", _DOC_OPEN + body_xml + _DOC_CLOSE)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def to_docx(page: str) -> bytes:
    """The synthetic HTML page as a Word DOCX."""
    parts = []
    for kind, obj in structure(page):
        parts.append(w_para(obj) if kind == "p" else w_table(obj))
    return minimal_docx("".join(parts))


# ---------------------------------------------------------------------------
# PDF


def _pdf_widths(width: int) -> list[float]:
    if width >= 15:
        return [35.0] * width
    if width >= 10:
        return [22.0, 80.0, 150.0] + [41.0] * (width - 3)
    return [160.0, 120.0, 120.0, 110.0, 20.0][:width] + [20.0] * max(0, width - 5)


def to_pdf(page: str) -> bytes:
    """The synthetic HTML page as a PDF: ruled tables, prose wrapped to the page."""
    import sys

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from data_synthetic.pdfgen import PAGE_H, Cell, Page, build_pdf, draw_table

    pages = [Page()]
    y = PAGE_H - 50
    per_line = 52
    for kind, obj in structure(page):
        if kind == "p":
            for k in range(0, len(obj), per_line):
                if y < 60:
                    pages.append(Page())
                    y = PAGE_H - 50
                pages[-1].text(40, y, obj[k : k + per_line], 9)
                y -= 14
            continue
        cells = [Cell(r, c, text, rows=rs, cols=cs) for r, row in enumerate(obj) for c, text, rs, cs in row]
        width = max(c.col + c.cols for c in cells)
        scratch = Page()
        height = y - draw_table(scratch, 28, y, _pdf_widths(width), cells)
        if height > y - 50:
            pages.append(Page())
            y = PAGE_H - 50
        y = draw_table(pages[-1], 28, y, _pdf_widths(width), cells) - 16
    return build_pdf(pages)


# ---------------------------------------------------------------------------
# hostile pieces


def malicious_html(seed: int = 3) -> str:
    """A synthetic report page whose agency name and table cells carry script payloads.

    The payloads are printed as *text* (escaped in the page, as a portal that
    shows what an agency typed would print them); raw ``<script>`` and
    ``onerror`` markup is added too (a reader must drop it).
    """
    page, truth = make_report(seed, form="html")
    agency = truth["agency"]
    esc_script, esc_img = _html.escape(PAYLOAD_SCRIPT), _html.escape(PAYLOAD_IMG)
    # the title loses its agency: the agency comes from the 发布机构 field, payload and all
    page = page.replace(f"{agency}{truth['year']}年政府信息公开工作年度报告", f"{truth['year']}年政府信息公开工作年度报告")
    page = page.replace(
        '<div class="xl_article">',
        f'<div class="xl_article"><p>发布机构：{agency}{esc_script}</p>'
        f'<script>window.__pwned=3;alert("raw")</script><img src=x onerror="window.__pwned=4">',
    )
    # a table-2 cell and a table-3 label carry payloads
    page = page.replace(
        '<td><p align="center">行政强制</p></td>', f'<td><p align="center">行政强制{esc_img}</p></td>', 1
    )
    page = page.replace("<td colspan=\"4\"><p align=\"center\">第二十条第（八）项</p></td>",
                        f"<td colspan=\"4\"><p align=\"center\">第二十条第（八）项{esc_script}</p></td>", 1)  # fmt: skip
    page = page.replace("一、本年新收政府信息公开申请数量", f"一、本年新收政府信息公开申请数量{esc_img}", 1)
    page = page.replace("</tbody></table>\n<p><b>三、", f"<tr><td>{esc_img}</td><td>{esc_script}</td></tr></tbody></table>\n<p><b>三、", 1)
    return page


def _patch_zip_sizes(data: bytes, member: str, size: int) -> bytes:
    """Make a ZIP's headers claim ``member`` inflates to ``size`` bytes (a lying zip bomb)."""
    b = bytearray(data)
    name = member.encode()
    pos = 0
    while True:
        i = b.find(b"PK\x03\x04", pos)
        if i < 0:
            break
        n = struct.unpack_from("<H", b, i + 26)[0]
        if bytes(b[i + 30 : i + 30 + n]) == name:
            struct.pack_into("<I", b, i + 22, size)
        pos = i + 4
    pos = 0
    while True:
        i = b.find(b"PK\x01\x02", pos)
        if i < 0:
            break
        n = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46 : i + 46 + n]) == name:
            struct.pack_into("<I", b, i + 24, size)
        pos = i + 4
    return bytes(b)


def _pdf_objects(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split a pdfgen PDF into header and object bodies (``N 0 obj … endobj``)."""
    head, rest = data.split(b"1 0 obj\n", 1)
    bodies = []
    for chunk in (b"1 0 obj\n" + rest).split(b"\nendobj\n")[:-1]:
        bodies.append(chunk.split(b" 0 obj\n", 1)[1])
    return head, bodies


def _pdf_join(head: bytes, bodies: list[bytes], trailer_extra: str = "", xref_offsets: list[int] | None = None,
              startxref: int | None = None) -> bytes:  # fmt: skip
    out = bytearray(head)
    offsets = []
    for i, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    offs = xref_offsets if xref_offsets is not None else offsets
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    for off in offs:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R {trailer_extra}>>\nstartxref\n{xref if startxref is None else startxref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_variants(pdf: bytes) -> dict[str, bytes]:
    """Broken PDFs made from a good one: bad xref, loops in the page tree and the trailer."""
    head, bodies = _pdf_objects(pdf)
    out = {}
    rng = random.Random(5)
    out["xref_garbage"] = _pdf_join(head, bodies, xref_offsets=[rng.randrange(len(pdf)) for _ in bodies])
    out["xref_missing"] = pdf[: pdf.rindex(b"xref")] + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    out["startxref_past_end"] = _pdf_join(head, bodies, startxref=len(pdf) * 10)
    # the trailer's /Prev points back at its own xref: an endless chain of xref sections
    xref_at = len(_pdf_join(head, bodies).split(b"xref\n0 ")[0])
    out["xref_prev_loop"] = _pdf_join(head, bodies, trailer_extra=f"/Prev {xref_at} ")
    # the page tree holds itself: /Kids of the Pages node lists the Pages node
    pages = bodies[1].decode()
    out["page_tree_cycle"] = _pdf_join(head, [bodies[0], pages.replace("/Kids [", "/Kids [2 0 R ").encode(), *bodies[2:]])
    # a page whose /Parent is itself and an object that references itself as its own length
    loop = [*bodies]
    for k, body in enumerate(loop):
        if b"/Type /Page " in body:
            loop[k] = body.replace(b"/Parent 2 0 R", f"/Parent {k + 1} 0 R".encode())
            break
    out["page_parent_self"] = _pdf_join(head, loop)
    self_len = [*bodies]
    for k, body in enumerate(self_len):
        if body.startswith(b"<< /Length "):
            n = body.split(b">>", 1)[0]
            self_len[k] = body.replace(n, f"<< /Length {k + 1} 0 R".encode(), 1)
            break
    out["stream_length_self"] = _pdf_join(head, self_len)
    # an indirect chain n+1 -> n+2 -> n+1 used as the catalog's page tree
    n = len(bodies)
    chain = [*bodies, f"{n + 2} 0 R".encode(), f"{n + 1} 0 R".encode()]
    chain[0] = f"<< /Type /Catalog /Pages {n + 1} 0 R >>".encode()
    out["reference_cycle"] = _pdf_join(head, chain)
    # a page's content stream is a reference to a reference to itself: pdfminer follows it for
    # ever (only the time budget stops it)
    loop = [*bodies, f"{n + 2} 0 R".encode(), f"{n + 1} 0 R".encode()]
    for k, body in enumerate(loop):
        if b"/Type /Page " in body:
            loop[k] = re.sub(rb"/Contents \d+ 0 R", f"/Contents {n + 1} 0 R".encode(), body)
            break
    out["contents_reference_cycle"] = _pdf_join(head, loop)
    # a content stream that claims Flate compression and is not
    bad = [*bodies]
    for k, body in enumerate(bad):
        if body.startswith(b"<< /Length "):
            bad[k] = body.replace(b"<< /Length", b"<< /Filter /FlateDecode /Length", 1)
    out["bad_flate"] = _pdf_join(head, bad)
    return out


def _deflate_bomb(member_size: int) -> bytes:
    """A DOCX whose document.xml inflates to ``member_size`` bytes of white space."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            fh.write(_DOC_OPEN.encode())
            chunk = b" " * 2**20
            for _ in range(member_size // len(chunk)):
                fh.write(chunk)
            fh.write(_DOC_CLOSE.encode())
    return buf.getvalue()


def _rows_text(n: int) -> str:
    return "".join(f"指标{i} | {i} | {i * 7 % 13} | {i % 5}\n" for i in range(n))


def _rows_html(n: int) -> str:
    return "<table>" + "".join(f"<tr><td>指标{i}</td><td>{i}</td><td>{i % 7}</td></tr>" for i in range(n)) + "</table>"


# ---------------------------------------------------------------------------
# the suite


def build_suite(folder: str | Path, *, big: bool = True, seed: int = 0) -> list[Case]:
    """Write the hostile-input suite into ``folder``; return its cases.

    Parameters
    ----------
    folder : path
        Created if missing.
    big : bool
        Also write the enormous (``BIG_MB``) text file.
    seed : int
        Seed of the random cuts and noise.
    """
    import sys

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from data_synthetic.report import build_docx, build_pdf_report

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cases: list[Case] = []

    def add(name: str, data: bytes | str, expect: str, error: str | None = None, **kw) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(name, str(path), expect, error, **kw))

    S = 11  # the synthetic report most cases are made from
    pipes, truth = make_report(S, form="text-pipes")
    page, _ = make_report(S, form="html")
    lines, _ = make_report(S, form="text-lines")
    docx, pdf = build_docx(), build_pdf_report()

    # -- empty, white space, noise, not reports --------------------------------------------
    add("empty.txt", b"", "error", "NotAReportError")
    add("whitespace.txt", b" \t\r\n" * 1000, "error", "NotAReportError")
    add("ideographic_spaces.txt", "\u3000\u00a0\u200b\n".encode() * 1000, "error", "NotAReportError")
    add("newlines_1mb.txt", b"\n" * 2**20, "error", "NotAReportError", note="cubic regex before the fix")
    add("spaces_1mb.md", b" " * 2**20, "error", "NotAReportError")
    for k in range(3):
        add(f"noise_{k}.bin", rng.randbytes(64 * 1024), "error", "GovReportError")
    add("noise_pdf_header.pdf", b"%PDF-1.7\n" + rng.randbytes(32 * 1024), "error", "ReadError")
    add("noise_zip_header.docx", b"PK\x03\x04" + rng.randbytes(32 * 1024), "error", "GovReportError")
    add("noise_ole_header.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4096), "error", "UnsupportedFormError")
    add("image.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(4096), "error", "UnsupportedFormError")
    add("news_page.html", "<html><body><h1>新闻</h1><p>今天天气很好。</p></body></html>", "error", "NotAReportError")
    add("csv.txt", "a,b,c\n1,2,3\n" * 100, "error", "NotAReportError")
    add("json.txt", '{"信息公开": [1, 2, 3], "申请": null}', "error", "TableNotFoundError")

    # -- truncated at random points ----------------------------------------------------------
    for k, cut in enumerate(sorted(rng.sample(range(1, len(page.encode())), 6))):
        add(f"truncated_{k}.html", page.encode()[:cut], "any")
    for k, cut in enumerate(sorted(rng.sample(range(1, len(pdf)), 6))):
        add(f"truncated_{k}.pdf", pdf[:cut], "any")
    for k, cut in enumerate(sorted(rng.sample(range(1, len(docx)), 6))):
        add(f"truncated_{k}.docx", docx[:cut], "error", "ReadError")
    raw = pipes.encode()
    cut = raw.rindex("其他需要报告的事项".encode()) + 4  # inside a character, after the tables
    add("truncated_mid_character.txt", raw[:cut], "report", seed=S, doubt="undecodable bytes")

    # -- encodings ----------------------------------------------------------------------------
    gbk_page = page.replace('charset="utf-8"', 'charset="gbk"')
    add("gbk_undeclared.txt", pipes.encode("gbk"), "report", seed=S)
    add("gbk_declared.html", gbk_page.encode("gbk"), "report", seed=S)
    add("gbk_declared_as_utf8.html", page.encode("gbk"), "report", seed=S)
    add("utf8_declared_as_gbk.html", gbk_page.encode("utf-8"), "report", seed=S)
    add("gb18030_four_byte.txt", (pipes + "\n附：𠀀𪚥㐀\n").encode("gb18030"), "report", seed=S)
    add("gb18030_declared_gb2312.html", page.replace('charset="utf-8"', 'charset="gb2312"').replace("</body>", "<p>𠀀𪚥</p></body>").encode("gb18030"), "report", seed=S)
    add("utf16_bom.txt", pipes.encode("utf-16"), "report", seed=S)
    add("utf8_bom.html", b"\xef\xbb\xbf" + page.encode(), "report", seed=S)
    corrupt = bytearray(page.encode())
    corrupt[page.encode().index("规范公开流程".encode()) + 1] = 0xFF  # one corrupted byte in the prose
    add("utf8_one_bad_byte.html", bytes(corrupt), "report", seed=S, doubt="undecodable bytes")
    add("latin1_declared.html", page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("utf-8"), "report", seed=S)
    add("big5_text.txt", pipes.encode("big5", "replace"), "any", note="traditional-script encoding: not read as such")

    # -- enormous ----------------------------------------------------------------------------
    if big:
        path = folder / "enormous_200mb.txt"
        block = (pipes * 40).encode()
        with open(path, "wb") as fh:
            for _ in range(BIG_MB * 2**20 // len(block) + 1):
                fh.write(block)
        cases.append(Case(path.name, str(path), "error", "BudgetExceededError"))

    # -- deep nesting ------------------------------------------------------------------------
    add("nested_divs_before.html", page.replace("<body>", "<body>" + "<div>" * 100_000), "error", "BudgetExceededError")
    add("nested_divs_after.html", page.replace("</body>", "<div>" * 100_000 + "</body>"), "report", seed=S, doubt="truncated")
    add("nested_tables.html", page.replace("</body>", "<table><tr><td>" * 20_000 + "1" + "</td></tr></table>" * 20_000 + "</body>"), "report", seed=S, doubt="truncated")
    add("nested_inline.html", page.replace("<body>", "<body>" + "<b><i>" * 50_000), "error", "BudgetExceededError")
    nest = "".join("<w:tbl><w:tr><w:tc>" for _ in range(600)) + w_para("x") + "".join("</w:tc></w:tr></w:tbl>" for _ in range(600))
    add("nested_tables.docx", minimal_docx(w_para("政府信息公开工作年度报告") + nest), "error", "BudgetExceededError")

    # -- zip bombs and path traversal --------------------------------------------------------
    add("zip_bomb.docx", _deflate_bomb(256 * 2**20), "error", "BudgetExceededError", note="256 MB of white space in 250 KB")
    lying = _patch_zip_sizes(_deflate_bomb(1024 * 2**20), "word/document.xml", 1000)
    add("zip_bomb_lying_header.docx", lying, "error", "BudgetExceededError", note="1 GB in 1 MB; the header says 1,000 bytes")
    add("zip_many_entries.docx", minimal_docx(w_para("x"), extra={f"junk/{i}.xml": b"" for i in range(12_000)}), "error", "BudgetExceededError")
    trav = io.BytesIO()
    with zipfile.ZipFile(trav, "w", zipfile.ZIP_DEFLATED) as z:
        src = zipfile.ZipFile(io.BytesIO(docx))
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        for evil in ("../../evil.txt", "/tmp/evil_abs.txt", "..\\..\\evil_win.txt", "word/../../../evil.xml"):
            z.writestr(evil, "pwned")
    add("path_traversal.docx", trav.getvalue(), "report")

    # -- PDFs that are broken or loop --------------------------------------------------------
    for name, data in pdf_variants(pdf).items():
        if name == "contents_reference_cycle":
            add(f"pdf_{name}.pdf", data, "error", "BudgetExceededError", note="stopped by the time budget")
        else:
            add(f"pdf_{name}.pdf", data, "any")
    from data_synthetic.pdfgen import Page, build_pdf

    many = []
    for k in range(260):
        p = Page()
        p.text(60, 700, f"第{k + 1}页 政府信息公开", 9)
        many.append(p)
    add("pdf_260_pages.pdf", build_pdf(many), "error", "BudgetExceededError")

    # -- tables of 10,000 rows ---------------------------------------------------------------
    N = 10_000
    add("rows_10k_pipes.txt", pipes + "\n附表\n" + _rows_text(N), "report", seed=S)
    add("rows_10k.html", page.replace("</body>", _rows_html(N) + "</body>"), "report", seed=S)
    t3row = "".join(f"一、本年新收政府信息公开申请数量 | {i} | 0 | 0 | 0 | 0 | 0 | {i}\n" for i in range(N))
    j = pipes.index("一、本年新收")
    add("rows_10k_table3_repeated.txt", pipes[:j] + t3row + pipes[j:], "any")
    md = to_markdown(page)
    add("rows_10k.md", md + "\n| 指标 | 数值 | 其他 |\n|---|---|---|\n" + "".join(f"| 指标{i} | {i} | {i % 3} |\n" for i in range(N)), "report", seed=S)
    k = lines.index("一、本年新收")
    k = lines.index("\n", k) + 1
    add("lines_10k_values_after_label.txt", lines[:k] + "1\n" * N + lines[k:], "any", note="C(10006, 6) merges before the fix")
    body = "".join(w_para(o) if kd == "p" else w_table(o) for kd, o in structure(page))
    add("rows_10k.docx", minimal_docx(body + w_table([[(0, f"指标{i}", 1, 1), (1, str(i), 1, 1)] for i in range(N)])), "report", seed=S)

    # -- numbers of 400 digits ---------------------------------------------------------------
    big_n = "9" * 400
    add("digits_400_cells.txt", pipes.replace("| 0 |", f"| {big_n} |", 5), "report")
    add("digits_400_amount.txt", _sub_amount(pipes, "1." + "3" * 400), "report", note="decimal128 overflow before the fix")
    add("digits_400_html.html", page.replace('<p align="center">0</p>', f'<p align="center">{big_n}</p>', 5), "report")
    add("digits_400_lines.txt", lines.replace("\n0\n", f"\n{big_n}\n", 5), "any")
    flat = pipes.replace(" | ", "")
    add("digits_400_flat.txt", flat.replace("一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量" + "1" * 350 + "0" * 50, 1), "any", note="digit splits")
    add("digits_400_prose.txt", pipes.replace("共收到政府信息公开申请", f"共收到政府信息公开申请{big_n}", 1), "report")

    # -- NUL bytes and broken code points -----------------------------------------------------
    add("nul_in_labels.txt", pipes.replace("本年新收", "本年\x00新收").replace("结转", "结\x00转"), "report", seed=S)
    add("nul_everywhere.html", "\x00".join(page[i : i + 97] for i in range(0, len(page), 97)), "any")
    add("nul_in_html_labels.html", page.replace("本年新收", "本年\x00新收"), "report", seed=S)
    add("control_chars.txt", pipes.replace("。", "。\x1b[31m\x07\x08"), "report", seed=S)
    add("cesu_surrogates.txt", pipes.replace("（合成文本）", "（\ud800合成文本）", 1).encode("utf-8", "surrogatepass"), "report", seed=S, doubt="undecodable bytes")
    add("replacement_chars.txt", pipes.replace("一、总体情况", "一、总体情况\ufffd\ufffd"), "report", seed=S)

    # -- injection -------------------------------------------------------------------------
    add("injection.html", malicious_html(), "report")
    add("injection_pipes.txt", pipes.replace("本年新收", f"本年新收{PAYLOAD_IMG}", 1).replace(
        "二、主动公开政府信息情况", f"二、主动公开政府信息情况\n发布机构：{PAYLOAD_SCRIPT}"), "report")  # fmt: skip
    return cases


def _sub_amount(pipes: str, value: str) -> str:
    import re

    out, n = re.subn(r"(行政事业性收费 \| )[\d.]+", lambda m: m.group(1) + value, pipes, count=1)
    assert n == 1
    return out


def archive(folder: str | Path, name: str = "crawl.zip") -> tuple[Path, int]:
    """A crawl delivered as a ZIP: reports under hostile member names, a zip bomb member.

    Returns the archive and the number of inputs it holds.
    """
    folder = Path(folder)
    path = folder / name
    page, _ = make_report(21, form="html")
    pipes, _ = make_report(22, form="text-pipes")
    members = {
        "../../escape.html": page.encode(),
        "/absolute/path.txt": pipes.encode(),
        "..\\windows\\style.txt": pipes.encode("gbk"),
        "ok/report.html": page.encode(),
        "nul\x00name.txt": b"",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            info = zipfile.ZipInfo(member.replace("\x00", "_"))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
        bomb = zipfile.ZipInfo("bomb.txt")
        bomb.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(bomb, b"\n" * (8 * 2**20))  # 8 MB of newlines in 8 KB: refused as a bomb
    return path, len(members) + 1


# ---------------------------------------------------------------------------
# probing one input (in a worker process of its own)


def _rss() -> int:
    """Resident set size of this process, in bytes."""
    import os

    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def probe(task: dict) -> dict:
    """Read one case with ``read_report`` and use every part of the report; measure it.

    ``task``: ``{"case": Case, "max_seconds": float}``.  Meant to run in a fresh
    worker process (:func:`govreport.parallel.run_processes` with
    ``max_tasks_per_worker=1``), so that ``ru_maxrss`` is this input's peak.
    Returns a record: ``outcome`` (``report`` or the exception class),
    ``bare`` (an exception that is not the library's), ``reason``,
    ``seconds``, ``rss_start``, ``rss_peak``, ``doubts``, ``cells_wrong``.
    """
    import resource
    import time
    import traceback

    from govreport import Budget, GovReportError, read_report
    from govreport.synthetic import cells_of

    case: Case = task["case"]
    rss0 = _rss()
    t0 = time.perf_counter()
    rec = {"ok": True, "source": case.name, "name": case.name, "bare": None, "cells_wrong": None, "doubts": []}
    try:
        report = read_report(case.path, budget=Budget(max_seconds=task["max_seconds"]))
        rec["outcome"], rec["reason"] = "report", ""
        rec["read_seconds"] = time.perf_counter() - t0
        for frame in ("requests", "active", "reviews", "doubts", "legacy", "figures", "checks"):
            getattr(report, frame)
        rec["repr_html"] = report._repr_html_()
        rec["info"] = {k: v for k, v in report.info().items() if k in ("agency", "year", "form", "encoding")}
        rec["doubts"] = sorted(set(report.doubts["doubt"].astype(str)))
        if case.seed is not None:
            _, truth = make_report(case.seed, template=case.template, form="html")
            got = cells_of(report)
            rec["cells_wrong"] = {str(k): (got.get(k), str(v)) for k, v in truth["cells"].items() if got.get(k) != v}
    except GovReportError as exc:
        rec["outcome"], rec["reason"], rec["error_source"] = type(exc).__name__, exc.reason, exc.source
        rec["mro"] = [k.__name__ for k in type(exc).__mro__]
    except BaseException as exc:  # noqa: BLE001 - what the suite is looking for
        rec["outcome"], rec["reason"] = type(exc).__name__, str(exc)[:300]
        rec["bare"] = "".join(traceback.format_exception(exc, limit=-6))[-3000:]
    rec["seconds"] = time.perf_counter() - t0
    rec["rss_start"] = rss0
    rec["rss_peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return rec
