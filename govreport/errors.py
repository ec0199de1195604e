"""The library's own exceptions.

Every error names the source it came from and what was wrong.  Callers can
catch :class:`GovReportError` to handle any of them.

GovReportError
├── ReadError                 the bytes could not be turned into a document
│   ├── EncodingError         neither utf-8 nor gb18030
│   ├── ScannedDocumentError  a PDF with no text layer (an image scan)
│   ├── UnsupportedFormError  a form we recognise but do not read, or a bad ``form=``
│   └── BudgetExceededError   larger or slower than the reader's budget allows
├── NotAReportError           a readable document that is not an annual report
├── TableNotFoundError        a report whose table 3 cannot be found
├── AmbiguousTableError       a table that cannot be told apart from another reading
└── MissingDependencyError    an optional backend is not installed (also ImportError)
"""

from __future__ import annotations

__all__ = [
    "GovReportError",
    "ReadError",
    "EncodingError",
    "ScannedDocumentError",
    "UnsupportedFormError",
    "BudgetExceededError",
    "NotAReportError",
    "TableNotFoundError",
    "AmbiguousTableError",
    "MissingDependencyError",
]


class GovReportError(Exception):
    """Base class: ``source`` names the input, ``reason`` says what was wrong."""

    def __init__(self, source: object, reason: str):
        self.source = str(source) if source is not None else "<unknown source>"
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")

    def __reduce__(self):  # keep picklable across worker processes
        return (self.__class__, (self.source, self.reason))


class ReadError(GovReportError):
    """The input could not be read into a document."""


class EncodingError(ReadError):
    """The bytes decode neither as utf-8 nor as gb18030."""


class ScannedDocumentError(ReadError):
    """A PDF (or image) with no text layer: the report is a scan."""


class UnsupportedFormError(ReadError):
    """The form is not one the library reads, or ``form=`` names no known form."""


class BudgetExceededError(ReadError):
    """The input is larger, deeper or slower to read than the budget allows."""


class NotAReportError(GovReportError):
    """The document is readable but is not a 政府信息公开工作年度报告."""


class TableNotFoundError(GovReportError):
    """A report whose table 3 (申请情况) cannot be found."""


class AmbiguousTableError(GovReportError):
    """A table for which more than one reading fits and none can be chosen."""


class MissingDependencyError(GovReportError, ImportError):
    """An optional backend is missing; the message carries the install hint."""
