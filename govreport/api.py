"""``read_report``: one report from a path, bytes or text."""

from __future__ import annotations

import math
import os
import signal
import threading
from contextlib import contextmanager

from .errors import BudgetExceededError, NotAReportError, TableNotFoundError
from .extract.legacy import extract_legacy
from .extract.meta import extract_meta
from .extract.tables import Extraction, extract_tables
from .readers import DEFAULT_BUDGET, Budget, read_document
from .report import Report

__all__ = ["read_report"]

PRE_2019 = 2019  # the first report year of the national template
_REPORT_WORDS = ("信息公开", "政务公开", "申请", "主动公开")
# After the time budget has run out, the alarm fires again this often (seconds) in case the
# code it interrupted swallowed the first exception.
_REPEAT = 0.25


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
        Size, depth and time limits (see :class:`govreport.Budget`).  The
        time limit (``max_seconds``) is kept in the main thread on POSIX
        systems (a ``SIGALRM`` timer); elsewhere only the corpus loader keeps it.

    Raises
    ------
    NotAReportError
        The input is readable but not an annual report.
    TableNotFoundError
        Table 3 (收到和处理政府信息公开申请情况) cannot be found.
    BudgetExceededError
        The input is larger, deeper or slower to read than ``budget`` allows.
    GovReportError
        Any other reading error; every error names the source.

    """
    name = [_source_name(source)]
    with _time_limit(budget.max_seconds, name):
        return _read_report(source, form, encoding, budget, name)


def _read_report(source, form, encoding, budget: Budget, name: list) -> Report:
    doc = read_document(source, form=form, encoding=encoding, budget=budget)
    name[0] = doc.source
    truncated = doc.attrs.get("truncated")
    try:
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
    except (NotAReportError, TableNotFoundError) as exc:
        if truncated:  # the reader stopped early: say so rather than "not a report"
            raise BudgetExceededError(doc.source, f"{exc.reason}; {truncated}") from None
        raise
    if truncated:
        extraction.doubts.append({"table": "document", "row": "", "doubt": "truncated", "detail": truncated})
    undecodable = doc.attrs.get("undecodable")
    if undecodable:
        extraction.doubts.append({
            "table": "document", "row": "", "doubt": "undecodable bytes",
            "detail": f"{undecodable} byte sequence(s) valid in no encoding were read as U+FFFD (a file cut short or corrupted?)",
        })  # fmt: skip
    return Report(doc, extraction, meta)


def _source_name(source) -> str:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>"
    if isinstance(source, os.PathLike):
        return os.fspath(source) if isinstance(os.fspath(source), str) else repr(source)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096:
        return source
    return "<text>"


@contextmanager
def _time_limit(seconds: float | None, name: list):
    """Raise :class:`BudgetExceededError` in the block once ``seconds`` have passed.

    A ``SIGALRM`` interval timer interrupts pure-Python code and regular
    expressions alike (not a single long call into C, which returns first).
    Kept only in the main thread of a POSIX process and only when no other
    code uses ``SIGALRM``; elsewhere the block runs unlimited (the corpus
    loader kills a worker past its time limit either way).  If the code the
    alarm interrupted swallows the exception, the alarm fires again, and the
    block raises on exit even if it ended normally.
    """
    usable = (
        seconds is not None and seconds > 0 and math.isfinite(seconds)
        and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )  # fmt: skip
    if usable:
        try:
            previous = signal.getsignal(signal.SIGALRM)
            usable = previous in (signal.SIG_DFL, signal.SIG_IGN, None) and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        except (ValueError, OSError):  # not the main interpreter
            usable = False
    if not usable:
        yield
        return
    fired = []

    def reason() -> str:
        return f"reading took longer than {seconds:g} s (budget.max_seconds); stopped"

    def on_alarm(signum, frame):
        fired.append(True)
        raise BudgetExceededError(name[0], reason())

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    except BudgetExceededError:
        raise
    except Exception:
        if fired:  # a reader wrapped the alarm's exception in its own
            raise BudgetExceededError(name[0], reason()) from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        raise BudgetExceededError(name[0], reason())
