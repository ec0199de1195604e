"""Word DOCX: python-docx opens the package, the body is walked in order.

- Paragraphs become LINE blocks (a line break inside a paragraph starts a
  new line); runs are joined with nothing, so a number or a word Word split
  over several runs (``1`` + ``62``) is whole again.
- Tables become ROW blocks, one per row, cells in order.  Merged cells
  follow the HTML reader: a ``gridSpan`` continuation is dropped, a ``vMerge``
  continuation repeats the text of the cell that starts the merge, a blank
  cell stays ``""``.  The paragraphs of one cell are joined with nothing (a
  label Word wrapped over two paragraphs is one label).  An empty cell left
  of the first column that holds a value is a blank label cell and is
  dropped, as in the PDF reader.
- A table that holds other tables is a layout table: it is unwrapped and its
  cells' paragraphs and inner tables are read in order (tables inside
  tables, as Word-exported reports nest them).

Before python-docx opens the file the ZIP directory is checked: the summed
uncompressed size of the entries must stay within ``budget.max_bytes`` (a
zip bomb fails here, before anything is inflated).  Entry names are never
used as paths: nothing is extracted to disk.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib

from ..document import LINE, ROW, Block, Document
from ..errors import BudgetExceededError, NotAReportError, ReadError
from ..normalize import normalize_text
from ..values import is_value_text
from . import import_optional
from .sniff import DEFAULT_BUDGET, Budget

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "sdt"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {_MC_FALLBACK, _W + "moveFrom", _W + "del"}
_MAX_ENTRIES = 10_000
_MAX_SPAN = 1000


def _check_zip(data: bytes, source: str, budget: Budget) -> None:
    """Refuse broken archives and zip bombs before anything is inflated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise ReadError(source, f"not a readable DOCX: the ZIP archive is broken or truncated ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > _MAX_ENTRIES:
            raise BudgetExceededError(source, f"DOCX archive has {len(infos):,} entries, over {_MAX_ENTRIES:,}")
        total = sum(max(i.file_size, 0) for i in infos)
        if total > budget.max_bytes:
            raise BudgetExceededError(
                source, f"DOCX inflates to {total:,} bytes, over the budget of {budget.max_bytes:,} (a zip bomb?)"
            )
        names = {i.filename for i in infos}
        if "word/document.xml" not in names:
            raise ReadError(source, "a ZIP archive without word/document.xml is not a DOCX")
        _check_sizes(zf, infos, source, budget)


def _check_sizes(zf: zipfile.ZipFile, infos, source: str, budget: Budget) -> None:
    """Inflate every entry in small chunks, to its real end, and compare with its header.

    An entry whose header understates its size (a zip bomb that lies) would be
    inflated whole by python-docx -- in one call, gigabytes of it -- before the
    size is checked; here at most one chunk is held at a time and reading stops
    at the budget.
    """
    left = budget.max_bytes
    for info in infos:
        probe = copy.copy(info)
        probe.file_size = 1 << 62  # read to the end of the compressed data, not to the header's size
        size = 0
        try:
            with zf.open(probe) as fh:
                while chunk := fh.read(1 << 16):
                    size += len(chunk)
                    if size > left:
                        raise BudgetExceededError(
                            source, f"DOCX inflates past the budget of {budget.max_bytes:,} bytes at {info.filename!r} (a zip bomb?)"
                        )
        except BudgetExceededError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError, zlib.error) as exc:
            raise ReadError(source, f"not a readable DOCX: entry {info.filename!r} is broken ({exc})"[:300]) from None
        if size != info.file_size:
            raise ReadError(
                source, f"not a readable DOCX: entry {info.filename!r} inflates to {size:,} bytes, its header says {info.file_size:,} (a zip bomb?)"
            )
        left -= size


def _text_of(el) -> str:
    """Text of a paragraph or cell: runs joined with nothing, breaks as newlines.

    The fallback copy Word keeps of a text box (``mc:Fallback``), deleted
    text and the old place of moved text are skipped, so nothing is read twice.
    """
    out: list[str] = []
    stack = [el]
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            out.append(node.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            out.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        stack.extend(reversed(node))
    return "".join(out)


def _cell_text(tc) -> str:
    # paragraphs (and line breaks) inside one cell are joined with nothing
    parts = [_text_of(child) for child in tc.iterchildren(_P, _SDT)]
    return normalize_text("".join(parts)).replace("\n", "")


def _val(el, name: str) -> str | None:
    child = el.find(_W + name) if el is not None else None
    if child is None:
        return None
    return child.get(_W + "val", "")


def _int(v: str | None, default: int = 1) -> int:
    try:
        return max(1, min(int(v), _MAX_SPAN)) if v else default
    except ValueError:
        return default


def _has_nested(tbl) -> bool:
    return any(True for _ in tbl.iterdescendants(_TBL))


def _grid(tbl, source: str, budget: Budget, counter: list[int]) -> list[list[str]]:
    """Rows of a table with merged cells resolved (see the module doc)."""
    rows: list[list[tuple[int, str]]] = []
    merge_text: dict[int, str] = {}  # column -> text of the vMerge restart cell above
    for tr in tbl.iterchildren(_TR):
        trpr = tr.find(_W + "trPr")
        col = _int(_val(trpr, "gridBefore"), 0) if trpr is not None else 0
        row: list[tuple[int, str]] = []
        for tc in tr.iterchildren(_TC):
            tcpr = tc.find(_W + "tcPr")
            span = _int(_val(tcpr, "gridSpan"))
            vmerge = _val(tcpr, "vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge != "restart":
                text = merge_text.get(col, "")  # continuation: repeat the merged cell's text
            else:
                text = _cell_text(tc)
                if vmerge == "restart":
                    merge_text[col] = text
                else:
                    merge_text.pop(col, None)
            row.append((col, text))
            col += span
        counter[0] += len(row)
        if counter[0] > budget.max_cells:
            raise BudgetExceededError(source, f"DOCX tables hold more than {budget.max_cells:,} cells")
        rows.append(row)
    value_cols = [c for row in rows for c, t in row if t and is_value_text(t)]
    first_value = min(value_cols, default=0)
    return [[t for c, t in row if t or c >= first_value] for row in rows]


def read_docx(data: bytes, *, source: str, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read a Word DOCX into a :class:`~govreport.document.Document`.

    Parameters
    ----------
    data : bytes
        The DOCX file's bytes.
    source : str
        Name of the input, for messages.
    budget : Budget, optional
        ``max_bytes`` (also the limit on the inflated size), ``max_cells``,
        ``max_depth`` (tables nested in tables).

    Returns
    -------
    Document
        Form ``docx``: paragraphs as LINE blocks, table rows as ROW blocks
        (``table``/``row`` set), in reading order.

    Raises
    ------
    MissingDependencyError
        python-docx is not installed.
    BudgetExceededError
        Larger (compressed or inflated), with more cells or deeper nesting
        than the budget allows.
    ReadError
        A broken or truncated archive, or not a Word document.
    NotAReportError
        The document holds no text.

    """
    if len(data) > budget.max_bytes:
        raise BudgetExceededError(source, f"DOCX is {len(data):,} bytes, over the budget of {budget.max_bytes:,}")
    _check_zip(data, source, budget)
    docx = import_optional("docx", source)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx, lxml and zipfile raise many types
        if "Excessive depth" in str(exc):  # libxml2's nesting limit (255 levels)
            raise BudgetExceededError(source, f"DOCX nested deeper than libxml2's limit of 255 levels ({exc})"[:300]) from None
        raise ReadError(source, f"not a readable DOCX ({type(exc).__name__}: {exc})"[:300]) from None
    attrs: dict = {}
    try:
        title = document.core_properties.title
    except Exception:  # a broken docProps/core.xml is no reason to fail
        title = None
    if title:
        attrs["title"] = normalize_text(title)

    blocks: list[Block] = []
    counter = [0]
    n_tables = [0]

    def para(p):
        for ln in normalize_text(_text_of(p)).split("\n"):
            if ln:
                blocks.append(Block(LINE, [ln], 0))

    def walk(el, depth: int):
        if depth > budget.max_depth:
            raise BudgetExceededError(source, f"DOCX nested deeper than {budget.max_depth} levels")
        for child in el.iterchildren():
            tag = child.tag
            if tag == _P:
                para(child)
            elif tag == _TBL:
                table(child, depth)
            elif tag == _SDT:
                content = child.find(_W + "sdtContent")
                if content is not None:
                    walk(content, depth + 1)
            elif tag in (_W + "customXml", _W + "smartTag", _W + "ins"):
                walk(child, depth + 1)

    def table(tbl, depth: int):
        if _has_nested(tbl):
            # a layout table: read its cells' content in order
            for tr in tbl.iterchildren(_TR):
                for tc in tr.iterchildren(_TC):
                    walk(tc, depth + 1)
            return
        ti = n_tables[0]
        n_tables[0] += 1
        for ri, cells in enumerate(_grid(tbl, source, budget, counter)):
            if len(cells) == 1 and cells[0]:
                blocks.append(Block(LINE, cells, 0, table=ti, row=ri))
            elif any(cells):
                blocks.append(Block(ROW, cells, 0, table=ti, row=ri))

    try:
        walk(body, 0)
    except RecursionError:
        raise BudgetExceededError(source, "DOCX nested too deeply to walk") from None
    if not blocks:
        raise NotAReportError(source, "the DOCX holds no text")
    # the text as written, before normalisation: every paragraph in body order
    original = "\n".join(_text_of(p) for p in body.iter(_P))
    return Document.from_blocks(source, "docx", None, original, blocks, attrs=attrs)
