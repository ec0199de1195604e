"""``read_report``: one report from a path, bytes or text."""

from __future__ import annotations

from .errors import NotAReportError, TableNotFoundError
from .extract.legacy import extract_legacy
from .extract.meta import extract_meta
from .extract.tables import Extraction, extract_tables
from .readers import DEFAULT_BUDGET, Budget, read_document
from .report import Report

__all__ = ["read_report"]

PRE_2019 = 2019  # the first report year of the national template
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
    meta = extract_meta(doc)
    try:
        extraction = extract_tables(doc)
    except TableNotFoundError:
        if not (meta.get("year") and meta["year"] < PRE_2019):
            raise
        # Before the 2019 template there are no fixed tables: read the old
        # statistics table if there is one, invent nothing.
        extraction = Extraction("pre-2019", None, extract_legacy(doc))
        extraction.doubts.append({"table": "tables", "row": "", "doubt": "pre-2019 report", "detail": "no standard tables before the 2019 template"})
    except (RecursionError, MemoryError) as exc:
        raise NotAReportError(doc.source, f"could not be read within the budget ({type(exc).__name__})") from None
    return Report(doc, extraction, meta)
