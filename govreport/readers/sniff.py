"""Load a source, decode its bytes and tell its form from its content."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from ..errors import BudgetExceededError, EncodingError, ReadError
from ..normalize import scrub_surrogates

__all__ = ["load_source", "decode", "decode_counted", "sniff_form", "Budget", "DEFAULT_BUDGET"]


class Budget:
    """Limits every reader keeps to (adjustable per call or globally).

    Attributes
    ----------
    max_bytes : int
        Largest input read (default 64 MB; a report is rarely over 5 MB).
    max_seconds : float
        Wall time a single report may take (default 60 s): ``read_report`` stops
        itself with :class:`BudgetExceededError` (a ``SIGALRM`` timer, kept in
        the main thread on POSIX), the corpus loader kills the worker.
    max_cells : int
        Largest table grid expanded from HTML/DOCX spans (default 200,000 cells).
    max_depth : int
        Deepest element nesting walked in DOCX (default 400; libxml2 stops at
        255 levels in HTML and DOCX XML).
    max_pages : int
        Most PDF pages read (default 200).

    See ``docs/LIMITS.md`` for the fixed limits and what a read costs.
    """

    __slots__ = ("max_bytes", "max_seconds", "max_cells", "max_depth", "max_pages")

    def __init__(self, max_bytes=64 * 2**20, max_seconds=60.0, max_cells=200_000, max_depth=400, max_pages=200):
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.max_cells = max_cells
        self.max_depth = max_depth
        self.max_pages = max_pages

    def __repr__(self) -> str:
        return "Budget(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"


DEFAULT_BUDGET = Budget()


def load_source(source, budget: Budget = DEFAULT_BUDGET) -> tuple[bytes | None, str | None, str]:
    """Return ``(data, text, name)``: bytes for files and bytes, text for str content.

    A ``str`` is a path if it names an existing file (and holds no newline),
    otherwise it is the report's text itself.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > budget.max_bytes:
            raise BudgetExceededError("<bytes>", f"input is {len(data):,} bytes, over the budget of {budget.max_bytes:,}")
        return data, None, "<bytes>"
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and len(source) < 4096 and _is_file(source)
    ):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ReadError(path, f"cannot read file: {exc.strerror or exc}") from None
        if size > budget.max_bytes:
            raise BudgetExceededError(path, f"file is {size:,} bytes, over the budget of {budget.max_bytes:,}")
        try:
            return path.read_bytes(), None, str(path)
        except OSError as exc:
            raise ReadError(path, f"cannot read file: {exc.strerror or exc}") from None
    if isinstance(source, str):
        if len(source) > budget.max_bytes:
            raise BudgetExceededError("<text>", f"text is {len(source):,} characters, over the budget")
        return None, scrub_surrogates(source), "<text>"
    raise ReadError(repr(source)[:80], f"source must be a path, bytes or str, not {type(source).__name__}")


def _is_file(s: str) -> bool:
    try:
        return os.path.isfile(s)
    except (OSError, ValueError):
        return False


_DECLARED_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """Decode bytes: the given encoding, else utf-8(-sig), else gb18030.

    A declared charset is not trusted over the bytes: portals often declare
    gb2312 and serve utf-8, or the reverse; utf-8 is self-validating.  Bytes
    that are valid in none of them but nearly valid in one (a file cut in the
    middle of a character, a few corrupted bytes) are decoded with U+FFFD in
    place of the broken sequences (see :func:`decode_counted`).
    """
    text, enc, _ = decode_counted(data, encoding, name)
    return text, enc


# Broken sequences tolerated by the lossy fallback: at most this share of the non-ASCII bytes.
_MAX_BROKEN_SHARE = 0.01
_REPLACEMENT = {"utf-8": b"\xef\xbf\xbd", "gb18030": b"\x84\x31\xa4\x37"}  # U+FFFD as printed in each


def decode_counted(data: bytes, encoding: str | None, name: str) -> tuple[str, str, int]:
    """Like :func:`decode`, and say how many broken byte sequences became U+FFFD.

    Returns
    -------
    (str, str, int)
        The text, the encoding, the number of replaced sequences (0 unless
        the bytes were valid in no encoding tried).

    """
    if encoding:
        try:
            return data.decode(encoding), encoding, 0
        except LookupError:
            raise EncodingError(name, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise EncodingError(name, f"bytes are not valid {encoding} (at byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16", 0
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030", 0
    except UnicodeDecodeError as exc:
        declared = _DECLARED_RE.search(data[:4096])
        if declared:
            enc = declared.group(1).decode("ascii", "replace")
            try:
                return data.decode(enc), enc.lower(), 0
            except (LookupError, UnicodeDecodeError):
                pass
        lossy = _decode_lossy(data)
        if lossy is not None:
            return lossy
        raise EncodingError(name, f"bytes are neither utf-8 nor gb18030 (invalid byte at {exc.start})") from None


def _decode_lossy(data: bytes) -> tuple[str, str, int] | None:
    """utf-8 or gb18030 with replacement, if few of the non-ASCII bytes are broken."""
    non_ascii = len(data.translate(None, bytes(range(128))))
    best = None
    for enc in ("utf-8", "gb18030"):
        text = data.decode("utf-8-sig" if enc == "utf-8" else enc, "replace")
        broken = text.count("\ufffd") - data.count(_REPLACEMENT[enc])
        if best is None or broken < best[2]:
            best = (text, enc, broken)
    if best[2] <= max(4, _MAX_BROKEN_SHARE * non_ascii):
        return best
    return None


_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|body|table|div|p|meta|head)\b", re.I)
# A Markdown table's separator line (``|---|:---:|``).  White space never spans a line break
# and the leading pipe is one optional unit: ``^\s*\|?\s*`` backtracks in cubic time over a
# file of blank lines (100 KB of newlines took minutes).
_MD_TABLE_RE = re.compile(r"^[^\S\n]*(?:\|[^\S\n]*)?:?-{3,}:?[^\S\n]*(?:\|[^\S\n]*:?-{3,}:?[^\S\n]*)+\|?[^\S\n]*$", re.M)


def sniff_form(data: bytes | None, text: str | None) -> str:
    """Tell the form from content: ``pdf``, ``docx``, ``html``, ``markdown`` or ``text``.

    >>> sniff_form(b"%PDF-1.7 ...", None), sniff_form(None, "<html><body>x"), sniff_form(None, "a | b")
    ('pdf', 'html', 'text')
    """
    if data is not None:
        head = data[:2048].lstrip()
        if head.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") >= 0:
            return "pdf"
        if data.startswith(b"PK\x03\x04"):
            return "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536] else "zip"
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return "doc"
        if head[:8].startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
            return "image"
    if text is None:
        return "text"
    head = text[:5000]
    tags = len(_HTML_RE.findall(head))
    if tags >= 2 or head.lstrip().lower().startswith(("<!doctype html", "<html")):
        return "html"
    if _MD_TABLE_RE.search(text[:200_000]):
        return "markdown"
    return "text"
