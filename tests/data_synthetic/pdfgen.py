"""A tiny PDF writer for synthetic test reports (no dependency, no font file).

Text is set in the PDF reader's built-in CJK font ``STSong-Light`` through the
predefined ``UniGB-UCS2-H`` CMap, so nothing is embedded and pdfminer maps
every character back to Unicode.  Tables are drawn as ruled cells (one
rectangle per cell, so a merged cell has no inner lines), which is what
pdfplumber's line-based table finder looks for.  Only for tests: the output is
a valid, deliberately plain PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595.0, 842.0


def _hex(s: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in s)


@dataclass
class Page:
    """Drawing operations of one page (PDF coordinates: origin bottom left)."""

    ops: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, s: str, size: float = 9.0) -> None:
        """Set ``s`` with its baseline at (x, y)."""
        if s:
            self.ops.append(f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{_hex(s)}> Tj ET")

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        """Stroke a rectangle."""
        self.ops.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re S")

    def stream(self) -> bytes:
        return ("0.5 w\n" + "\n".join(self.ops)).encode("ascii")


@dataclass
class Cell:
    """A table cell at grid position (row, col) spanning rows × cols."""

    row: int
    col: int
    text: str
    rows: int = 1
    cols: int = 1
    vertical: bool = False  # one character per line, down the cell


def _wrap(text: str, width: float, size: float) -> list[str]:
    per = max(1, int((width - 6) / size))
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


def draw_table(page: Page, x: float, top: float, widths: list[float], cells: list[Cell], size: float = 7.0,
               min_height: float = 15.0) -> float:
    """Draw ruled ``cells`` with the table's top edge at ``top``; return its bottom y.

    Text wraps inside its cell (a row is as tall as its longest single-row
    cell needs); a ``vertical`` cell sets one character per line.
    """
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    n_rows = max(c.row + c.rows for c in cells)
    lead = size + 2
    heights = [min_height] * n_rows
    for c in cells:
        if c.rows == 1 and not c.vertical:
            need = len(_wrap(c.text, xs[c.col + c.cols] - xs[c.col], size)) * lead + 5
            heights[c.row] = max(heights[c.row], need)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    for c in cells:
        x0, x1 = xs[c.col], xs[c.col + c.cols]
        y1, y0 = ys[c.row], ys[c.row + c.rows]
        page.rect(x0, y0, x1 - x0, y1 - y0)
        lines = list(c.text) if c.vertical else _wrap(c.text, x1 - x0, size)
        start = (y1 + y0) / 2 + lead * len(lines) / 2 - size
        for k, ln in enumerate(lines):
            page.text(x0 + 3, start - k * lead, ln, size)
    return ys[-1]


def build_pdf(pages: list[Page]) -> bytes:
    """Serialise pages into a PDF file."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # filled below
    pages_id = add(b"")
    font = add(b"")
    cidfont = add(b"")
    desc = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    objs[font - 1] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        + f" /DescendantFonts [{cidfont} 0 R] >>".encode()
    )
    # half-width widths for ASCII (CIDs 1-95 in Adobe-GB1), full width for the rest
    objs[cidfont - 1] = (
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
        + f" /FontDescriptor {desc} 0 R /DW 1000 /W [1 95 500] >>".encode()
    )
    kids = []
    for p in pages:
        data = p.stream()
        content = add(f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        kids.append(add(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}]"
            f" /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
        ))
    objs[pages_id - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
