"""PDF with a text layer: pdfplumber tables as rows, the rest as text lines.

Per page, in reading order (top to bottom):

- each ruled table pdfplumber finds becomes ROW blocks, one per table row,
  cells in order.  A cell's text lines are joined with nothing, so a label
  printed down the side one character per line (三、/本/年/度 …) is one
  label again.  Cells a merged cell covers (pdfplumber gives ``None``) follow
  the HTML reader: a column-span continuation is dropped, a row-span
  continuation repeats the merged cell's text; a printed blank stays ``""``;
- a "table" with a single column is a framed text box, read as text;
- the text outside the tables becomes LINE blocks; page footers and headers
  (``— 1 —``, ``- 2 -``, ``第 3 页``, ``3/6``) are dropped;
- a line outside any table that reads as a table row pdfplumber missed (a
  short label followed by values, or values alone) becomes a ROW block with
  its space-separated values as cells;
- a table that runs on from the foot of one page to the head of the next
  keeps one table index; the header rows the new page repeats are dropped
  (``Document.attrs["repeated_headers"]`` counts them).

Every block records its page (:attr:`~govreport.document.Block.page`).
A PDF whose pages carry (almost) no text is a scan:
:class:`~govreport.errors.ScannedDocumentError`.
"""

from __future__ import annotations

import io
import re

from ..document import LINE, ROW, Block, Document
from ..errors import BudgetExceededError, ReadError, ScannedDocumentError
from ..normalize import compact, normalize_text
from ..values import is_value_text
from . import import_optional
from .markdown import flat_row_cells
from .sniff import DEFAULT_BUDGET, Budget

__all__ = ["read_pdf"]

# "— 1 —", "- 2 -", "-3-", "第 3 页", "第3页 共6页", "3/6", "3 / 6"
_FOOTER_RE = re.compile(
    r"^(?:[-—–‒―−~·•\s]*\d{1,4}[-—–‒―−~·•\s]*|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_DASHED_RE = re.compile(r"[-—–‒―−~]")
# Fewer text characters than this in the whole file: a scan.
_MIN_TEXT_CHARS = 20
# Pages that each carry an image and on average fewer text characters than
# this (a page number, a stamp): a scan.
_MIN_CHARS_PER_PAGE = 40
# A page edge band where page numbers sit (fraction of the page height).
_MARGIN = 0.12


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    return normalize_text(text).replace("\n", "")


def _is_footer(text: str, top: float, bottom: float, height: float) -> bool:
    """Tell a page number: dashed anywhere, a bare number only in the page margins."""
    t = text.strip()
    if not t or not _FOOTER_RE.match(t):
        return False
    if _DASHED_RE.search(t) or "页" in t or "/" in t:
        return True
    return top > height * (1 - _MARGIN) or bottom < height * _MARGIN


def _grid(table) -> list[list[str]]:
    """Rows of cell texts with merged cells resolved (see the module doc).

    An empty cell left of the first column that holds a value anywhere in
    the table is a blank label cell (``（七）总计`` beside an empty item
    cell), not a printed blank value: it is dropped.
    """
    raw = table.extract()
    rows = table.rows
    cols = table.columns
    out: list[list[tuple[int, str]]] = []
    for r, cells in enumerate(raw):
        row: list[tuple[int, str]] = []
        for c, text in enumerate(cells):
            if text is not None:
                row.append((c, _cell_text(text)))
                continue
            # covered by a merged cell: to the left (column span) or above (row span)?
            x = (cols[c].bbox[0] + cols[c].bbox[2]) / 2 if c < len(cols) else None
            left = next((b for b in reversed(rows[r].cells[:c]) if b is not None), None)
            if left is not None and x is not None and left[2] > x:
                continue  # column-span continuation
            y = (rows[r].bbox[1] + rows[r].bbox[3]) / 2
            above = next((rr for rr in range(r - 1, -1, -1) if rows[rr].cells[c] is not None), None)
            if above is not None and rows[above].cells[c][3] > y:
                row.append((c, _cell_text(raw[above][c])))  # row-span continuation
            else:
                row.append((c, ""))
        out.append(row)
    value_cols = [c for row in out for c, t in row if t and is_value_text(t)]
    first_value = min(value_cols, default=0)
    return [[t for c, t in row if t or c >= first_value] for row in out]


def _line_block(text: str, page: int) -> Block:
    cells = flat_row_cells(text, strict=True)
    if len(cells) > 1 or (cells and is_value_text(cells[0])):
        return Block(ROW, cells, 0, page=page)
    return Block(LINE, [text], 0, page=page)


def _open(pdfplumber, data: bytes, source: str):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types
        what = f"{type(exc).__name__}: {exc}"
        if "password" in what.lower() or "encrypt" in what.lower():
            raise ReadError(source, f"the PDF is encrypted and cannot be read without its password ({what})"[:300]) from None
        raise ReadError(source, f"not a readable PDF ({what})"[:300]) from None


def read_pdf(data: bytes, *, source: str, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read a PDF's text layer into a :class:`~govreport.document.Document`.

    Parameters
    ----------
    data : bytes
        The PDF file's bytes.
    source : str
        Name of the input, for messages.
    budget : Budget, optional
        ``max_pages`` (pages read), ``max_cells`` (table cells), ``max_bytes``.

    Returns
    -------
    Document
        Form ``pdf``; every block has its 1-based ``page``.

    Raises
    ------
    MissingDependencyError
        pdfplumber is not installed.
    ScannedDocumentError
        The pages carry no text layer (an image scan).
    BudgetExceededError
        More pages, cells or bytes than the budget allows.
    ReadError
        The bytes are not a readable PDF (truncated, encrypted, broken).

    """
    if len(data) > budget.max_bytes:
        raise BudgetExceededError(source, f"PDF is {len(data):,} bytes, over the budget of {budget.max_bytes:,}")
    pdfplumber = import_optional("pdfplumber", source)
    pdf = _open(pdfplumber, data, source)
    try:
        return _read(pdf, source, budget)
    except (ReadError, BudgetExceededError):
        raise
    except Exception as exc:  # a broken object stream surfaces only while reading a page
        raise ReadError(source, f"PDF cannot be read ({type(exc).__name__}: {exc})"[:300]) from None
    finally:
        _close(pdf)


def _close(pdf) -> None:
    # pdfplumber's close() walks the page tree if it has not been read yet: a tree that
    # loops (or that we refused to read) would be walked for ever; only the stream is closed then
    if hasattr(pdf, "_pages"):
        try:
            pdf.close()
            return
        except Exception:  # noqa: BLE001 - pdfplumber re-walks a broken page tree while closing
            pass
    stream = getattr(pdf, "stream", None)
    if stream is not None:
        stream.close()


def _check_page_tree(pdf, source: str, budget: Budget) -> None:
    """Refuse a page tree whose references run in a circle, or with too many pages, before reading it.

    pdfminer follows a reference to a reference (``1 0 R`` → ``2 0 R`` → ``1 0 R``)
    for ever; it already skips a page-tree node it has visited, so only chains
    of references are checked.  Pages are counted as the tree is walked, so
    that a file of a million pages is refused after ``max_pages``, not after
    pdfplumber has built them all.
    """
    from pdfminer.pdftypes import PDFObjRef

    def resolve(x):
        seen = set()
        while isinstance(x, PDFObjRef):
            if x.objid in seen:
                raise ReadError(source, f"the PDF's page tree refers to itself in a loop (object {x.objid})")
            seen.add(x.objid)
            x = x.resolve()
        return x

    try:
        stack, visited, n_pages = [pdf.doc.catalog.get("Pages")], set(), 0
        while stack and len(visited) < 100_000:
            ref = stack.pop()
            if isinstance(ref, PDFObjRef):
                if ref.objid in visited:
                    continue
                visited.add(ref.objid)
            node = resolve(ref)
            if isinstance(node, dict):
                kids = resolve(node.get("Kids"))
                if isinstance(kids, list):
                    stack.extend(kids)
                else:
                    n_pages += 1
                    if n_pages > budget.max_pages:
                        raise BudgetExceededError(source, f"PDF has more than {budget.max_pages:,} pages, over the budget")
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - anything else broken is pdfplumber's to report
        return


def _read(pdf, source: str, budget: Budget) -> Document:
    _check_page_tree(pdf, source, budget)
    try:
        pages = pdf.pages
    except Exception as exc:
        raise ReadError(source, f"PDF page tree cannot be read ({type(exc).__name__}: {exc})"[:300]) from None
    if len(pages) > budget.max_pages:
        raise BudgetExceededError(source, f"PDF has {len(pages):,} pages, over the budget of {budget.max_pages:,}")
    if not pages:
        raise ReadError(source, "PDF has no pages")
    blocks: list[Block] = []
    originals: list[str] = []
    n_chars = n_images = n_cells = 0
    n_tables = 0
    repeated = 0
    # the table still open at the foot of the previous page: (index, width, header rows, next row)
    open_table: tuple[int, int, list[list[str]], int] | None = None
    for pno, page in enumerate(pages, start=1):
        chars = page.chars
        n_chars += sum(1 for ch in chars if ch.get("text", "").strip())
        n_images += len(page.images)
        height = float(page.height)
        items: list[tuple[float, str, object]] = []  # (top, kind, payload)
        boxes = []
        for t in page.find_tables():
            grid = _grid(t)
            width = max((sum(1 for c in r if c) for r in grid), default=0)
            if width < 2:
                continue  # a framed text box
            n_cells += sum(len(r) for r in grid)
            if n_cells > budget.max_cells:
                raise BudgetExceededError(source, f"PDF tables hold more than {budget.max_cells:,} cells")
            boxes.append(t.bbox)
            items.append((float(t.bbox[1]), "table", (t, grid)))

        def outside(obj, boxes=boxes):
            cx = (obj["x0"] + obj["x1"]) / 2
            cy = (obj["top"] + obj["bottom"]) / 2
            return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

        text_page = page.filter(outside) if boxes else page
        for ln in text_page.extract_text_lines(return_chars=False):
            top, bottom = float(ln["top"]), float(ln["bottom"])
            if _is_footer(ln["text"], top, bottom, height):
                continue
            # a short line in the top or bottom margin is a running header or
            # footer: kept as text, but it does not end a table running on
            furniture = len(ln["text"]) <= 30 and (bottom < height * _MARGIN or top > height * (1 - _MARGIN))
            items.append((top, "furniture" if furniture else "line", ln["text"]))
        originals.append(page.extract_text() or "")
        items.sort(key=lambda it: it[0])
        content = [k for k, it in enumerate(items) if it[1] != "furniture"]
        for k, (_top, kind, payload) in enumerate(items):
            if kind != "table":
                text = normalize_text(payload).replace("\n", " ")
                if text:
                    blocks.append(_line_block(text, pno))
                continue
            t, grid = payload
            width = len(t.columns)
            first_on_page = k == content[0]
            ri0 = 0
            # the new page repeats the header rows of the table running on: drop them
            skip = 0
            if first_on_page and open_table is not None:
                head = open_table[2]
                while skip < len(grid) and skip < len(head) and _same_row(grid[skip], head[skip]):
                    skip += 1
            if first_on_page and open_table is not None and (open_table[1] == width or skip):
                ti, _, head, ri0 = open_table
                repeated += skip
                grid = grid[skip:]
            else:
                ti = n_tables
                n_tables += 1
                head = _header_rows(grid)
            for ri, cells in enumerate(grid, start=ri0):
                if len(cells) == 1 and cells[0]:
                    # one cell across the whole row: a caption or prose framed with the table
                    blocks.append(Block(LINE, cells, 0, table=ti, row=ri, page=pno))
                elif any(cells):
                    blocks.append(Block(ROW, cells, 0, table=ti, row=ri, page=pno))
            last_on_page = k == content[-1]
            open_table = (ti, width, head, ri0 + len(grid)) if last_on_page else None
        if not content or items[content[-1]][1] != "table":
            open_table = None
        page.close()  # free the page's parsed objects
    if n_chars < _MIN_TEXT_CHARS or (n_images >= len(pages) and n_chars < _MIN_CHARS_PER_PAGE * len(pages)):
        what = f"{len(pages)} page(s), {n_images} image(s)"
        raise ScannedDocumentError(source, f"the PDF has no text layer ({what}): it is a scan; OCR it first")
    attrs: dict = {"pages": len(pages)}
    title = _metadata_title(pdf)
    if title:
        attrs["title"] = title
    if repeated:
        attrs["repeated_headers"] = repeated
    return Document.from_blocks(source, "pdf", None, "\n\f".join(originals), blocks, attrs=attrs)


def _metadata_title(pdf) -> str | None:
    """Return the document-information title when it names a report (not a file name)."""
    try:
        from pdfminer.pdftypes import resolve1

        raw = resolve1(pdf.doc.info[0].get("Title")) if pdf.doc.info else None
        if isinstance(raw, bytes):
            # UTF-16 with a byte-order mark (Word, WPS), else PDFDocEncoding ~ latin-1
            raw = raw.decode("utf-16") if raw[:2] in (b"\xfe\xff", b"\xff\xfe") else raw.decode("latin-1")
    except Exception:  # a broken info dictionary is no reason to fail
        return None
    title = normalize_text(raw) if isinstance(raw, str) else ""
    return title if "报告" in title and not title.lower().endswith((".doc", ".docx", ".wps", ".pdf")) else None


def _header_rows(grid: list[list[str]]) -> list[list[str]]:
    """Return the table's leading rows that hold no value (its header)."""
    head = []
    for cells in grid:
        if any(c and is_value_text(c) for c in cells):
            break
        head.append(cells)
    return head


def _same_row(a: list[str], b: list[str]) -> bool:
    return [compact(c) for c in a] == [compact(c) for c in b]
