"""Pages per second: govreport's PDF reader against plain pdfplumber, same files, same run.

    python bench/bench_pdf.py [FILE.pdf ...] [--repeat N]

Without files it times the real PDFs in ../shared/reports and a synthetic
two-page report (tests/data_synthetic).  For each file, in alternating order
so that caches and CPU frequency treat both alike:

- ``pdfplumber``: open, ``page.extract_tables()`` on every page (the floor:
  parsing the content streams dominates);
- ``read_pdf``:   govreport.readers.pdf.read_pdf (tables, text lines, merged
  cells, footers, cross-page tables -> a Document);
- ``read_report``: the whole pipeline to a Report (extraction included), for
  reference.

Timings are the median of N runs; the ratio is pdfplumber time / our time
(1.0 = as fast as plain pdfplumber, 0.5 = half as fast).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reports"
sys.path.insert(0, str(ROOT / "tests"))


def plain(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def ours(data: bytes) -> int:
    from govreport.readers.pdf import read_pdf

    return read_pdf(data, source="bench").attrs["pages"]


def whole(data: bytes) -> int:
    import govreport

    return govreport.read_report(data).document.attrs["pages"]


def timed(fn, data: bytes) -> tuple[float, int]:
    t = time.perf_counter()
    n = fn(data)
    return time.perf_counter() - t, n


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    inputs: list[tuple[str, bytes]] = []
    if args.files:
        inputs = [(p.name, p.read_bytes()) for p in args.files]
    else:
        inputs = [(p.name, p.read_bytes()) for p in sorted(SHARED.glob("*.pdf"))]
        from data_synthetic.report import build_pdf_report

        inputs.append(("synthetic_cross_page.pdf", build_pdf_report()))
    fns = {"pdfplumber": plain, "read_pdf": ours, "read_report": whole}
    print(f"{'file':34s} {'pages':>5s} " + " ".join(f"{k + ' p/s':>16s}" for k in fns) + f" {'ratio':>7s}")
    totals = {k: 0.0 for k in fns}
    total_pages = 0
    for name, data in inputs:
        for fn in fns.values():  # warm-up: imports, font caches
            fn(data)
        runs: dict[str, list[float]] = {k: [] for k in fns}
        pages = 0
        for i in range(args.repeat):
            order = list(fns.items()) if i % 2 == 0 else list(reversed(fns.items()))
            for k, fn in order:
                dt, pages = timed(fn, data)
                runs[k].append(dt)
        med = {k: statistics.median(v) for k, v in runs.items()}
        for k in fns:
            totals[k] += med[k]
        total_pages += pages
        rate = " ".join(f"{pages / med[k]:16.1f}" for k in fns)
        print(f"{name:34s} {pages:5d} {rate} {med['pdfplumber'] / med['read_pdf']:7.2f}")
    rate = " ".join(f"{total_pages / totals[k]:16.1f}" for k in fns)
    print(f"{'all':34s} {total_pages:5d} {rate} {totals['pdfplumber'] / totals['read_pdf']:7.2f}")
    print("ratio = pdfplumber extract_tables() time / read_pdf time (higher is faster; 1.0 = same speed)")


if __name__ == "__main__":
    main()
