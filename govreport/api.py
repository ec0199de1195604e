"""``read_report``: one report from a path, bytes or text."""

from __future__ import annotations

from .errors import GovReportError, NotAReportError
from .extract.meta import extract_meta
from .extract.tables import extract_tables
from .readers import DEFAULT_BUDGET, Budget, read_document
from .report import Report

__all__ = ["read_report"]

_REPORT_WORDS = ("信息公开", "政务公开", "申请", "主动公开")


def read_report(source, *, form: str | None = None, encoding: str | None = None, budget: Budget = DEFAULT_BUDGET) -> Report:
    """Read one annual report into a :class:`~govreport.report.Report`.

    Parameters
    ----------
    source : str, path-like or bytes
        A path, the file's bytes, or the report's text.
    form : {"text", "html", "markdown", "pdf", "docx"}, optional
        Skip sniffing and read as this form.
    encoding : str, optional
        Decode bytes with this encoding (default: utf-8, else gb18030).
    budget : Budget, optional
        Size, depth and time limits (see :class:`govreport.Budget`).

    Raises
    ------
    NotAReportError
        The input is readable but not an annual report.
    TableNotFoundError
        Table 3 (收到和处理政府信息公开申请情况) cannot be found.
    GovReportError
        Any other reading error; every error names the source.
    """
    doc = read_document(source, form=form, encoding=encoding, budget=budget)
    if not any(w in doc.text for w in _REPORT_WORDS):
        raise NotAReportError(doc.source, "no 政府信息公开 wording: this is not a government information-disclosure annual report")
    try:
        extraction = extract_tables(doc)
    except GovReportError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise NotAReportError(doc.source, f"could not be read within the budget ({type(exc).__name__})") from None
    meta = extract_meta(doc)
    return Report(doc, extraction, meta)
