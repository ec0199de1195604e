"""govreport: read, check and chart Chinese government information-disclosure annual reports.

>>> import govreport
>>> report = govreport.read_report("report.txt")        # doctest: +SKIP
>>> report.requests_wide()                               # doctest: +SKIP
"""

from .api import read_report
from .corpus import Corpus, read_reports
from .errors import (
    AmbiguousTableError,
    BudgetExceededError,
    EncodingError,
    GovReportError,
    MissingDependencyError,
    NotAReportError,
    ReadError,
    ScannedDocumentError,
    TableNotFoundError,
    UnsupportedFormError,
)
from .readers.sniff import Budget
from .report import Report

__version__ = "0.1.0"

__all__ = [
    "read_report",
    "read_reports",
    "Corpus",
    "Report",
    "Budget",
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
