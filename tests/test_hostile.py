"""Hostile and broken input: nothing crashes, hangs or vanishes; briefings cannot be injected.

The suite (tests/hostile_gen.py) is generated into a temporary folder: empty
and white-space files, binary noise, HTML/PDF/DOCX cut at random points,
GBK/GB18030 with and without a (wrong) declared charset, a 200 MB text file,
deeply nested HTML and DOCX, zip bombs and path-traversal names, PDFs with a
broken xref or whose objects loop, tables of 10,000 rows, 400-digit numbers,
NUL bytes and broken code points, and a page with ``<script>``/``onerror=`` in
the agency name and in table cells.

* every input, read by ``read_report`` in a worker of its own, gives a report
  or one of the library's exceptions naming the source and the reason -- never
  a bare exception, never a hang -- within its time and memory;
* ``read_reports`` over the whole suite accounts for every input;
* property tests (hypothesis) on the normaliser, the cell parser and the table
  solver, and a synthetic report read back from every form with equal frames;
* what a report prints is escaped in ``_repr_html_``, in DataFrame HTML and in
  a rendered briefing, and a headless browser runs none of it.

``pytest -s tests/test_hostile.py`` prints the counts and the worst time and
memory per file.
"""

from __future__ import annotations

import json
import re
import resource
import signal
import threading
import time
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hostile_gen import (
    BIG_MB,
    PAYLOAD_IMG,
    PAYLOAD_SCRIPT,
    archive,
    build_suite,
    malicious_html,
    pdf_variants,
    probe,
    to_docx,
    to_markdown,
    to_pdf,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_briefing import driver  # noqa: F401 - the headless Chromium fixture

from govreport import Budget, read_report, read_reports
from govreport.errors import (
    BudgetExceededError,
    GovReportError,
    ReadError,
    TableNotFoundError,
)
from govreport.extract.segments import Piece
from govreport.extract.solver import MAX_READINGS, digit_splits, row_readings
from govreport.normalize import fold_whitespace, normalize_text, scrub_surrogates
from govreport.parallel import run_processes
from govreport.readers.sniff import decode_counted, sniff_form
from govreport.synthetic import FORMS, TEMPLATES, cells_of, make_report
from govreport.values import MAX_DECIMALS, MAX_DIGITS, Kind, parse_cell

#: Time budget of one read in the suite: the PDF whose content stream refers to itself in a
#: circle loops inside pdfminer until the budget stops it.
SUITE_SECONDS = 6.0
#: Memory one input may add to its worker (bytes).
MAX_MEMORY = 1 * 2**30
#: Wall time one input may take, budget included.
MAX_WALL = SUITE_SECONDS + 6.0
GB = 2**30
MB = 2**20


# --------------------------------------------------------------------------- the suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    cases = build_suite(folder)
    return folder, cases


@pytest.fixture(scope="module")
def probes(suite):
    """Every case read by ``read_report`` in a fresh worker process: outcome, time, memory."""
    _, cases = suite
    tasks = [{"case": c, "max_seconds": SUITE_SECONDS, "source": c.name} for c in cases]
    t0 = time.perf_counter()
    results = {}
    for index, rec in run_processes(tasks, probe, jobs=2, timeout=MAX_WALL + 10, max_tasks_per_worker=1):
        results[cases[index].name] = rec
    return results, time.perf_counter() - t0


def _expected(case, rec) -> str | None:
    """What is wrong with ``rec`` for ``case`` (None: as expected)."""
    if rec.get("bare") or rec.get("error") in ("Timeout", "WorkerCrashed"):
        return f"{rec.get('outcome') or rec.get('error')}: {rec.get('bare') or rec.get('reason')}"
    outcome = rec["outcome"]
    if outcome == "report":
        if case.expect == "error":
            return f"read as a report, expected {case.error}"
        if rec["cells_wrong"]:
            return f"cells not as printed: {list(rec['cells_wrong'].items())[:3]}"
        if case.doubt and case.doubt not in rec["doubts"]:
            return f"no {case.doubt!r} doubt among {rec['doubts']}"
        return None
    if case.expect == "report":
        return f"{outcome}: {rec['reason']} (expected a report)"
    if case.expect == "error" and case.error not in rec["mro"]:
        return f"{outcome}: {rec['reason']} (expected {case.error})"
    if not rec["reason"] or rec["error_source"] != case.path:
        return f"{outcome} does not name the source and the reason: {rec['error_source']!r} {rec['reason']!r}"
    return None


def test_read_report_on_every_hostile_input(suite, probes):
    _, cases = suite
    results, wall = probes
    assert len(results) == len(cases)
    problems = {c.name: why for c in cases if (why := _expected(c, results[c.name]))}
    assert problems == {}
    slow = {n: round(r["seconds"], 1) for n, r in results.items() if r["seconds"] > MAX_WALL}
    assert slow == {}
    heavy = {n: r["rss_peak"] - r["rss_start"] for n, r in results.items() if r["rss_peak"] - r["rss_start"] > MAX_MEMORY}
    assert heavy == {}
    # the note: counts, and the worst time and memory per file
    outcomes: dict[str, int] = {}
    for r in results.values():
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    worst_t = max(results.values(), key=lambda r: r["seconds"])
    worst_m = max(results.values(), key=lambda r: r["rss_peak"] - r["rss_start"])
    summary = {
        "inputs": len(cases), "reports": outcomes.pop("report", 0), "failed": sum(outcomes.values()),
        "failed_by_error": dict(sorted(outcomes.items())),
        "worst_seconds": [worst_t["name"], round(worst_t["seconds"], 2)],
        "worst_memory_mb": [worst_m["name"], round((worst_m["rss_peak"] - worst_m["rss_start"]) / MB, 1),
                            round(worst_m["rss_peak"] / MB, 1)],
        "wall_seconds": round(wall, 1),
    }  # fmt: skip
    print("\nread_report over the hostile suite:", json.dumps(summary, ensure_ascii=False))
    for c in cases:
        r = results[c.name]
        print(f"  {c.name:36s} {r['outcome']:22s} {r['seconds']:6.2f}s {(r['rss_peak'] - r['rss_start']) / MB:7.1f}MB  {r['reason'][:70]}")


def test_errors_name_the_source_and_the_reason(suite, probes):
    _, cases = suite
    results, _ = probes
    for c in cases:
        r = results[c.name]
        if r["outcome"] != "report":
            assert r["error_source"] == c.path and len(r["reason"]) > 10, (c.name, r)


def test_read_reports_accounts_for_every_input(suite, tmp_path):
    folder, cases = suite
    crawl, n_members = archive(tmp_path)
    poll = _ChildMemory()
    with poll:
        corpus = read_reports([folder, crawl], jobs=2, cache=False, timeout=MAX_WALL, progress=False, memo=False,
                              budget=Budget(max_seconds=SUITE_SECONDS))  # fmt: skip
    s = corpus.summary()
    assert s["inputs"] == len(cases) + n_members
    assert s["loaded"] + s["failed"] == s["inputs"]
    errors = corpus.errors
    assert errors["reason"].str.len().min() > 10 and errors["error"].notna().all()
    # every input is somewhere: a report's sources, or an error row
    seen = set(errors["source"]) | {src for srcs in corpus.reports["sources"] for src in srcs}
    assert seen == {str(folder / c.name) for c in cases} | {f"{crawl}!{m}" for m in zipfile.ZipFile(crawl).namelist()}
    by_source = errors.set_index("source")
    assert by_source.loc[str(folder / f"enormous_{BIG_MB}mb.txt"), "error"] == "BudgetExceededError"
    assert by_source.loc[f"{crawl}!bomb.txt", "error"] == "BudgetExceededError"
    # members with hostile names are read in memory, never extracted
    assert f"{crawl}!../../escape.html" in seen and not (tmp_path.parent.parent / "escape.html").exists()
    # no worker took the machine down
    assert poll.peak - poll.parent < MAX_MEMORY, (poll.peak / MB, poll.parent / MB)
    print(f"\nread_reports over the hostile suite: {json.dumps(s, ensure_ascii=False)}; "
          f"worker peak RSS {poll.peak / MB:.0f} MB (parent {poll.parent / MB:.0f} MB); {corpus.meta['seconds']} s")  # fmt: skip
    for row in errors.itertuples():
        print(f"  {Path(row.source).name:40s} {row.error:22s} {row.reason[:80]}")


class _ChildMemory:
    """Poll the resident memory of this process's children while a block runs."""

    def __init__(self):
        import psutil

        self._me = psutil.Process()
        self.parent = self._me.memory_info().rss
        self.peak = 0
        self._stop = threading.Event()

    def _run(self):
        import psutil

        while not self._stop.wait(0.05):
            for child in self._me.children(recursive=True):
                try:
                    self.peak = max(self.peak, child.memory_info().rss)
                except psutil.Error:
                    pass

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- size and time budgets


def test_enormous_file_fails_at_once_without_being_read(suite):
    folder, _ = suite
    path = folder / f"enormous_{BIG_MB}mb.txt"
    assert path.stat().st_size >= BIG_MB * MB
    peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    import psutil

    rss0 = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    for source in (path, str(path)):
        with pytest.raises(BudgetExceededError) as err:
            read_report(source)
        assert err.value.source == str(path) and "over the budget" in err.value.reason
    assert time.perf_counter() - t0 < 1.0
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - max(peak0, rss0)
    assert grew < 50 * MB  # the file was never read into memory


def test_budgets_are_adjustable(tmp_path):
    text, _ = make_report(1, form="text-pipes")
    with pytest.raises(BudgetExceededError, match="over the budget"):
        read_report(text.encode(), budget=Budget(max_bytes=1000))
    page, _ = make_report(1, form="html")
    with pytest.raises(BudgetExceededError, match="cells"):
        read_report(page, budget=Budget(max_cells=50))
    assert read_report(page, budget=Budget(max_cells=10_000, max_seconds=30)).requests["value"].notna().all()


def _looping_pdf() -> bytes:
    from data_synthetic.report import build_pdf_report

    return pdf_variants(build_pdf_report())["contents_reference_cycle"]


def test_time_budget_stops_a_read_that_loops():
    data = _looping_pdf()
    t0 = time.perf_counter()
    with pytest.raises(BudgetExceededError, match=r"longer than 1 s") as err:
        read_report(data, budget=Budget(max_seconds=1))
    assert time.perf_counter() - t0 < 3
    assert err.value.source == "<bytes>"
    # the alarm is put back as it was
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_budget_is_not_kept_outside_the_main_thread():
    from concurrent.futures import ThreadPoolExecutor

    text, truth = make_report(4, form="html")
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(read_report, text, budget=Budget(max_seconds=5)).result()
    assert cells_of(report) == truth["cells"]


def test_time_budget_leaves_an_alarm_of_the_caller_alone():
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        text, truth = make_report(5, form="text-pipes")
        assert cells_of(read_report(text, budget=Budget(max_seconds=0.001))) == truth["cells"]
    finally:
        signal.signal(signal.SIGALRM, old)
    assert fired == []


def test_corpus_loader_kills_a_worker_past_its_timeout(tmp_path):
    (tmp_path / "loops.pdf").write_bytes(_looping_pdf())
    good, _ = make_report(6, form="html")
    (tmp_path / "good.html").write_text(good, encoding="utf-8")
    t0 = time.perf_counter()
    corpus = read_reports(tmp_path, jobs=2, cache=False, timeout=2, progress=False, memo=False)  # budget: 60 s
    assert time.perf_counter() - t0 < 20
    assert corpus.summary()["loaded"] == 1
    err = corpus.errors.iloc[0]
    assert err["source"].endswith("loops.pdf") and err["error"] == "Timeout" and "2 s" in err["reason"]


# --------------------------------------------------------------------------- fixed bugs, one by one


def test_blank_lines_are_sniffed_in_linear_time():
    for text in ("\n" * 200_000, " \n" * 200_000, " " * 1_000_000, "|---" * 200_000 + "x"):
        t0 = time.perf_counter()
        sniff_form(None, text)
        assert time.perf_counter() - t0 < 1.0
    assert sniff_form(None, "a | b\n|---|---|\n| 1 | 2 |") == "markdown"
    assert sniff_form(None, "| a | b |\r\n| :---: | ---: |\r\n") == "markdown"


def test_many_value_lines_after_one_label_are_unknown_not_a_hang():
    lines, _ = make_report(1, form="text-lines")
    k = lines.index("\n", lines.index("一、本年新收")) + 1
    t0 = time.perf_counter()
    report = read_report(lines[:k] + "1\n" * 40 + lines[k:])
    assert time.perf_counter() - t0 < 5
    new = report.requests[report.requests["row"] == "new_requests"]
    assert (new["kind"] == "unknown").all() and new["value"].isna().all()
    assert "merged-too-many" in " ".join(report.doubts["doubt"])


def test_a_long_digit_run_is_unknown_not_a_hang():
    t0 = time.perf_counter()
    pieces = [Piece("1" * 350 + "0" * 50, "none", 0, 1)]
    for ncols in (7, 15):
        rd = row_readings(pieces, ncols, structured=False, collapsed=False)
        assert all(c.kind == Kind.UNKNOWN for c in rd.candidates[0])
    # few valid splits in a long run: found without walking every composition
    assert digit_splits("1" * 60 + ".", 15) == []  # C(60, 14) dead ends before the fix
    assert len(digit_splits("10" * 30, 15)) > 0
    assert time.perf_counter() - t0 < 5


def test_amounts_with_too_many_decimals_are_unknown():
    assert parse_cell("1." + "3" * 11, amount=True).kind == Kind.UNKNOWN
    assert parse_cell("1." + "3" * 10, amount=True).value == Decimal("1." + "3" * 10)
    text, _ = make_report(1, form="text-pipes")
    text = re.sub(r"(行政事业性收费 \| )[\d.]+", lambda m: m.group(1) + "1." + "3" * 400, text, count=1)
    active = read_report(text).active  # a decimal128 overflow before
    fee = active[active["row"] == "fees"].iloc[0]
    assert fee["kind"] == "unknown" and pd.isna(fee["amount"])


def test_a_fraction_in_a_count_table_is_unknown():
    text, _ = make_report(1, form="text-pipes")
    text = re.sub(r"(本年新收[^|]*\| )\d+", lambda m: m.group(1) + "12.5", text, count=1)
    report = read_report(text)
    cell = report.requests.set_index(["row", "column"]).loc[("new_requests", "natural_person")]
    assert cell["kind"] == "unknown" and pd.isna(cell["value"])  # was: a printed number holding <NA>
    failed = report.checks[report.checks["status"] == "fail"]
    assert "table3:new_requests" in set(failed["subject"])


def test_nul_and_control_characters_are_dropped():
    text, truth = make_report(2, form="text-pipes")
    assert cells_of(read_report(text.replace("本年新收", "本年\x00新收"))) == truth["cells"]
    page, _ = make_report(2, form="html")
    assert cells_of(read_report(page.replace("本年新收", "本\x00年\x07新收"))) == truth["cells"]
    assert normalize_text("a\x00b\x1b[0m\x7fc\td") == "ab[0mc d"


def test_lone_surrogates_in_a_str():
    text, truth = make_report(2, form="text-pipes")
    bad = text.replace("（合成文本）", "（\ud800合成文本）", 1)
    assert cells_of(read_report(bad)) == truth["cells"]
    page, _ = make_report(2, form="html")
    assert cells_of(read_report(page.replace("（合成文本）", "（\udfff合成文本）", 1))) == truth["cells"]
    assert scrub_surrogates("\ud83d\ude00\ud800") == "😀\ufffd"
    with pytest.raises(TableNotFoundError):  # a label whose character is lost is not guessed
        read_report(text.replace("本年新收", "本年\ud800收"))


def test_a_file_cut_inside_a_character_is_read_with_a_doubt():
    text, truth = make_report(2, form="text-pipes")
    data = text.encode()
    cut = data.rindex("其他需要报告的事项".encode()) + 4
    report = read_report(data[:cut])
    assert cells_of(report) == truth["cells"]
    assert "undecodable bytes" in set(report.doubts["doubt"])
    got, enc, n = decode_counted(data[:cut], None, "x")
    assert enc == "utf-8" and n == 1 and got.endswith("\ufffd")
    # bytes valid in no encoding and far from any: still an EncodingError
    with pytest.raises(ReadError, match="neither utf-8 nor gb18030"):
        read_report(bytes(range(128, 256)) * 50)
    # valid utf-8 and gb18030 are read exactly as before (no replacement)
    assert decode_counted("政府信息公开".encode("gb18030"), None, "x") == ("政府信息公开", "gb18030", 0)


def test_html_nested_past_the_parser_limit_is_not_silently_lost():
    page, truth = make_report(2, form="html")
    with pytest.raises(BudgetExceededError, match="255 levels") as err:
        read_report(page.replace("<body>", "<body>" + "<div>" * 1000))
    assert err.value.source == "<text>"
    report = read_report(page.replace("</body>", "<div>" * 1000 + "</body>"))
    assert cells_of(report) == truth["cells"]
    assert "truncated" in set(report.doubts["doubt"])
    shallow = read_report(page.replace("<body>", "<body>" + "<div>" * 200))  # within the limit: as before
    assert cells_of(shallow) == truth["cells"] and shallow.doubts.empty


def test_docx_nested_past_the_parser_limit_is_a_budget_error():
    from hostile_gen import minimal_docx, w_para

    nest = "<w:tbl><w:tr><w:tc>" * 300 + w_para("x") + "</w:tc></w:tr></w:tbl>" * 300
    with pytest.raises(BudgetExceededError, match="255 levels"):
        read_report(minimal_docx(w_para("政府信息公开") + nest))


def test_pdf_page_tree_reference_loop_is_refused_at_once():
    from data_synthetic.report import build_pdf_report

    data = pdf_variants(build_pdf_report())["reference_cycle"]
    t0 = time.perf_counter()
    with pytest.raises(ReadError, match="loop"):
        read_report(data)
    assert time.perf_counter() - t0 < 2


def test_pdf_pages_are_counted_before_they_are_read():
    from data_synthetic.pdfgen import Page, build_pdf

    pages = []
    for k in range(20_000):
        p = Page()
        p.text(60, 700, f"第{k}页", 9)
        pages.append(p)
    data = build_pdf(pages)
    t0 = time.perf_counter()
    with pytest.raises(BudgetExceededError, match="more than 200 pages"):
        read_report(data)
    assert time.perf_counter() - t0 < 2  # 4 s and 200 MB to build every page before


# --------------------------------------------------------------------------- properties


def _old_fold_whitespace(text: str) -> str:
    from govreport.normalize import _NEWLINES_RE, _SPACE_RE, _ZERO_WIDTH_RE, CONTROL_RE

    text = _NEWLINES_RE.sub("\n", text)
    text = _ZERO_WIDTH_RE.sub("", text)
    text = CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


ANY_CHAR = st.characters(codec=None, categories=None)  # surrogates and controls included
WS_TEXT = st.text(st.sampled_from(" \t\n\r\u3000\u00a0\x1c\x85\u2028\x0b\x00\u200ba本|1"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.text(ANY_CHAR, max_size=200))
def test_normalize_text_takes_any_text(text):
    out = normalize_text(text)
    assert isinstance(out, str)
    out.encode("utf-8")  # no lone surrogate left
    assert "\r" not in out and not re.search(r"[\x00-\x08\x0e-\x1b\x7f]", out)
    assert all(line == line.strip() for line in out.split("\n"))


@settings(max_examples=300, deadline=None)
@given(WS_TEXT)
def test_fold_whitespace_is_the_line_by_line_strip(text):
    assert fold_whitespace(text) == _old_fold_whitespace(text)


NUMBERISH = st.from_regex(r"[+\-增减]?\s?(\d{1,450}|\d{1,3}(,\d{3}){1,5})(\.\d{0,450})?\s?(万元|万|元|件)?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NUMBERISH, st.text(ANY_CHAR, max_size=30)), st.booleans())
def test_parse_cell_takes_any_text(text, amount):
    c = parse_cell(normalize_text(text), amount=amount)
    assert c.kind in {Kind.NUMBER, Kind.ZERO, Kind.EMPTY, Kind.NOT_APPLICABLE, Kind.UNKNOWN}
    if c.is_number:
        whole, _, decimals = str(abs(c.value)).partition(".")
        assert len(whole) <= MAX_DIGITS and len(decimals) <= MAX_DECIMALS


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789.", min_size=1, max_size=14), st.integers(1, 8))
def test_digit_splits_are_every_split_and_only_splits(s, k):
    from itertools import combinations

    got = digit_splits(s, k)
    brute = []
    for cuts in combinations(range(1, len(s)), k - 1):
        b = (0, *cuts, len(s))
        parts = tuple(s[b[i] : b[i + 1]] for i in range(k))
        if all((len(p) == 1 or p[0] != "0" or p[1] == ".") and not p.startswith(".") and not p.endswith(".") for p in parts):
            brute.append(parts)
    assume(len(brute) < MAX_READINGS)
    assert got == brute


PIECE_TEXT = st.one_of(st.from_regex(r"[+\-]?\d{0,25}(\.\d{0,3})?", fullmatch=True), st.sampled_from(["", "—", "0", "无", "1 2", "12 0 3", "万元"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(PIECE_TEXT, st.sampled_from(["cell", "space", "none"])), max_size=40),
       st.integers(1, 15), st.booleans(), st.booleans())  # fmt: skip
def test_row_readings_take_any_pieces(pieces, ncols, structured, collapsed):
    ps = [Piece(t, sep, i, i + 1) for i, (t, sep) in enumerate(pieces)]
    t0 = time.perf_counter()
    rd = row_readings(ps, ncols, structured=structured, collapsed=collapsed,
                      identity=lambda c: all(x.is_number for x in c) and sum(x.value for x in c[:-1]) == c[-1].value)  # fmt: skip
    assert time.perf_counter() - t0 < 5
    assert 1 <= len(rd.candidates) <= MAX_READINGS
    assert all(len(c) == ncols for c in rd.candidates)


def _tokens() -> list[str]:
    out = set()
    for template in TEMPLATES:
        for form in ("text-pipes", "text-lines"):
            text, _ = make_report(3, template=template, form=form)
            for line in text.split("\n"):
                out.add(line)
                out.update(c.strip() for c in line.split("|"))
    return sorted(t for t in out if t)


TOKENS = _tokens()
SOUP = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(ANY_CHAR, max_size=8), st.from_regex(r"\d{1,30}", fullmatch=True)),
    max_size=250,
).flatmap(lambda toks: st.lists(st.sampled_from(["\n", " | ", "", " ", "\t"]), min_size=len(toks), max_size=len(toks))
          .map(lambda seps: "".join(t + s for t, s in zip(toks, seps, strict=True))))  # fmt: skip


CELL = st.one_of(
    st.from_regex(r"\d{1,4}", fullmatch=True), st.from_regex(r"\d{15,420}", fullmatch=True),
    st.sampled_from(["", "—", "无", "-", "/", "0", "1,234", "12.5", "增3", "不适用", "?", "<script>x</script>"]),
    st.text(ANY_CHAR, max_size=6),
)  # fmt: skip


@st.composite
def mutated_lines(draw) -> str:
    """A synthetic report whose lines were dropped, doubled, joined and whose cells were changed."""
    form = draw(st.sampled_from(["text-pipes", "text-lines"]))
    text, _ = make_report(draw(st.integers(0, 10**4)), template=draw(st.sampled_from(TEMPLATES)), form=form)
    out: list[str] = []
    for line in text.split("\n"):
        op = draw(st.sampled_from(["keep"] * 8 + ["drop", "dup", "cell", "join", "noise"]))
        if op == "drop":
            continue
        if op == "dup":
            out += [line, line]
        elif op == "cell":
            cells = line.split(" | ")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL)
            out.append(" | ".join(cells))
        elif op == "join" and out:
            out[-1] += draw(st.sampled_from(["", " "])) + line
        elif op == "noise":
            out += [line, draw(st.one_of(CELL, st.sampled_from(TOKENS)))]
        else:
            out.append(line)
    return "\n".join(out)


def _use(report) -> None:
    for frame in ("requests", "active", "reviews", "doubts", "legacy", "figures", "checks"):
        getattr(report, frame)
    report._repr_html_()
    report.info()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(SOUP)
def test_any_text_gives_a_report_or_our_error(text):
    try:
        report = read_report(text, budget=Budget(max_seconds=20))
    except GovReportError as exc:
        assert exc.reason
        return
    _use(report)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_lines())
def test_mutated_lines_give_a_report_or_our_error(text):
    try:
        report = read_report(text, budget=Budget(max_seconds=20))
    except GovReportError as exc:
        assert exc.reason
        return
    _use(report)
    assert report.requests["kind"].notna().all() and report.requests["certainty"].notna().all()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([None, "text", "html", "markdown", "pdf", "docx"]))
def test_any_bytes_give_a_report_or_our_error(data, form):
    try:
        _use(read_report(data, form=form, budget=Budget(max_seconds=20)))
    except GovReportError as exc:
        assert exc.reason and exc.source == "<bytes>"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_report_gives_a_report_or_our_error(data):
    form = data.draw(st.sampled_from(FORMS))
    text, _ = make_report(data.draw(st.integers(0, 50)), form=form)
    raw = bytearray(text.encode())
    for _ in range(data.draw(st.integers(1, 30))):
        op = data.draw(st.sampled_from(["flip", "cut", "dup", "del"]))
        i = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[i:]
        elif op == "dup":
            raw[i:i] = raw[i : i + data.draw(st.integers(1, 400))]
        elif op == "del":
            del raw[i : i + data.draw(st.integers(1, 50))]
    try:
        _use(read_report(bytes(raw), budget=Budget(max_seconds=20)))
    except GovReportError as exc:
        assert exc.reason


# --------------------------------------------------------------------------- round trips through every form

VALUE_COLUMNS = {
    "requests": ["row", "column", "value", "kind", "certainty"],
    "active": ["row", "column", "value", "count", "amount", "unit", "kind", "certainty"],
    "reviews": ["proceeding", "outcome", "value", "kind", "certainty"],
}
ALL_FORMS = (*FORMS, "markdown", "docx", "pdf")


def _in_form(seed: int, template: str, form: str):
    if form in FORMS:
        return make_report(seed, template=template, form=form)[0]
    page, _ = make_report(seed, template=template, form="html")
    return {"markdown": to_markdown, "docx": to_docx, "pdf": to_pdf}[form](page)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(TEMPLATES))
def test_a_synthetic_report_survives_every_form(seed, template):
    _, truth = make_report(seed, template=template, form="html")
    frames = {}
    for form in ALL_FORMS:
        report = read_report(_in_form(seed, template, form))
        assert report.document.form.startswith(form.split("-")[0]), (form, report.document.form)
        assert cells_of(report) == truth["cells"], form
        assert (report.agency, report.year, report.template) == (truth["agency"], truth["year"], template), form
        assert report.doubts.empty, (form, report.doubts)
        frames[form] = {name: getattr(report, name)[cols].reset_index(drop=True) for name, cols in VALUE_COLUMNS.items()}
    for form in ALL_FORMS[1:]:
        for name in VALUE_COLUMNS:
            pd.testing.assert_frame_equal(frames[form][name], frames[ALL_FORMS[0]][name], obj=f"{form} {name}")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(TEMPLATES), st.sampled_from(["gbk", "gb18030", "utf-16", "utf-8-sig"]),
       st.sampled_from(["", "gbk", "utf-8", "gb2312", "bogus-charset"]))  # fmt: skip
def test_a_synthetic_report_survives_any_encoding_and_declaration(seed, template, encoding, declared):
    page, truth = make_report(seed, template=template, form="html")
    page = page.replace('<meta charset="utf-8">', f'<meta charset="{declared}">' if declared else "")
    assert cells_of(read_report(page.encode(encoding))) == truth["cells"]


# --------------------------------------------------------------------------- injection


class _Markup(HTMLParser):
    """Elements and attributes of an HTML string, as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, k) for k, _ in attrs if k.lower().startswith("on")]

    def handle_data(self, data):
        self.text.append(data)


def _markup(fragment: str) -> _Markup:
    p = _Markup()
    p.feed(fragment)
    p.close()
    return p


@pytest.fixture(scope="module")
def evil_report():
    return read_report(malicious_html())


def test_the_payloads_reach_the_report(evil_report):
    assert PAYLOAD_SCRIPT in evil_report.agency
    assert evil_report.requests["printed_label"].str.contains(PAYLOAD_IMG, regex=False).any()
    assert "<script>" not in evil_report.text.replace(PAYLOAD_SCRIPT, "")  # the raw <script> element is gone


def test_repr_html_escapes_what_the_report_prints(evil_report):
    fragment = evil_report._repr_html_()
    m = _markup(fragment)
    assert "script" not in m.tags and "img" not in m.tags and m.handlers == []
    assert PAYLOAD_SCRIPT in "".join(m.text)  # shown as text, not dropped
    for frame in (evil_report.requests, evil_report.doubts, pd.DataFrame([evil_report.info()])):
        m = _markup(frame.to_html())
        assert "script" not in m.tags and "img" not in m.tags and m.handlers == []


def _evil_notebook(folder: Path) -> Path:
    """An executed notebook that displays a Report (and its frames) read from the malicious page."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    page = folder / "evil_page.html"
    page.write_text(malicious_html(), encoding="utf-8")
    (folder / "crawl").mkdir()
    (folder / "crawl" / "evil.html").write_text(malicious_html(), encoding="utf-8")
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("# 注入测试 Injection"),
        new_code_cell("import govreport\nreport = govreport.read_report('evil_page.html')\nreport"),
        new_code_cell("report.requests[['row', 'printed_label', 'value']].head(3)"),
        new_code_cell("import pandas as pd\npd.DataFrame([report.info()])[['agency', 'year']]"),
        new_code_cell("print(report.agency)\nreport.agency"),
        new_code_cell("corpus = govreport.read_reports('crawl', jobs=1, cache=False, progress=False)\ncorpus.reports[['agency', 'year']]"),
    ]
    from test_briefing import _execute

    _execute(nb, folder)
    path = folder / "evil.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def evil_briefing(tmp_path_factory):
    from govreport.briefing import render_notebook

    folder = tmp_path_factory.mktemp("evil")
    nb = _evil_notebook(folder)
    return render_notebook(nb, folder / "out"), folder


def test_briefing_shows_the_payload_as_text(evil_briefing):
    path, _ = evil_briefing
    page = path.read_text(encoding="utf-8")
    body = page[page.index("<body") :]
    m = _markup(body)
    assert "script" not in m.tags and m.handlers == []
    assert not re.search(r"<script\b", page, re.I)
    assert "window.__pwned" in "".join(m.text)  # the payload is there, as text


@pytest.mark.browser
def test_browser_runs_no_script_from_a_report(driver, evil_briefing, tmp_path):  # noqa: F811 - the fixture
    from test_briefing import _no_dialog, _open

    path, folder = evil_briefing
    _open(driver, path)
    _no_dialog(driver)
    state = driver.execute_script(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned, dialogs: window.__dialogs,"
        " text: document.body.innerText}"
    )
    assert state["dialogs"] == [] and state["pwned"] is None
    assert PAYLOAD_SCRIPT in state["text"]  # visible as text
    # the Report's own HTML, in a page with neither the briefing's sanitiser nor its CSP
    bare = tmp_path / "repr.html"
    report = read_report(folder / "evil_page.html")
    bare.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>repr</title></head><body>"
        + report._repr_html_() + report.requests.to_html() + pd.DataFrame([report.info()]).to_html()
        + "</body></html>",
        encoding="utf-8",
    )  # fmt: skip
    _open(driver, bare)
    _no_dialog(driver)
    pwned, dialogs, text = driver.execute_script("return [window.__pwned, window.__dialogs, document.body.innerText]")
    assert pwned is None and dialogs == []
    assert PAYLOAD_SCRIPT in text
    # negative control: the same agency written into a page unescaped does run
    raw = tmp_path / "raw.html"
    raw.write_text(f"<!DOCTYPE html><html><body><h4>{report.agency}</h4>{PAYLOAD_IMG}</body></html>", encoding="utf-8")
    _open(driver, raw)
    pwned, dialogs = driver.execute_script("return [window.__pwned, window.__dialogs]")
    assert pwned is not None and dialogs
