"""The one document model every reader produces.

A :class:`Document` is the report's normalised text cut into :class:`Block`
objects in reading order.  A block is either a *row* of a table whose cells
the source kept apart (HTML, DOCX, PDF tables, page text with ``|``
separators) or a *line* of text (prose, or a crawl that put each HTML text
node on a line of its own).  Extraction works on blocks only, so each source
form needs nothing but a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Block", "Document", "LINE", "ROW"]

LINE = "line"
ROW = "row"


@dataclass(slots=True)
class Block:
    """One row of a table, or one line of text.

    Attributes
    ----------
    kind : {"row", "line"}
    cells : list of str
        Normalised cell texts; a line is a single cell.
    line : int
        1-based line number in :attr:`Document.text` where the block starts.
    table : int or None
        Index of the source table (HTML/DOCX/PDF tables), else None.
    row : int or None
        Row index inside that table.
    page : int or None
        1-based page (PDF only).
    """

    kind: str
    cells: list[str]
    line: int
    table: int | None = None
    row: int | None = None
    page: int | None = None

    @property
    def text(self) -> str:
        """The block's cells joined by `` | ``."""
        return " | ".join(self.cells) if self.kind == ROW else self.cells[0]


@dataclass(slots=True)
class Document:
    """A report as read, before any table is extracted.

    Attributes
    ----------
    source : str
        Path or a short description of the input.
    form : str
        ``text-pipes``, ``text-lines``, ``text-flat``, ``html``, ``pdf``, ``docx``, ``markdown``.
    encoding : str or None
        The encoding the bytes were decoded with.
    original : str
        The text as decoded, before normalisation.
    text : str
        The normalised text (one block per line, rows joined by `` | ``).
    blocks : list of Block
    attrs : dict
        What the reader found beside the text: ``site_code`` (网站标识码),
        ``title`` …
    collapsed : bool
        A crawl that merged runs of identical consecutive lines.
    """

    source: str
    form: str
    encoding: str | None
    original: str
    text: str
    blocks: list[Block]
    attrs: dict = field(default_factory=dict)
    collapsed: bool = False

    @classmethod
    def from_blocks(cls, source, form, encoding, original, blocks: list[Block], **kw) -> Document:
        """Build a document, numbering each block's line in the joined text."""
        lines = []
        for i, b in enumerate(blocks, start=1):
            b.line = i
            lines.append(b.text)
        return cls(source, form, encoding, original, "\n".join(lines), blocks, **kw)
