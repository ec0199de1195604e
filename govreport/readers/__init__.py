"""One reader per source form, each producing a :class:`~govreport.document.Document`.

``read_document`` loads the source, decodes bytes, sniffs the form from the
content (or takes ``form=``) and dispatches.  Heavy backends (pdfplumber,
python-docx) are imported only when a PDF or DOCX arrives.
"""

from __future__ import annotations

import importlib

from ..document import Document
from ..errors import MissingDependencyError, NotAReportError, UnsupportedFormError
from .sniff import DEFAULT_BUDGET, Budget, decode_counted, load_source, sniff_form

__all__ = ["read_document", "FORMS", "Budget", "DEFAULT_BUDGET", "import_optional"]

# form -> (module, function, takes bytes?)
_READERS = {
    "text": ("govreport.readers.text", "read_text", False),
    "html": ("govreport.readers.html", "read_html", False),
    "markdown": ("govreport.readers.markdown", "read_markdown", False),
    "pdf": ("govreport.readers.pdf", "read_pdf", True),
    "docx": ("govreport.readers.docx", "read_docx", True),
}
FORMS = tuple(_READERS)

_INSTALL = {
    "pdfplumber": "pip install 'govreport[pdf]'  (or: pip install pdfplumber)",
    "docx": "pip install 'govreport[docx]'  (or: pip install python-docx)",
    "dask": "pip install 'govreport[dask]'",
    "duckdb": "pip install 'govreport[sql]'",
    "openpyxl": "pip install 'govreport[excel]'",
}


def import_optional(name: str, source: object = None):
    """Import an optional backend or raise one clear install hint."""
    try:
        return importlib.import_module(name)
    except ImportError:
        hint = _INSTALL.get(name.split(".")[0], f"pip install {name}")
        raise MissingDependencyError(source, f"reading this needs the optional package {name!r}: {hint}") from None


def read_document(source, *, form: str | None = None, encoding: str | None = None, budget: Budget = DEFAULT_BUDGET) -> Document:
    """Read ``source`` (path, bytes or str) into a :class:`Document`."""
    data, text, name = load_source(source, budget)
    if form is not None and form not in _READERS:
        raise UnsupportedFormError(name, f"form={form!r} is not one of {', '.join(FORMS)}")
    sniffed = form or sniff_form(data, text if text is not None else None)
    replaced = 0
    if data is not None and form is None and sniffed == "text":
        text, enc, replaced = decode_counted(data, encoding, name)
        sniffed = sniff_form(None, text)
    elif data is not None and sniffed in ("text", "html", "markdown"):
        text, enc, replaced = decode_counted(data, encoding, name)
    else:
        enc = None if data is None or sniffed in ("pdf", "docx") else encoding
    if sniffed in ("zip", "doc", "image"):
        what = {"zip": "a ZIP archive that is not a DOCX", "doc": "a legacy Word .doc file", "image": "an image (a scan)"}[sniffed]
        raise UnsupportedFormError(name, f"input is {what}; convert it to PDF/DOCX with a text layer or to HTML")
    if sniffed not in _READERS:
        raise UnsupportedFormError(name, f"unrecognised form {sniffed!r}")
    mod_name, fn_name, takes_bytes = _READERS[sniffed]
    try:
        mod = importlib.import_module(mod_name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("govreport"):
            raise UnsupportedFormError(name, f"reading {sniffed} is not available in this version") from None
        raise
    fn = getattr(mod, fn_name)
    if takes_bytes:
        if data is None:
            raise UnsupportedFormError(name, f"a {sniffed} must be given as a path or bytes, not text")
        return fn(data, source=name, budget=budget)
    if text is None:
        raise NotAReportError(name, "no text")
    if sniffed in ("html", "markdown"):
        doc = fn(text, source=name, encoding=enc, budget=budget)
    else:
        doc = fn(text, source=name, encoding=enc)
    if replaced:
        # valid in no encoding: a file cut inside a character, or corrupted bytes
        doc.attrs["undecodable"] = replaced
    return doc
