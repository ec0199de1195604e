"""Corpus build benchmark: synthetic corpora of 1k, 10k, 100k reports through ``read_reports``.

For each size the script

1. writes a synthetic corpus (``govreport.synthetic.make_corpus``: page text
   and HTML, both templates, round-robin) into a temporary directory;
2. builds it with ``govreport.read_reports(folder, jobs=…, cache=<fresh dir>)``
   and records wall time, reports per second and the peak memory of the
   whole process tree (psutil PSS of the measuring process plus every child,
   sampled every 50 ms; ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` — the
   largest single child's RSS — is printed beside it).  Each size and mode
   runs in a fresh Python process (``--no-isolate`` to run in this one), so
   no measurement inherits the memory of the one before;
3. writes the Parquet store (``Corpus.to_store``) and reloads it
   (``Corpus.from_store``) — the "reload from the store" figure;
4. builds again with the now warm parse cache — the "cached rebuild" figure.

``--mode lean`` (part of the default ``both``) also runs :func:`lean_build`:
the same files through a chunked process pool over ``read_report`` that
returns plain tuples and builds one categorical frame of every cell — the
parser's own ceiling, to tell parse cost from corpus-layer cost.

Baseline in the same process: a plain single-process loop of
``read_report`` over the first ``--baseline`` files (with and without the
three frames), so the corpus rate can be read as a multiple of it.

Targets (2-core machine): 100k reports built in ≤ 60 s, reloaded from the
store in ≤ 1 s, peak memory ≤ 1 GB.

Run::

    python -m bench.bench_corpus --sizes 1000                  # quick
    python -m bench.bench_corpus --sizes 1000,10000,100000 --jobs 2
    python -m bench.bench_corpus --sizes 100k --mode lean      # parser ceiling only
    python -m bench.bench_corpus --sizes 1000 --tmp /tmp/x --keep
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET_BUILD_S = 60.0  # for 100k reports
TARGET_RELOAD_S = 1.0
TARGET_PEAK_MB = 1024.0


class TreeMemory:
    """Sample the memory of this process and all its children in a thread.

    Each sample sums the PSS (proportional set size: a page shared by k
    processes counts 1/k in each, so forked workers are not counted twice)
    of the process tree, falling back to RSS where PSS is unavailable;
    ``peak_mb`` is the largest sum seen.
    """

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self.metric = "pss"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            import psutil

            self._proc = psutil.Process()
        except ImportError:  # pragma: no cover - psutil is in the test env
            self._proc = None

    def _mem(self, p) -> int:
        if self.metric == "pss":
            try:
                return p.memory_full_info().pss
            except (AttributeError, NotImplementedError):
                self.metric = "rss"
        return p.memory_info().rss

    def _sample(self) -> int:
        import psutil

        total = 0
        procs = [self._proc]
        try:
            procs += self._proc.children(recursive=True)
        except psutil.Error:
            pass
        for p in procs:
            try:
                total += self._mem(p)
            except psutil.Error:
                continue
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        if self._proc is not None:
            self.peak = self._sample()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.peak = max(self.peak, self._sample())

    @property
    def peak_mb(self) -> float | None:
        return self.peak / 2**20 if self._proc is not None else None


def _children_maxrss_mb() -> float:
    # Linux: kilobytes; the largest RSS of any waited-for descendant.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _self_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _import_api():
    try:
        from govreport import read_reports  # noqa: F401
    except ImportError:
        try:
            from govreport.corpus import read_reports  # noqa: F401
        except ImportError:
            print(
                "govreport.read_reports is not available yet (govreport/corpus.py). This benchmark needs the "
                "documented API: read_reports(paths_or_folder, *, jobs=None, cache=...) -> Corpus, with "
                "Corpus.to_store(path) and Corpus.from_store(path).",
                file=sys.stderr,
            )
            raise SystemExit(2) from None
    from govreport import corpus as _c

    return _c.read_reports, _c.Corpus


def baseline(files: list[Path]) -> dict:
    """Single-process loop of ``read_report`` over ``files`` (paths, as the corpus reads them)."""
    from govreport import read_report

    for f in files[:20]:  # warm-up: imports, label maps, OpenCC
        read_report(f)
    t = time.perf_counter()
    for f in files:
        read_report(f)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    for f in files:
        r = read_report(f)
        _ = (r.requests, r.active, r.reviews)
    frames = time.perf_counter() - t
    return {"n": len(files), "read_report_s": plain, "frames_s": frames}


def _vocab() -> dict[str, list[str]]:
    from govreport.report import (
        CERTAINTY,
        COL2_ORDER,
        COL3_ORDER,
        KINDS,
        OUTCOME_ORDER,
        PROC_ORDER,
        ROW2_ORDER,
        ROW3_ORDER,
    )

    return {
        "table": ["table2", "table3", "table4"],
        "row": list(dict.fromkeys(ROW3_ORDER + ROW2_ORDER + PROC_ORDER)),
        "column": list(dict.fromkeys(COL3_ORDER + COL2_ORDER + OUTCOME_ORDER)),
        "kind": list(KINDS),
        "certainty": list(CERTAINTY),
    }


def _lean_chunk(paths: list[str]):
    """Worker of :func:`lean_build`: read each file, return the chunk's cells as small numpy arrays."""
    import numpy as np

    from govreport import read_report

    vocab = {k: {v: i for i, v in enumerate(vs)} for k, vs in _vocab().items()}
    tb, rw, cl, kd, ce = (vocab[k] for k in ("table", "row", "column", "kind", "certainty"))
    rep, t, r, c, v, k, q = [], [], [], [], [], [], []
    infos, errors = [], []
    for p in paths:
        try:
            report = read_report(p)
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            errors.append((p, type(exc).__name__))
            continue
        i = len(infos)
        infos.append((p, report.agency, report.year, report.template))
        for cell in report.extraction.cells:
            rep.append(i)
            t.append(tb[cell.table])
            r.append(rw.get(cell.row, -1))
            c.append(cl.get(cell.column, -1))
            val = cell.value.value
            v.append(float("nan") if val is None else float(val))
            k.append(kd.get(cell.value.kind, -1))
            q.append(ce.get(cell.value.certainty, -1))
    arrays = (
        np.asarray(rep, np.int32), np.asarray(t, np.int8), np.asarray(r, np.int16), np.asarray(c, np.int16),
        np.asarray(v, np.float64), np.asarray(k, np.int8), np.asarray(q, np.int8),
    )  # fmt: skip
    return infos, arrays, errors


def lean_build(folder: Path, jobs: int, chunk: int | None = None) -> dict:
    """The parser's ceiling: a chunked process pool over ``read_report``, one compact frame at the end.

    Not a replacement for ``read_reports`` (no cache, no time limit, no
    checks, figures or provenance): it measures what parsing alone costs when
    workers return each chunk's cells as small numpy arrays (codes of fixed
    vocabularies) and the parent builds one categorical long frame of every
    cell, so the corpus layer's overhead can be read off against it.
    """
    import multiprocessing as mp

    import numpy as np
    import pandas as pd

    files = sorted(str(p) for p in folder.iterdir() if p.is_file())
    chunk = chunk or max(10, min(500, len(files) // (jobs * 8) or 1))
    chunks = [files[i : i + chunk] for i in range(0, len(files), chunk)]
    vocab = _vocab()
    if files:  # warm up once before forking: label maps, OpenCC and regexes are inherited, not rebuilt per worker
        _lean_chunk(files[:1])
    t = time.perf_counter()
    parts: list[tuple] = []
    n_reports = n_err = 0
    with TreeMemory() as mem:
        with mp.get_context("fork").Pool(jobs) as pool:
            for infos, arrays, errors in pool.imap_unordered(_lean_chunk, chunks):
                rep = arrays[0] + n_reports
                parts.append((rep, *arrays[1:]))
                n_reports += len(infos)
                n_err += len(errors)
        parsed = time.perf_counter() - t
        cols = [np.concatenate([p[i] for p in parts]) for i in range(7)]
        del parts
        value = cols[4]
        df = pd.DataFrame(
            {
                "report": cols[0],
                "table": pd.Categorical.from_codes(cols[1], vocab["table"]),
                "row": pd.Categorical.from_codes(cols[2], vocab["row"]),
                "column": pd.Categorical.from_codes(cols[3], vocab["column"]),
                "value": pd.arrays.FloatingArray(value, np.isnan(value)),
                "kind": pd.Categorical.from_codes(cols[5], vocab["kind"]),
                "certainty": pd.Categorical.from_codes(cols[6], vocab["certainty"]),
            }
        )
        del cols
    return {
        "n": len(files), "reports": n_reports, "errors": n_err, "parse_s": parsed,
        "total_s": time.perf_counter() - t, "peak_mb": mem.peak_mb, "cells": len(df),
        "frame_mb": df.memory_usage(deep=True).sum() / 2**20,
    }  # fmt: skip


def _kw(fn, **kw):
    import inspect

    params = inspect.signature(fn).parameters
    return {k: v for k, v in kw.items() if k in params}


def generate(n: int, root: Path, *, forms, templates, seed: int, jobs: int = 1) -> tuple[Path, dict]:
    """Write the synthetic corpus of ``n`` reports; return its folder and timing."""
    from govreport.synthetic import make_corpus

    folder = root / f"corpus_{n}"
    shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    make_corpus(folder, n, seed=seed, forms=forms, templates=templates, manifest=False, jobs=jobs)
    return folder, {"generate_s": time.perf_counter() - t, "corpus_mb": _du_mb(folder), "jobs": jobs}


def bench_corpus(folder: Path, n: int, root: Path, *, jobs: int) -> dict:
    """Build with ``read_reports``, write and reload the store, rebuild with the warm cache."""
    read_reports, Corpus = _import_api()
    cache = root / f"cache_{n}"
    store = root / f"store_{n}"
    for p in (cache, store):
        shutil.rmtree(p, ignore_errors=True)
    out: dict = {"n": n, "jobs": jobs}
    gc.collect()
    kw = _kw(read_reports, jobs=jobs, cache=cache, progress=False)
    with TreeMemory() as mem:
        t = time.perf_counter()
        corpus = read_reports(folder, **kw)
        out["build_s"] = time.perf_counter() - t
    out["build_peak_mb"] = mem.peak_mb
    out["children_maxrss_mb"] = _children_maxrss_mb()
    out["reports"] = len(corpus)
    errs = getattr(corpus, "errors", None)
    out["errors"] = 0 if errs is None else len(errs)
    if out["errors"]:
        out["first_errors"] = errs.head(3).to_dict("records")
    frames = getattr(corpus, "frames", {}) or {}
    out["frames_mb"] = {k: df.memory_usage(deep=True).sum() / 2**20 for k, df in frames.items() if df is not None}

    t = time.perf_counter()
    corpus.to_store(store)
    out["store_write_s"] = time.perf_counter() - t
    out["store_mb"] = _du_mb(store)
    del corpus, frames
    gc.collect()

    with TreeMemory() as mem:
        t = time.perf_counter()
        again = Corpus.from_store(store)
        out["reload_s"] = time.perf_counter() - t
    out["reload_peak_mb"] = mem.peak_mb
    out["reload_reports"] = len(again)
    del again
    gc.collect()

    with TreeMemory() as mem:
        t = time.perf_counter()
        warm = read_reports(folder, **kw)
        out["cached_build_s"] = time.perf_counter() - t
    out["cached_peak_mb"] = mem.peak_mb
    out["cached_reports"] = len(warm)
    del warm
    gc.collect()
    for p in (cache, store):
        shutil.rmtree(p, ignore_errors=True)
    return out


def _fmt(v, spec=".2f", unit=""):
    return "—" if v is None else f"{v:{spec}}{unit}"


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "load average ?"


def print_results(gen: dict, results: list[dict], lean: list[dict], base: dict | None, file=sys.stdout) -> None:
    """Print the baseline, one line per corpus size and mode, and the verdicts."""
    import pandas as pd

    print(
        f"# govreport corpus benchmark — {_dt.date.today().isoformat()} — Python {platform.python_version()}, "
        f"pandas {pd.__version__}, {os.cpu_count()} CPUs, {platform.machine()}, {_load()}",
        file=file,
    )
    base_rate = None
    if base:
        base_rate = base["n"] / base["read_report_s"]
        r2 = base["n"] / base["frames_s"]
        print(
            f"baseline (1 process, plain loop over the first {base['n']} files): read_report {base_rate:.0f} reports/s "
            f"({1000 / base_rate:.2f} ms each); read_report + 3 frames {r2:.0f} reports/s ({1000 / r2:.2f} ms each)",
            file=file,
        )
    for n, g in sorted(gen.items()):
        print(f"generated {n:,} synthetic reports ({g.get('jobs', 1)} processes) in {g['generate_s']:.1f} s ({g['corpus_mb']:.0f} MB on disk)", file=file)
    if lean:
        print("\nparser ceiling (bench.bench_corpus.lean_build: chunked Pool over read_report, plain tuples, one frame):",
              file=file)
        print(f"{'reports':>8s} {'jobs':>4s} {'parse s':>8s} {'total s':>8s} {'rep/s':>7s} {'×base':>6s} {'peak MB':>8s} "
              f"{'cells':>10s} {'frame MB':>8s} {'errors':>6s}", file=file)
        for r in lean:
            rate = r["n"] / r["total_s"]
            x = rate / base_rate if base_rate else None
            print(f"{r['n']:8d} {r['jobs']:4d} {r['parse_s']:8.1f} {r['total_s']:8.1f} {rate:7.0f} {_fmt(x, '.2f', '×'):>6s} "
                  f"{_fmt(r['peak_mb'], '.0f'):>8s} {r['cells']:10d} {r['frame_mb']:8.1f} {r['errors']:6d}", file=file)
    if results:
        print("\ngovreport.read_reports (cache: a fresh directory; 'cached s' = the same build again, warm cache):", file=file)
        head = (
            f"{'reports':>8s} {'jobs':>4s} {'build s':>8s} {'rep/s':>7s} {'×base':>6s} "
            f"{'peak MB':>8s} {'child MB':>8s} {'store s':>7s} {'MB st':>6s} {'reload s':>8s} {'cached s':>8s} {'errors':>6s}"
        )
        print(head, file=file)
        for r in results:
            rate = r["n"] / r["build_s"]
            x = rate / base_rate if base_rate else None
            print(
                f"{r['n']:8d} {r['jobs']:4d} {r['build_s']:8.1f} {rate:7.0f} "
                f"{_fmt(x, '.2f', '×'):>6s} {_fmt(r['build_peak_mb'], '.0f'):>8s} {r['children_maxrss_mb']:8.0f} "
                f"{r['store_write_s']:7.1f} {r['store_mb']:6.1f} {r['reload_s']:8.2f} {r['cached_build_s']:8.1f} {r['errors']:6d}",
                file=file,
            )
            if r.get("first_errors"):
                print(f"         first errors: {r['first_errors']}", file=file)
            if r.get("frames_mb"):
                print("         frames in memory (MB): " + ", ".join(f"{k} {v:.1f}" for k, v in r["frames_mb"].items() if v >= 0.05),
                      file=file)
        print(file=file)
        ok = lambda c: "MET" if c else "NOT MET"  # noqa: E731
        for r in results:
            scale = 100_000 / r["n"]
            est = r["build_s"] * scale
            note = "" if r["n"] == 100_000 else f" (extrapolated ×{scale:g} from {r['n']:,}: {est:.0f} s)"
            print(
                f"{r['n']:>7,}: build 100k ≤ {TARGET_BUILD_S:.0f} s — {ok(est <= TARGET_BUILD_S)}{note}; "
                f"reload ≤ {TARGET_RELOAD_S:.0f} s — {ok(r['reload_s'] <= TARGET_RELOAD_S)} ({r['reload_s']:.2f} s); "
                f"peak ≤ {TARGET_PEAK_MB:.0f} MB — {ok((r['build_peak_mb'] or 0) <= TARGET_PEAK_MB)} "
                f"({_fmt(r['build_peak_mb'], '.0f')} MB)",
                file=file,
            )


def _run_isolated(mode: str, folder: Path, n: int, root: Path, jobs: int) -> dict:
    """Run one measurement in a fresh interpreter; return its JSON result."""
    import json
    import subprocess

    cmd = [sys.executable, "-m", "bench.bench_corpus", "--child", mode, str(folder), str(n), str(root), str(jobs)]
    cwd = Path(__file__).resolve().parents[1]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} {n:,}: child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child(argv: list[str]) -> int:
    import json

    mode, folder, n, root, jobs = argv
    folder, n, root, jobs = Path(folder), int(n), Path(root), int(jobs)
    if mode == "lean":
        out = {**lean_build(folder, jobs), "jobs": jobs}
    else:
        out = bench_corpus(folder, n, root, jobs=jobs)
    print(json.dumps(out, default=str))
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return _child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes (1000, 10k …)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--mode", choices=("both", "corpus", "lean"), default="both",
                    help="corpus: govreport.read_reports; lean: the parser ceiling (lean_build); both (default)")
    ap.add_argument("--forms", default="text-pipes,html", help="synthetic forms (text-pipes,text-lines,html)")
    ap.add_argument("--templates", default="2021,2019")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline", type=int, default=1000, help="files in the single-process baseline (0: none)")
    ap.add_argument("--tmp", default=None, help="work directory (default: a fresh temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora")
    ap.add_argument("--no-isolate", action="store_true", help="measure in this process, not one fresh process per run")
    ap.add_argument("--max-seconds", type=float, default=1800.0,
                    help="skip a read_reports build that, extrapolated from the previous size, would exceed this")
    args = ap.parse_args(argv)
    sizes = sorted(int(s.strip().lower().replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s.strip())
    forms = tuple(args.forms.split(","))
    templates = tuple(args.templates.split(","))
    if args.mode != "lean":
        _import_api()
    from govreport.parallel import default_jobs

    jobs = args.jobs or default_jobs()
    root = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"work directory: {root}", file=sys.stderr)

    def measure(mode, folder, n):
        if args.no_isolate:
            return {**lean_build(folder, jobs), "jobs": jobs} if mode == "lean" else bench_corpus(folder, n, root, jobs=jobs)
        return _run_isolated(mode, folder, n, root, jobs)

    gen: dict[int, dict] = {}
    results: list[dict] = []
    lean: list[dict] = []
    base = None
    try:
        if args.baseline:
            from govreport.synthetic import make_corpus

            files = make_corpus(root / "baseline", args.baseline, seed=args.seed, forms=forms, templates=templates,
                                manifest=False)
            base = baseline(files)
        for n in sizes:
            print(f"{n:,} reports: generating …", file=sys.stderr, flush=True)
            folder, gen[n] = generate(n, root, forms=forms, templates=templates, seed=args.seed)
            if args.mode in ("both", "lean"):
                print(f"{n:,} reports: lean build …", file=sys.stderr, flush=True)
                lean.append(measure("lean", folder, n))
            if args.mode in ("both", "corpus"):
                if results:
                    prev = results[-1]
                    est = prev["build_s"] * n / prev["n"]
                    if est > args.max_seconds:
                        print(f"{n:,} reports: skipping read_reports: about {est:.0f} s extrapolated from {prev['n']:,} "
                              f"(> --max-seconds {args.max_seconds:.0f})", file=sys.stderr)
                        continue
                print(f"{n:,} reports: read_reports …", file=sys.stderr, flush=True)
                results.append(measure("corpus", folder, n))
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep and not args.tmp:
            shutil.rmtree(root, ignore_errors=True)
    print_results(gen, results, lean, base)
    print(f"this process: peak RSS {_self_maxrss_mb():.0f} MB; {_load()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
