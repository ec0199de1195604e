"""One catalogue of checks: a report's own arithmetic, its prose against its tables, across years and levels.

Every check has an id (``T3.balance`` …), a formula in words, a severity
(``error``, ``warning``, ``info``) and a kind: ``agency`` (the report does not
add up — the agency's mistake) or ``extraction`` (we may have read it wrong).
:func:`catalogue` lists them.  Run on one report, every check returns rows
with the values on both sides, their difference and the cells involved, so
each figure can be traced to its line.

>>> import govreport                                           # doctest: +SKIP
>>> r = govreport.read_report("report.txt")                    # doctest: +SKIP
>>> r.checks[r.checks.status == "fail"]                         # doctest: +SKIP
>>> print(summary(r.checks))                                    # doctest: +SKIP

Statuses: ``pass``, ``fail``, ``not-assessable`` (a cell is ambiguous,
unknown, not applicable or missing; or nothing to compare).  Empty cells
count as 0 in a sum and the message says so; an identity whose every cell
on one side is empty is not assessable (see :mod:`govreport.checks.registry`).

Results of :func:`run_checks` have the columns ``report_id, check_id,
severity, kind, subject, status, lhs, rhs, delta, cells, message``;
``delta = lhs - rhs``; ``cells`` lists ``table3:new_requests/total@line 28``,
``prose:requests_received@line 4 "…"`` or ``text:…`` references.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from . import doubts as _doubts  # noqa: F401  (registers the DOUBT checks)
from . import prose as _prose  # noqa: F401  (registers PROSE/YEAR/SECTION/FEES)
from . import tables as _tables  # noqa: F401  (registers T2/T3/T4)
from .corpus import covers_area, run_corpus_checks
from .registry import (
    CATALOGUE,
    KIND,
    RESULT_COLUMNS,
    SEVERITY,
    STATUS,
    Check,
    catalogue,
    get,
    result,
    results_frame,
)
from .view import ReportView

__all__ = [
    "Check",
    "CATALOGUE",
    "STATUS",
    "SEVERITY",
    "KIND",
    "RESULT_COLUMNS",
    "catalogue",
    "get",
    "run_checks",
    "run_corpus_checks",
    "covers_area",
    "summary",
    "failures",
    "main_check",
]


def run_checks(report, *, checks: list[str] | None = None) -> pd.DataFrame:
    """Run the report-level checks of the catalogue on one report.

    Parameters
    ----------
    report : Report
        A report as read by :func:`govreport.read_report` (or any object
        with the same frames, see :class:`ReportView`).
    checks : list of str, optional
        Check ids to run (default: every report-level check).

    Returns
    -------
    DataFrame
        One row per check instance: ``report_id, check_id, severity, kind,
        subject, status, lhs, rhs, delta, cells, message``.  A check that
        raises gives one ``not-assessable`` row naming the error, so one
        broken check never hides the others.

    """
    view = ReportView(report)
    wanted = [get(c) for c in checks] if checks else [c for c in CATALOGUE.values() if c.scope == "report"]
    rows: list[dict] = []
    for c in wanted:
        if c.func is None:
            continue
        try:
            got = list(c.func(view))
        except Exception as exc:  # noqa: BLE001 - report it as a result, do not hide the other checks
            got = [result(c.id, "check", "not-assessable", message=f"the check failed: {type(exc).__name__}: {exc}")]
        rows.extend(got)
    rid = getattr(report, "report_id", None)
    for r in rows:
        r["report_id"] = rid
    return results_frame(rows)


def failures(checks: pd.DataFrame, *, severity: str = "info") -> pd.DataFrame:
    """Return the failed rows of a checks frame at or above ``severity``."""
    if severity not in SEVERITY:
        raise ValueError(f"severity {severity!r}: expected one of {SEVERITY}")
    sev = checks["severity"].astype(pd.CategoricalDtype(SEVERITY, ordered=True))
    return checks[(checks["status"] == "fail") & (sev >= severity)]


def _fmt(v) -> str:
    if v is None or pd.isna(v):
        return "—"
    f = float(v)
    return str(int(f)) if f == int(f) else f"{f:g}"


def summary(checks: pd.DataFrame, *, limit: int = 12) -> str:
    """Summarise a checks frame compactly: counts, then one line per failure.

    >>> df = results_frame([{**result("T4.total", "review", "fail", 0, 11, ["table4:review/total@line 9"],
    ...                                "review: 总计 = …: 0 ≠ 11"), "report_id": "r1"}])
    >>> print(summary(df))
    checks: 0 pass, 1 fail (1 error), 0 not assessable
      ✗ T4.total [review] 0 vs 11 (Δ -11) error · review: 总计 = …: 0 ≠ 11
    """
    st = checks["status"].astype(str)
    fails = checks[st == "fail"]
    by_sev = fails["severity"].astype(str).value_counts()
    sev = ", ".join(f"{int(by_sev[s])} {s}" for s in reversed(SEVERITY) if s in by_sev)
    lines = [f"checks: {int((st == 'pass').sum())} pass, {len(fails)} fail" + (f" ({sev})" if sev else "")
             + f", {int((st == 'not-assessable').sum())} not assessable"]  # fmt: skip
    order = fails.assign(_s=fails["severity"].cat.codes if hasattr(fails["severity"], "cat") else 0)
    order = order.sort_values(["_s", "check_id"], ascending=[False, True], kind="stable")
    for rec in order.head(limit).to_dict("records"):
        lines.append(f"  ✗ {rec['check_id']} [{rec['subject']}] {_fmt(rec['lhs'])} vs {_fmt(rec['rhs'])} "
                     f"(Δ {_fmt(rec['delta'])}) {rec['severity']}"
                     f"{' (extraction)' if rec['kind'] == 'extraction' else ''} · {rec['message']}")  # fmt: skip
    if len(fails) > limit:
        lines.append(f"  … {len(fails) - limit} more")
    return "\n".join(lines)


def _expand(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.endswith((".json", ".csv")) and q.name != "README.md"))
        else:
            out.append(p)
    return out


def main_check(paths: list[str], *, fail_on: str = "error", corpus: bool = True, out=None, err=None) -> int:
    """``govreport check PATH…``: print every failed check, one line each; return the exit code.

    Parameters
    ----------
    paths : list of str
        Report files, or folders of reports (their ``*.json``/``*.csv`` skipped).
    fail_on : {"error", "warning", "info", "never"}
        The lowest severity whose failure makes the exit code 1.
    corpus : bool
        Also run the corpus checks (years, levels) across the reports read.
    out, err : file, optional
        Where to print (default ``sys.stdout``, ``sys.stderr``).

    Returns
    -------
    int
        1 if a check at or above ``fail_on`` failed; else 2 if a path could
        not be read; else 0.

    Notes
    -----
    Each failure is printed as ``file<TAB>check id<TAB>subject<TAB>lhs<TAB>rhs<TAB>delta<TAB>severity<TAB>message``.

    """
    import govreport

    out = out or sys.stdout
    err = err or sys.stderr
    if fail_on not in (*SEVERITY, "never"):
        raise ValueError(f"fail_on {fail_on!r}: expected one of {[*SEVERITY, 'never']}")
    frames, infos, reqs, acts, figs, names = [], [], [], [], [], {}
    unreadable = 0
    for path in _expand(paths):
        try:
            r = govreport.read_report(path)
        except Exception as exc:  # noqa: BLE001 - report every unreadable file and go on
            print(f"{path}\tunreadable\t{type(exc).__name__}: {exc}", file=err)
            unreadable += 1
            continue
        names[r.report_id] = str(path)
        frames.append(r.checks)
        infos.append(r.info())
        reqs.append(r.requests)
        acts.append(r.active)
        try:
            figs.append(r.figures)
        except Exception:  # noqa: BLE001, S110 - figures are optional here
            pass
    if corpus and len(infos) > 1:
        cc = run_corpus_checks(pd.DataFrame(infos), pd.concat(reqs), pd.concat(acts),
                               figures=pd.concat(figs) if figs else None)  # fmt: skip
        frames.append(cc[cc["report_id"].notna()].drop(columns=["agency_id", "year"]))
    n_fail = 0
    for df in frames:
        for rec in df[df["status"] == "fail"].to_dict("records"):
            name = names.get(str(rec["report_id"]), str(rec["report_id"]))
            print("\t".join([name, str(rec["check_id"]), str(rec["subject"]), _fmt(rec["lhs"]), _fmt(rec["rhs"]),
                             _fmt(rec["delta"]), str(rec["severity"]), str(rec["message"])]), file=out)  # fmt: skip
            if fail_on != "never" and SEVERITY.index(str(rec["severity"])) >= SEVERITY.index(fail_on):
                n_fail += 1
    if n_fail:
        return 1
    return 2 if unreadable else 0
