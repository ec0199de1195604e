"""The ``govreport`` command: build a store, check reports, export, inspect.

::

    govreport build  SOURCE... --store STORE [--jobs N] [--timeout S] [--dask ADDRESS]
    govreport check  PATH... [--fail-on error|warning|info|never]
    govreport export STORE --to csv|parquet|xlsx OUT [--frames NAME,...] [--with-meta]
    govreport info   STORE [--errors]
    govreport sql    STORE QUERY

Exit codes: 0 success; 1 nothing loaded (``build``), a failed check
(``check``) or an unreadable store (``export``, ``info``, ``sql``); 2 a usage
error (bad option, missing source).  ``build`` exits 0 when some inputs
failed and others loaded: the failures are listed in its summary and kept
in the store's ``errors`` frame.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

__all__ = ["main", "build_parser"]

_EXAMPLES = {
    "build": "example:\n  govreport build reports/ more.zip --store corpus.store --jobs 8 --timeout 120",
    "check": "example:\n  govreport check reports/ --fail-on warning",
    "export": "examples:\n  govreport export corpus.store --to csv out/\n"
    "  govreport export corpus.store --to xlsx corpus.xlsx --frames reports,requests --with-meta",
    "info": "example:\n  govreport info corpus.store --errors",
    "sql": "example:\n  govreport sql corpus.store \"SELECT year, count(*) FROM reports GROUP BY year\"",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Wrap the description, keep the epilog's examples as written."""

    def _fill_text(self, text, width, indent):
        if text.startswith("example"):
            return super()._fill_text(text, width, indent)
        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``govreport`` command (one subparser per command)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告) "
        "into a Parquet store, check them, export them.",
        epilog="Run `govreport COMMAND --help` for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    fmt = _Formatter

    p = sub.add_parser(
        "build", help="read a folder, zip or files of reports into a store", formatter_class=fmt,
        description="Read every report in SOURCE (folders are walked recursively; .zip archives are read in "
        "memory) in parallel and write the corpus to STORE as Parquet, partitioned by year.  Parsed files are "
        "cached by content hash in STORE/cache, so rebuilding an unchanged folder is fast.  Prints a summary: "
        "inputs, loaded, duplicates, failures by reason.  Exits 0 if any report loaded, 1 if none did.",
        epilog=_EXAMPLES["build"],
    )  # fmt: skip
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="folder, .zip archive or report file")
    p.add_argument("--store", required=True, help="store directory to write (frames in it are replaced)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores; 1: in this process)")
    p.add_argument("--timeout", type=float, default=None, help="seconds one file may take before it is recorded as failed (default 60)")
    cache = p.add_mutually_exclusive_group()
    cache.add_argument("--cache", default=None, help="cache directory (default: STORE/cache)")
    cache.add_argument("--no-cache", action="store_true", help="parse every file afresh")
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run on dask.distributed: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster")  # fmt: skip
    p.add_argument("--agency-map", default=None, help="CSV joining/splitting agency names (default: the shipped map)")
    prog = p.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None, help="show a progress bar")
    prog.add_argument("--no-progress", dest="progress", action="store_false", help="hide the progress bar")
    p.add_argument("--show-failures", type=int, default=20, metavar="N", help="list at most N failed files (default 20)")
    p.set_defaults(func=_build)

    p = sub.add_parser(
        "check", help="run the checks catalogue on reports and print every failed check", formatter_class=fmt,
        description="Read each report in PATH (files or folders) and print every failed check, one per line "
        "(file, check id, subject, lhs, rhs, delta, severity, message).  Exits 1 if a check at or above "
        "--fail-on failed, 2 if a file could not be read, else 0.",
        epilog=_EXAMPLES["check"],
    )  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="report file or folder")
    p.add_argument("--fail-on", default="error", choices=["error", "warning", "info", "never"],
                   help="lowest severity whose failure sets exit code 1 (default: error)")  # fmt: skip
    p.add_argument("--no-corpus", action="store_true", help="skip the checks across reports (years, levels)")
    p.set_defaults(func=_check)

    p = sub.add_parser(
        "export", help="write a store's frames as CSV, Parquet or an Excel workbook", formatter_class=fmt,
        description="Export the frames of STORE.  csv and parquet: OUT is a directory, one file per frame "
        "(CSV in UTF-8 with a BOM, so Excel shows Chinese text).  xlsx: OUT is a workbook, one sheet per frame "
        "(at most 1,048,575 rows a sheet; decimal amounts become floats; formulas are never written: text that "
        "starts with '=' stays text).  Lists (a report's sources) are joined with '; '.",
        epilog=_EXAMPLES["export"],
    )  # fmt: skip
    p.add_argument("store", metavar="STORE", help="store directory (written by govreport build)")
    p.add_argument("--to", required=True, choices=["csv", "parquet", "xlsx"], help="output format")
    p.add_argument("out", metavar="OUT", help="output directory (csv, parquet) or .xlsx file")
    p.add_argument("--frames", default=None, help="comma-separated frames (default: every non-empty frame)")
    p.add_argument("--with-meta", action="store_true", help="add agency_id, agency and year to frames keyed by report_id")
    p.set_defaults(func=_export)

    p = sub.add_parser(
        "info", help="show what is in a store", formatter_class=fmt,
        description="Print a store's counts: inputs, loaded, duplicates, failures by reason; reports per year, "
        "template and form; rows per frame.",
        epilog=_EXAMPLES["info"],
    )  # fmt: skip
    p.add_argument("store", metavar="STORE", help="store directory (written by govreport build)")
    p.add_argument("--errors", action="store_true", help="also list every input that failed, with the reason")
    p.set_defaults(func=_info)

    p = sub.add_parser(
        "sql", help="query a store with SQL (DuckDB)", formatter_class=fmt,
        description="Run QUERY with DuckDB over the store: every frame is a view of its name (reports, requests, "
        "active, reviews, figures, checks, doubts, errors, duplicates, agencies, warnings); frames partitioned "
        "by year have a year column.  Needs duckdb (pip install 'govreport[sql]').",
        epilog=_EXAMPLES["sql"],
    )  # fmt: skip
    p.add_argument("store", metavar="STORE", help="store directory (written by govreport build)")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.set_defaults(func=_sql)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``govreport`` command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `govreport info … | head`
        return 0


# ---------------------------------------------------------------------------


def _err(msg: str) -> None:
    print(f"govreport: {msg}", file=sys.stderr)


def _size(path: Path) -> str:
    n = sum(f.stat().st_size for f in path.rglob("*.parquet") if f.is_file() and "cache" not in f.relative_to(path).parts)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def _summary_lines(s: dict, errors=None, show: int = 0) -> list[str]:
    lines = [
        f"inputs      {s['inputs']}",
        f"loaded      {s['loaded']}  ({s['reports']} reports, {s['duplicates']} duplicate input(s) kept as sources)",
        f"failed      {s['failed']}",
    ]
    for error, n in sorted(s.get("failed_by_error", {}).items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {n:>6}  {error}")
    if errors is not None and len(errors) and show:
        lines.append("failed files:")
        for rec in errors.head(show).itertuples(index=False):
            lines.append(f"  {rec.source}\t{rec.error}: {rec.reason}")
        if len(errors) > show:
            lines.append(f"  … {len(errors) - show} more (govreport info STORE --errors)")
    return lines


def _build(args) -> int:
    from .corpus import read_reports
    from .errors import MissingDependencyError

    missing = [s for s in args.sources if not os.path.exists(s)]
    if missing:
        _err(f"no such file or folder: {', '.join(missing)}")
        return 2
    if args.jobs is not None and args.jobs < 1:
        _err(f"--jobs {args.jobs}: expected a positive number")
        return 2
    store = Path(args.store)
    cache = False if args.no_cache else (args.cache or store / "cache")
    client, cleanup = None, None
    kwargs = {}
    if args.timeout is not None:
        kwargs["timeout"] = args.timeout
    try:
        if args.dask:
            client, cleanup = _dask_client(args.dask, args.jobs)
        corpus = read_reports(
            args.sources if len(args.sources) > 1 else args.sources[0],
            jobs=args.jobs, cache=cache, progress=args.progress, agency_map=args.agency_map,
            memo=False,  # the store it writes is the whole corpus: no second copy in the cache
            scheduler="dask" if client is not None else "processes", client=client, **kwargs,
        )  # fmt: skip
    except (MissingDependencyError, ValueError, OSError) as exc:
        _err(str(exc))
        return 2
    finally:
        if cleanup is not None:
            cleanup()
    corpus.to_store(store)
    s = corpus.summary()
    for line in _summary_lines(s, corpus.errors, args.show_failures):
        print(line)
    print(f"cached      {corpus.meta.get('cached', 0)} of {s['inputs']} inputs read from the cache")
    print(f"store       {store}  ({_size(store)})")
    print(f"seconds     {corpus.meta.get('seconds', 0):.1f}")
    for note in corpus.meta.get("notes", []):
        print(f"note: {note}")
    return 0 if s["loaded"] else 1


def _dask_client(address: str, jobs: int | None):
    from .readers import import_optional

    distributed = import_optional("distributed")
    if address == "local":
        cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = distributed.Client(cluster)

        def cleanup():
            client.close()
            cluster.close()

        return client, cleanup
    client = distributed.Client(address)
    return client, client.close


def _check(args) -> int:
    try:
        from .checks import main_check
    except ImportError as exc:
        _err(f"checks are not available in this installation: {exc}")
        return 2
    kwargs = {"fail_on": args.fail_on}
    if args.no_corpus:
        kwargs["corpus"] = False
    return int(main_check(args.paths, **kwargs))


def _load(store: str, frames: list[str] | None = None):
    from .store import read_store

    return read_store(store, frames)


def _frames_arg(value: str | None, available: list[str]) -> list[str] | None:
    if value is None:
        return None
    names = [f.strip() for f in value.split(",") if f.strip()]
    bad = [n for n in names if n not in available]
    if bad:
        raise ValueError(f"--frames: unknown frame(s) {', '.join(bad)}; the store has {', '.join(available)}")
    return names


def _export(args) -> int:
    from .corpus import Corpus
    from .store import read_manifest

    try:
        manifest = read_manifest(args.store)
        names = _frames_arg(args.frames, list(manifest["frames"]))
        corpus = Corpus.from_store(args.store)
    except (FileNotFoundError, ValueError) as exc:
        _err(str(exc))
        return 1
    if names is None:
        names = [n for n in manifest["frames"] if len(getattr(corpus, n, ())) or n == "reports"]
    frames = {n: corpus.frame(n, with_meta=args.with_meta) for n in names}
    out = Path(args.out)
    try:
        if args.to == "xlsx":
            _to_excel(frames, out)
            written = [out]
        else:
            out.mkdir(parents=True, exist_ok=True)
            written = []
            for name, df in frames.items():
                if args.to == "csv":
                    path = out / f"{name}.csv"
                    _flat(df).to_csv(path, index=False, encoding="utf-8-sig")
                else:
                    path = out / f"{name}.parquet"
                    df.to_parquet(path, index=False)
                written.append(path)
    except (OSError, ValueError) as exc:
        _err(str(exc))
        return 1
    for name, path in zip(frames, written if args.to != "xlsx" else [out] * len(frames), strict=True):
        print(f"{name:<11} {len(frames[name]):>9} rows  {path}")
    return 0


def _flat(df):
    """Join lists with '; ' (CSV and Excel have no list type)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def _to_excel(frames: dict, out: Path) -> None:
    import pandas as pd

    from .readers import import_optional

    import_optional("openpyxl")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    limit = 1_048_575
    big = [f"{n} ({len(df):,} rows)" for n, df in frames.items() if len(df) > limit]
    if big:
        raise ValueError(f"too many rows for an Excel sheet: {', '.join(big)}; export --to csv or parquet, or pick --frames")
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, df in frames.items():
            df = _flat(df)
            for col in df.columns:
                dt = df[col].dtype
                if isinstance(dt, pd.ArrowDtype) and "decimal" in str(dt):
                    df[col] = df[col].astype("Float64")
                elif pd.api.types.is_object_dtype(dt) or pd.api.types.is_string_dtype(dt) or isinstance(dt, pd.CategoricalDtype):
                    df[col] = df[col].map(
                        lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v
                    ).astype(object)
            df.to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text from a report is never a formula
                        cell.data_type = "s"


def _info(args) -> int:
    import pandas as pd

    try:
        frames, manifest = _load(args.store, ["reports", "errors"])
    except FileNotFoundError as exc:
        _err(str(exc))
        return 1
    reports, errors = frames.get("reports", pd.DataFrame()), frames.get("errors", pd.DataFrame())
    meta = manifest.get("meta", {})
    s = meta.get("summary") or {}
    print(f"store       {args.store}  ({_size(Path(args.store))})")
    print(f"library     govreport {meta.get('library_version', '?')}")
    if s:
        for line in _summary_lines(s):
            print(line)
    if len(reports):
        print(f"agencies    {reports['agency_id'].nunique()}")
        for col in ("year", "template", "form"):
            counts = reports[col].astype(object).where(reports[col].notna(), "—").value_counts(sort=False)
            counts = counts.sort_index(key=lambda idx: idx.map(str))
            print(f"by {col}:")
            for k, n in counts.items():
                print(f"  {str(k):<12} {n:>7}")
    print("frames:")
    for name, entry in manifest["frames"].items():
        print(f"  {name:<11} {entry['rows']:>9} rows{'  (by year)' if entry['partitioned'] else ''}")
    for note in meta.get("notes", []):
        print(f"note: {note}")
    if args.errors and len(errors):
        print("failed files:")
        for rec in errors.itertuples(index=False):
            print(f"  {rec.source}\t{rec.error}: {rec.reason}")
    return 0


def _sql(args) -> int:
    from .errors import MissingDependencyError
    from .store import connect

    try:
        con = connect(args.store)
    except (FileNotFoundError, MissingDependencyError) as exc:
        _err(str(exc))
        return 1
    try:
        df = con.execute(args.query).df()
    except Exception as exc:  # noqa: BLE001 - a bad query is the user's, report it
        _err(f"query failed: {exc}")
        return 1
    finally:
        con.close()
    if args.csv:
        df.to_csv(sys.stdout, index=False)
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", 200, "display.max_columns", 50, "display.width", 200):
            print(df.to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
