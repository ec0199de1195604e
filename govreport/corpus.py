"""Many reports at once: :func:`read_reports` → :class:`Corpus`.

``read_reports`` takes a folder (walked recursively), a ``.zip`` (members
read in memory, never extracted), one file, or a list of any of those.  Each
input is read by :func:`parse_one` in a worker process
(:mod:`govreport.parallel`), or fetched from the cache of parsed files when
its bytes have been read before (:class:`govreport.store.ResultCache`).
Every input ends up in exactly one place::

    len(corpus.reports) + len(corpus.duplicates) + len(corpus.errors) == number of inputs

* ``reports``: one row per distinct report; the same report found twice (two
  forms, two crawls: same agency, year and table cells, or the same text) is
  kept once, ``sources`` listing every input it was found in;
* ``duplicates``: one row per input dropped as a copy of a kept report;
* ``errors``: one row per input that failed, with the exception class and the
  reason — also when a worker process crashed or ran past the time limit.

Skipped when walking folders and archives (not inputs): hidden files and
directories, ``*.expected.json``, ``MANIFEST.csv``, ``README*``, ``__MACOSX``.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .agencies import AgencyMap, normalize_agency_name
from .inputs import (
    CORE_FRAMES,
    EXTRA_FRAMES,
    InputRef,
    _run_task,
    _Task,
    discover_inputs,
    hash_inputs,
    parse_one,
    stat_key,
)
from .parallel import default_jobs, run_dask, run_inprocess, run_processes
from .readers.sniff import DEFAULT_BUDGET, Budget
from .values import SETTLED as _SURE

__all__ = ["read_reports", "assemble", "Corpus", "FRAMES", "TABLE_FRAMES", "parse_one", "InputRef", "discover_inputs"]

log = logging.getLogger(__name__)

#: Frames of a corpus, in store order.
FRAMES = (
    "reports", "requests", "active", "reviews", "legacy", "figures", "checks", "doubts",
    "errors", "duplicates", "agencies", "warnings",
)  # fmt: skip
#: Frames with one row set per report (keyed by ``report_id``).
TABLE_FRAMES = ("requests", "active", "reviews", "legacy", "figures", "checks", "doubts")
#: Frames partitioned by year in the store.
PARTITIONED = {"reports", *TABLE_FRAMES}

_REPORT_DTYPES = {
    "report_id": "string", "agency_id": "string", "agency": "string", "agency_norm": "string",
    "year": "Int64", "division_code": "string", "province": "string", "city": "string", "county": "string",
    "template": "string", "table3_layout": "string", "form": "string", "encoding": "string",
    "collapsed_crawl": "boolean", "subtotal_column": "boolean", "cells": "Int64", "cells_unsure": "Int64",
    "year_source": "string", "site_code": "string", "division_source": "string", "source": "string",
    "n_sources": "Int64", "content_hash": "string", "size": "Int64",
}  # fmt: skip
_REPORT_FIRST = ["report_id", "agency_id", "agency", "agency_norm", "year", "division_code", "province", "city",
                 "county", "template", "table3_layout", "form", "source", "n_sources", "sources"]  # fmt: skip
_SIMPLE = {
    "errors": {"source": "string", "error": "string", "reason": "string", "content_hash": "string", "size": "Int64"},
    "duplicates": {"source": "string", "report_id": "string", "duplicate_of": "string", "kept_source": "string",
                   "reason": "string", "content_hash": "string"},
    "warnings": {"source": "string", "report_id": "string", "frame": "string", "error": "string", "reason": "string"},
    "agencies": {"agency_id": "string", "variant": "string", "division_code": "string", "rule": "string",
                 "note": "string", "n_reports": "Int64", "first_year": "Int64", "last_year": "Int64"},
}  # fmt: skip


# ---------------------------------------------------------------------------
# the corpus


@dataclass(eq=False)
class Corpus:
    """Many reports as concatenated frames (see :func:`read_reports`).

    Attributes
    ----------
    reports : DataFrame
        One row per distinct report: :meth:`Report.info` fields plus
        ``agency_id``, ``agency_norm``, ``sources``, ``n_sources``, ``content_hash``.
    requests, active, reviews, legacy, figures, checks, doubts : DataFrame
        The per-report frames, concatenated, keyed by ``report_id`` (same
        columns and ordered categoricals as a single :class:`Report`;
        ``legacy`` holds the statistics table of pre-2019 reports).
        ``checks`` also holds the corpus-wide (cross-year) checks, and its
        ``agency_id`` and ``year`` are filled from each row's report.
    errors : DataFrame
        One row per input that failed: ``source, error, reason``.
    duplicates : DataFrame
        One row per input kept only as a source of another report.
    agencies : DataFrame
        Each agency id with the printed names it absorbed (``variant``) and
        why (``rule``: the generic normalisation or a line of the mapping file).
    warnings : DataFrame
        Per-report extras (legacy, figures, checks) that could not be computed.
    meta : dict
        Counts, timings and notes of the build (not compared between builds).

    """

    reports: pd.DataFrame
    requests: pd.DataFrame
    active: pd.DataFrame
    reviews: pd.DataFrame
    legacy: pd.DataFrame
    figures: pd.DataFrame
    checks: pd.DataFrame
    doubts: pd.DataFrame
    errors: pd.DataFrame
    duplicates: pd.DataFrame
    agencies: pd.DataFrame
    warnings: pd.DataFrame
    meta: dict = field(default_factory=dict)

    # -- access ------------------------------------------------------------
    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Every frame by name."""
        return {name: getattr(self, name) for name in FRAMES}

    def frame(self, name: str, *, with_meta: bool = True) -> pd.DataFrame:
        """Return a frame, with ``agency_id``, ``agency`` and ``year`` joined in after ``report_id``.

        Parameters
        ----------
        name : str
            One of :data:`TABLE_FRAMES` (or any frame with ``report_id``).
        with_meta : bool
            Join the report's identity (default True).

        Returns
        -------
        DataFrame

        """
        if name not in FRAMES:
            raise ValueError(f"name={name!r}: expected one of {', '.join(FRAMES)}")
        df = getattr(self, name)
        if not with_meta or "report_id" not in df.columns or name == "reports":
            return df
        meta_cols = [c for c in ("agency_id", "agency", "year") if c not in df.columns]
        right = self.reports[["report_id", *meta_cols]]
        out = df.merge(right, on="report_id", how="left", sort=False)
        pos = list(out.columns).index("report_id") + 1
        cols = [c for c in out.columns if c not in meta_cols]
        return out[cols[:pos] + meta_cols + cols[pos:]]

    def __len__(self) -> int:
        return len(self.reports)

    def summary(self) -> dict:
        """Count inputs, loaded, reports, duplicates, failed and failures by error class."""
        return {
            "inputs": int(self.meta.get("inputs", len(self.reports) + len(self.duplicates) + len(self.errors))),
            "loaded": len(self.reports) + len(self.duplicates),
            "reports": len(self.reports),
            "duplicates": len(self.duplicates),
            "failed": len(self.errors),
            "failed_by_error": {str(k): int(v) for k, v in self.errors["error"].value_counts().sort_index().items()},
        }

    def __repr__(self) -> str:
        s = self.summary()
        years = self.reports["year"].dropna()
        span = f"{int(years.min())}–{int(years.max())}" if len(years) else "no year"
        return (
            f"<Corpus {s['reports']} reports ({span}), {self.reports['agency_id'].nunique()} agencies; "
            f"{s['inputs']} inputs: {s['loaded']} loaded, {s['duplicates']} duplicates, {s['failed']} failed>"
        )

    # -- store -------------------------------------------------------------
    def to_store(self, path: str | Path) -> Path:
        """Write the corpus to a Parquet store, partitioned by year (see :mod:`govreport.store`).

        Parameters
        ----------
        path : str or Path
            The store directory (created; its frames are replaced, its ``cache/`` kept).

        Returns
        -------
        Path

        """
        from .store import write_store

        meta = {k: v for k, v in self.meta.items() if k not in ("store",)}
        meta["summary"] = self.summary()
        return write_store(self.frames, path, partitioned=PARTITIONED, meta=meta)

    @classmethod
    def from_store(cls, path: str | Path) -> Corpus:
        """Read a corpus written by :meth:`to_store`, with the exact dtypes.

        Parameters
        ----------
        path : str or Path
            The store directory.

        Returns
        -------
        Corpus

        """
        from .store import read_store

        frames, manifest = read_store(path)
        missing = [f for f in FRAMES if f not in frames]
        for f in missing:
            frames[f] = pd.DataFrame()
        meta = dict(manifest.get("meta", {}))
        meta["store"] = str(Path(path).resolve())
        return cls(**{f: frames[f] for f in FRAMES}, meta=meta)

    def sql(self, query: str) -> pd.DataFrame:
        """Run SQL (DuckDB) over the frames, one view per frame name.

        A corpus read from a store queries its Parquet files (partitioned
        frames have a ``year`` column); otherwise the frames in memory.

        Parameters
        ----------
        query : str
            DuckDB SQL; frames are tables of their names.

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> corpus.sql("SELECT year, count(*) AS n FROM reports GROUP BY year ORDER BY year")  # doctest: +SKIP

        """
        from .store import connect

        store = self.meta.get("store")
        con = connect(store) if store else connect(None, frames=self.frames)
        try:
            return con.execute(query).df()
        finally:
            con.close()


# ---------------------------------------------------------------------------
# assembly


def _typed(df: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    for col, dt in dtypes.items():
        if col in df.columns:
            df[col] = df[col].astype(dt)
    return df


def _infer(s: pd.Series) -> pd.Series:
    vals = [v for v in s if v is not None and not (isinstance(v, float) and v != v) and v is not pd.NA]
    if not vals:
        return s.astype("string") if len(s) else s
    kinds = {type(v) for v in vals}
    if kinds <= {bool}:
        return s.astype("boolean")
    if kinds <= {int}:
        return s.astype("Int64")
    if kinds <= {int, float}:
        return s.astype("Float64")
    if kinds <= {str}:
        return s.astype("string")
    return s


def _simple(name: str, rows: list[dict]) -> pd.DataFrame:
    cols = _SIMPLE[name]
    df = pd.DataFrame(rows, columns=list(cols)) if rows else pd.DataFrame({c: [] for c in cols})
    return _typed(df, cols)


def _empty_frames() -> dict[str, pd.DataFrame]:
    """Zero-row frames with a Report's columns and dtypes."""
    from .document import Document
    from .extract.tables import Extraction
    from .report import Report

    r = Report(Document("<empty>", "text", None, "", "", []), Extraction(None, None))
    out = {f: getattr(r, f).iloc[0:0] for f in CORE_FRAMES}
    for f in EXTRA_FRAMES:
        try:
            out[f] = getattr(r, f).iloc[0:0]
        except Exception:  # noqa: BLE001 - the module may not be there yet
            out[f] = pd.DataFrame({"report_id": pd.array([], dtype="string")})
        if "report_id" not in out[f].columns:
            out[f].insert(0, "report_id", pd.array([], dtype="string"))
    return out


def _concat(pieces: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate with the categoricals kept (unordered categories: the sorted union)."""
    pieces = [p for p in pieces if p is not None and len(p)]
    if not pieces:
        return empty.reset_index(drop=True)
    targets = {}
    for col in dict.fromkeys(c for p in pieces for c in p.columns):
        dts = [p[col].dtype for p in pieces if col in p.columns]
        cats = [d for d in dts if isinstance(d, pd.CategoricalDtype)]
        if not cats or all(d == cats[0] for d in dts):
            continue
        if all(d.ordered for d in cats):
            union = list(dict.fromkeys(c for d in cats for c in d.categories))
            targets[col] = pd.CategoricalDtype(union, ordered=True)
        else:
            union = sorted({c for d in cats for c in d.categories}, key=str)
            targets[col] = pd.CategoricalDtype(union, ordered=False)
    out = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)
    for col, dt in targets.items():
        out[col] = out[col].astype(object).astype(dt)
    return out


_CELL_FRAMES = (("requests", "row", "column"), ("active", "row", "column"), ("reviews", "proceeding", "outcome"))


def _cells_by_report(frames: dict, ids: set) -> dict[str, dict]:
    out: dict[str, dict] = {rid: {} for rid in ids}
    for name, a, b in _CELL_FRAMES:
        df = frames.get(name)
        if df is None or not len(df):
            continue
        df = df[df["report_id"].isin(ids)]
        for rid, row, col, v, kind, cert, cands in zip(df["report_id"], df[a].astype(str), df[b].astype(str), df["value"],
                                                      df["kind"].astype(str), df["certainty"].astype(str), df["candidates"],
                                                      strict=True):  # fmt: skip
            out[rid][(name, row, col)] = (None if pd.isna(v) else float(v), kind, cert, None if pd.isna(cands) else str(cands))
    return out


def _admits(candidates: str | None, value: float | None) -> bool:
    return candidates is not None and value is not None and f"{value:g}" in [c.strip() for c in candidates.split("|")]


def _compatible_tables(ca: dict, cb: dict, *, min_settled: float = 0.9) -> bool:
    """Two readings of one report: every cell both settle agrees; one form's doubt admits the other's value.

    At least ``min_settled`` of the cells must be settled in both, so two
    mostly-unreadable crawls are never merged on their doubts alone.
    """
    if not ca or ca.keys() != cb.keys():
        return False
    settled = 0
    for key, (va, ka, sa, xa) in ca.items():
        vb, kb, sb, xb = cb[key]
        if sa in _SURE and sb in _SURE:
            if va != vb or ka != kb:
                return False
            settled += 1
        elif sa in _SURE and not _admits(xb, va):
            return False
        elif sb in _SURE and not _admits(xa, vb):
            return False
    return settled >= min_settled * len(ca)


def _merge_compatible(reports: pd.DataFrame, frames: dict) -> tuple[pd.DataFrame, dict, list[dict]]:
    """Fold reports of one agency and year whose tables are compatible readings of one report."""
    known = reports[reports["agency_id"].notna() & reports["year"].notna()]
    groups = [list(ids) for _, ids in known.groupby(["agency_id", "year"], observed=True)["report_id"] if len(ids) > 1]
    if not groups:
        return reports, frames, []
    involved = {rid for ids in groups for rid in ids}
    cells = _cells_by_report(frames, involved)
    row_of = {rid: i for i, rid in zip(reports.index, reports["report_id"], strict=True)}
    unsure = {rid: int(reports.at[row_of[rid], "cells_unsure"] or 0) for rid in involved}
    dropped: dict[str, str] = {}
    for ids in groups:
        ids = sorted(ids, key=lambda r: (unsure[r], str(reports.at[row_of[r], "source"])))
        for i, keep in enumerate(ids):
            if keep in dropped:
                continue
            for other in ids[i + 1 :]:
                if other not in dropped and _compatible_tables(cells[keep], cells[other]):
                    dropped[other] = keep
    if not dropped:
        return reports, frames, []
    reports = reports.copy()
    dup_rows = []
    for other, keep in dropped.items():
        ki, oi = row_of[keep], row_of[other]
        reports.at[ki, "sources"] = [*reports.at[ki, "sources"], *reports.at[oi, "sources"]]
        reports.at[ki, "n_sources"] = len(reports.at[ki, "sources"])
        for src in reports.at[oi, "sources"]:
            dup_rows.append({
                "source": src, "report_id": other, "duplicate_of": keep, "kept_source": reports.at[ki, "source"],
                "reason": "same agency and year; tables agree wherever both forms settle a cell",
                "content_hash": reports.at[oi, "content_hash"] if src == reports.at[oi, "source"] else None,
            })  # fmt: skip
    reports = reports[~reports["report_id"].isin(dropped)].reset_index(drop=True)
    frames = {name: (df[~df["report_id"].isin(dropped)].reset_index(drop=True) if len(df) and "report_id" in df.columns else df)
              for name, df in frames.items()}  # fmt: skip
    return reports, frames, dup_rows


class _UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _resolve(amap: AgencyMap, agency, division) -> str | None:
    if agency is None or (isinstance(agency, float) and agency != agency) or not str(agency).strip():
        return None
    try:
        return amap.resolve(str(agency), division)
    except ValueError:
        return amap.resolve(str(agency), None)


def _year_key(year) -> tuple:
    return (1, 0) if year is None or pd.isna(year) else (0, int(year))


def _corpus_checks(corpus: Corpus, notes: list[str]) -> pd.DataFrame | None:
    try:
        from .checks import run_corpus_checks
    except ImportError as exc:
        notes.append(f"corpus checks unavailable: {exc}")
        return None
    try:
        params = list(inspect.signature(run_corpus_checks).parameters.values())
        named = [p.name for p in params if p.name in FRAMES]
        if named and params[0].name in FRAMES:
            return run_corpus_checks(**{p: getattr(corpus, p) for p in named})
        return run_corpus_checks(corpus)
    except Exception as exc:  # noqa: BLE001 - a failing check must not lose the corpus
        notes.append(f"corpus checks failed: {type(exc).__name__}: {exc}")
        log.info("run_corpus_checks failed: %s", exc, exc_info=True)
        return None


class _Collector:
    """Results as they arrive: the light part kept, frames concatenated in batches.

    A small DataFrame costs several times its data in memory; holding one
    per report per frame would multiply the memory a corpus needs.  Rows
    carry the index of their result (``_src``) until the kept reports are known.
    """

    def __init__(self, batch: int = 256):
        self.records: list[dict] = []
        self._batch = batch
        self._pending: dict[str, list] = {f: [] for f in TABLE_FRAMES}
        self._chunks: dict[str, list] = {f: [] for f in TABLE_FRAMES}
        self._n = 0

    def add(self, result: dict) -> None:
        index = len(self.records)
        self.records.append({k: v for k, v in result.items() if k != "frames"})
        for name, df in (result.get("frames") or {}).items():
            if name in self._pending and df is not None and len(df):
                self._pending[name].append((index, df))
        self._n += 1
        if self._n >= self._batch:
            self._compact()

    def _compact(self) -> None:
        for name, items in self._pending.items():
            if items:
                chunk = _concat([df for _, df in items], pd.DataFrame())
                chunk["_src"] = np.repeat([i for i, _ in items], [len(df) for _, df in items])
                self._chunks[name].append(chunk)
                items.clear()
        self._n = 0

    def frames(self, kept: list[int], empty: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Each frame: the rows of the kept results, in the order of ``kept``."""
        self._compact()
        rank = np.full(len(self.records) + 1, -1, dtype=np.int64)
        rank[kept] = np.arange(len(kept))
        out = {}
        for name, chunks in self._chunks.items():
            big = _concat(chunks, pd.DataFrame())
            chunks.clear()
            if not len(big):
                out[name] = empty[name].reset_index(drop=True)
                continue
            r = rank[big["_src"].to_numpy()]
            keep = np.flatnonzero(r >= 0)
            order = keep[np.argsort(r[keep], kind="stable")]
            df = big.drop(columns="_src").take(order).reset_index(drop=True)
            del big
            for col in df.columns:  # unordered categories: those observed, sorted
                dt = df[col].dtype
                if isinstance(dt, pd.CategoricalDtype) and not dt.ordered:
                    cats = sorted(df[col].dropna().unique().tolist(), key=str)
                    if list(dt.categories) != cats:
                        df[col] = df[col].cat.set_categories(cats)
            out[name] = df
        return out


def assemble(results: list[dict], *, agency_map: AgencyMap | None = None, meta: dict | None = None) -> Corpus:
    """Build a :class:`Corpus` from per-input results (one per input, in any order).

    Parameters
    ----------
    results : list of dict
        :func:`parse_one` results and failure records.
    agency_map : AgencyMap, optional
        Default: the shipped mapping file.
    meta : dict, optional
        Facts of the build, kept in :attr:`Corpus.meta`.

    Returns
    -------
    Corpus

    """
    collector = _Collector()
    for r in results:
        collector.add(r)
    return _assemble(collector, agency_map=agency_map, meta=meta)


def _assemble(collector: _Collector, *, agency_map: AgencyMap | None = None, meta: dict | None = None) -> Corpus:
    amap = agency_map if agency_map is not None else AgencyMap.load()
    meta = dict(meta or {})
    notes: list[str] = list(meta.pop("notes", []))
    results = collector.records
    by_source = sorted(range(len(results)), key=lambda i: results[i]["source"])
    ok_index = [i for i in by_source if results[i].get("ok")]
    ok = [results[i] for i in ok_index]
    failed = [results[i] for i in by_source if not results[i].get("ok")]

    # identity
    infos = []
    for r in ok:
        info = dict(r["info"])
        info["content_hash"] = r.get("content_hash")
        info["size"] = r.get("size")
        agency = info.get("agency")
        info["agency_norm"] = normalize_agency_name(agency) if agency else None
        info["agency_id"] = _resolve(amap, agency, info.get("division_code"))
        infos.append(info)

    # duplicates: the same text, or the same agency, year and tables
    uf = _UnionFind(len(ok))
    first: dict = {}
    for i, (r, info) in enumerate(zip(ok, infos, strict=True)):
        keys = [("text", info["report_id"])]
        if info["agency_id"] and info.get("year") is not None and r.get("tables_digest"):
            keys.append(("tables", info["agency_id"], info["year"], r["tables_digest"]))
        for k in keys:
            if k in first:
                uf.union(first[k], i)
            else:
                first[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(ok)):
        groups.setdefault(uf.find(i), []).append(i)
    kept: list[int] = []
    dup_rows = []
    for members in groups.values():
        best = min(members, key=lambda i: (infos[i].get("cells_unsure") or 0, ok[i]["source"]))
        kept.append(best)
        others = sorted((i for i in members if i != best), key=lambda i: ok[i]["source"])
        infos[best]["sources"] = [ok[best]["source"], *(ok[i]["source"] for i in others)]
        infos[best]["n_sources"] = 1 + len(others)
        for i in others:
            same_text = infos[i]["report_id"] == infos[best]["report_id"]
            dup_rows.append({
                "source": ok[i]["source"], "report_id": infos[i]["report_id"], "duplicate_of": infos[best]["report_id"],
                "kept_source": ok[best]["source"], "reason": "same text" if same_text else "same agency, year and tables",
                "content_hash": ok[i].get("content_hash"),
            })  # fmt: skip
    kept.sort(key=lambda i: (*_year_key(infos[i].get("year")), infos[i]["agency_id"] or "", infos[i]["report_id"]))

    # reports
    rows = [infos[i] for i in kept]
    reports = pd.DataFrame(rows) if rows else pd.DataFrame({c: [] for c in [*_REPORT_FIRST, "content_hash"]})
    for col in _REPORT_FIRST:
        if col not in reports.columns:
            reports[col] = None
    reports = reports[_REPORT_FIRST + [c for c in reports.columns if c not in _REPORT_FIRST]]
    reports = _typed(reports, _REPORT_DTYPES)
    for col in reports.columns:
        if col not in _REPORT_DTYPES and col != "sources" and reports[col].dtype == object:
            reports[col] = _infer(reports[col])
    reports["sources"] = reports["sources"].astype(object)

    # per-report frames
    frames = collector.frames([ok_index[i] for i in kept], _empty_frames())
    # the same report in two forms where one form left some cells unsettled
    # (a crawl's ambiguous cell beside the HTML's printed one): compatible tables
    reports, frames, merged = _merge_compatible(reports, frames)
    dup_rows.extend(merged)

    warn_rows = [
        {"source": ok[i]["source"], "report_id": infos[i]["report_id"], **w} for i in kept for w in ok[i].get("warnings", [])
    ]
    for frame_name in sorted({w["frame"] for w in warn_rows}):
        ws = [w for w in warn_rows if w["frame"] == frame_name]
        notes.append(f"{frame_name}: not computed for {len(ws)} report(s): {ws[0]['error']}: {ws[0]['reason']}")

    # agencies
    named = reports[reports["agency"].notna()]
    variants = amap.variants(named[["agency", "division_code"]].astype(object)) if len(named) else pd.DataFrame()
    if len(variants):
        stats = named.groupby(["agency", "division_code"], dropna=False, observed=True)["year"].agg(["size", "min", "max"])
        stats = {(a, None if pd.isna(d) else str(d)): v for (a, d), v in stats.iterrows()}
        arows = []
        for v in variants.to_dict("records"):
            code = v["division_code"]
            st = stats.get((v["variant"], None if code is None or pd.isna(code) else str(code)))
            arows.append({**v, "n_reports": None if st is None else int(st["size"]),
                          "first_year": None if st is None or pd.isna(st["min"]) else int(st["min"]),
                          "last_year": None if st is None or pd.isna(st["max"]) else int(st["max"])})  # fmt: skip
        agencies = _simple("agencies", arows)
    else:
        agencies = _simple("agencies", [])

    errors = _simple("errors", [{k: r.get(k) for k in _SIMPLE["errors"]} for r in failed])
    corpus = Corpus(
        reports=reports,
        **{f: frames[f] for f in TABLE_FRAMES},
        errors=errors,
        duplicates=_simple("duplicates", dup_rows),
        agencies=agencies,
        warnings=_simple("warnings", warn_rows),
        meta=meta,
    )
    extra = _corpus_checks(corpus, notes)
    if extra is not None and len(extra):
        corpus.checks = _concat([corpus.checks, extra], corpus.checks)
    corpus.checks = _order_by_year(_fill_identity(corpus.checks, corpus.reports), corpus.reports)
    meta["notes"] = notes
    n_inputs = meta.get("inputs", len(results))
    accounted = len(corpus.reports["sources"].explode()) if len(corpus.reports) else 0
    if accounted + len(corpus.errors) != n_inputs:  # pragma: no cover - a bug, never a bad input
        raise RuntimeError(f"lost inputs: {n_inputs} in, {accounted} loaded + {len(corpus.errors)} failed out")
    return corpus


def _fill_identity(df: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ``agency_id``/``year`` of rows with a ``report_id`` from their report."""
    if "report_id" not in df.columns or not len(df):
        return df
    ids = reports.set_index("report_id")
    for col in ("agency_id", "year"):
        if col in df.columns and df[col].isna().any():
            df[col] = df[col].fillna(df["report_id"].map(ids[col]).astype(df[col].dtype))
    return df


def _order_by_year(df: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Stable-sort rows by their partition year (nulls last), as the store reads them back."""
    if "year" in df.columns:
        years = df["year"]
    elif "report_id" in df.columns:
        years = df["report_id"].map(reports.set_index("report_id")["year"])
    else:
        return df
    years = pd.array(years, dtype="Int64")
    order = np.lexsort((np.asarray(years.fillna(0), dtype="int64"), np.asarray(years.isna())))  # stable: year, nulls last
    return df.iloc[order].reset_index(drop=True)


# ---------------------------------------------------------------------------
# read_reports


def _progress_enabled(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    env = os.environ.get("GOVREPORT_PROGRESS")
    if env is not None:
        return env.strip().lower() not in ("0", "false", "no", "off", "")
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            return False
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def _bar(total: int, enabled: bool, desc: str):
    if not enabled:
        from tqdm import tqdm

        return tqdm(total=total, disable=True)
    if _in_notebook():
        from tqdm.notebook import tqdm
    else:
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="file", dynamic_ncols=True)


def _cache_for(cache, budget: Budget):
    from .store import ResultCache, default_cache_dir

    if cache is False or cache is None:
        return None
    root = default_cache_dir() if cache is True else Path(cache)
    options = f"bytes={budget.max_bytes},cells={budget.max_cells},depth={budget.max_depth},pages={budget.max_pages}"
    return ResultCache(root, options)


def _corpus_key(refs: list[InputRef], hashes: list, failed: list[dict], amap: AgencyMap, budget: Budget) -> str | None:
    """Key of a whole corpus: its inputs' names and bytes, the code, the agency map, the budget."""
    from .store import code_fingerprint

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{code_fingerprint(assembly=True)}|{budget!r}|{amap.entries!r}\n".encode())
    # an input that cannot be hashed (over the budget) is known by its stat
    digests = [d if d is not None else f"stat:{stat_key(r)}" for r, d in zip(refs, hashes, strict=True)]
    for source, digest in sorted(zip((r.source for r in refs), digests, strict=True)):
        h.update(f"{source}\t{digest}\n".encode())
    for rec in sorted(failed, key=lambda r: r["source"]):
        h.update(f"{rec['source']}\t{rec['error']}\t{rec['reason']}\n".encode())
    return h.hexdigest()


def _load_memo(store, key: str | None) -> Corpus | None:
    if store is None or key is None:
        return None
    path = store.corpus_path(key)
    if not (path / "manifest.json").is_file():
        return None
    try:
        corpus = Corpus.from_store(path)
        os.utime(path)
    except Exception as exc:  # noqa: BLE001 - a broken memo is a miss
        log.info("ignoring cached corpus %s: %s", path, exc)
        return None
    corpus.meta.pop("store", None)  # it stands for a fresh build: SQL runs on the frames in memory
    corpus.meta.pop("summary", None)
    return corpus


def _save_memo(store, key: str | None, corpus: Corpus, results: list[dict]) -> None:
    # only a corpus every input of which would read the same again (no time-outs, crashes, bugs)
    if store is None or key is None or any(not (r.get("ok") or r.get("cache") or r.get("discovery")) for r in results):
        return
    try:
        corpus.to_store(store.corpus_path(key))
        store.prune_corpora()
    except Exception as exc:  # noqa: BLE001 - the cache must never fail the load
        log.info("could not cache the corpus: %s", exc)


def read_reports(
    source,
    *,
    jobs: int | None = None,
    cache: bool | str | os.PathLike = True,
    timeout: float | None = None,
    budget: Budget = DEFAULT_BUDGET,
    progress: bool | None = None,
    scheduler: str = "processes",
    client=None,
    agency_map: AgencyMap | str | os.PathLike | None = None,
    memo: bool = True,
    _parse: Callable | None = None,
) -> Corpus:
    """Read many reports in parallel into one :class:`Corpus`.

    Parameters
    ----------
    source : str, path-like, or iterable of them
        A folder (recursive), a ``.zip`` archive (read in memory), a file,
        or a list of these.
    jobs : int, optional
        Worker processes (default: the cores available).  ``jobs=1`` reads
        in this process, for debugging: then only ``read_report``'s own time
        budget (``budget.max_seconds``, main thread only) is kept, not
        ``timeout``, and a crash of the interpreter ends the run.
    cache : bool or path, default True
        Reuse parsed files by content hash: True for the user cache
        directory (:func:`govreport.store.default_cache_dir`), a path for
        that directory, False to read everything afresh.
    timeout : float, optional
        Seconds one input may take before its worker is killed and the input
        recorded as failed (default ``budget.max_seconds``, 60 s).
    budget : Budget, optional
        Limits of every read (see :class:`govreport.Budget`).
    progress : bool, optional
        Show a progress bar; default: in a terminal, or in a notebook with
        ipywidgets installed (``GOVREPORT_PROGRESS=0`` turns it off).
    scheduler : {"processes", "dask"}
        ``dask``: run on a ``dask.distributed`` cluster (same frames as local).
    client : distributed.Client, optional
        The cluster to use with ``scheduler="dask"`` (default: the current
        client, else a temporary ``LocalCluster``).
    agency_map : AgencyMap or path, optional
        Hand-made joins and splits of agency names (default: the shipped
        ``govreport/data/agency_map.csv``).
    memo : bool, default True
        With a cache, also keep the assembled corpus there (as a store), so
        that an unchanged folder loads at once the next time.
    _parse : callable, optional
        For tests only (see :func:`govreport.inputs.parse_one`).

    Returns
    -------
    Corpus
        Every input accounted for: ``len(reports) + len(duplicates) + len(errors)`` inputs.

    Raises
    ------
    FileNotFoundError
        If ``source`` is a single path that does not exist.
    ValueError
        For a bad ``scheduler`` or ``jobs``.

    Examples
    --------
    >>> corpus = govreport.read_reports("reports/")                 # doctest: +SKIP
    >>> corpus.frame("requests").query("row == 'new_requests'")     # doctest: +SKIP

    """
    from . import __version__

    if scheduler not in ("processes", "dask"):
        raise ValueError(f"scheduler={scheduler!r}: expected 'processes' or 'dask'")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs={jobs!r}: expected a positive integer or None")
    if not isinstance(agency_map, AgencyMap):
        agency_map = AgencyMap.load(agency_map)
    t0 = time.perf_counter()
    jobs = jobs or default_jobs()
    timeout = budget.max_seconds if timeout is None else timeout
    refs, failed = discover_inputs(source)
    store = _cache_for(cache, budget)
    results = _Collector()
    for rec in failed:
        results.add(rec)
    n_inputs = len(refs) + len(failed)
    meta = {
        "library_version": __version__, "inputs": n_inputs, "cached": 0, "parsed": 0, "jobs": jobs,
        "scheduler": scheduler, "timeout": timeout,
    }  # fmt: skip
    key = None
    with _bar(n_inputs, _progress_enabled(progress), "reading reports") as bar:
        todo: list[InputRef] = refs
        if store is not None:
            index = store.load_index()
            hashes = hash_inputs(refs, budget, index)
            store.save_index(index)
            key = _corpus_key(refs, hashes, failed, agency_map, budget) if memo and _parse is None else None
            corpus = _load_memo(store, key)
            if corpus is not None:
                bar.update(n_inputs)
                corpus.meta.update(meta, cached=n_inputs, memo=True, seconds=round(time.perf_counter() - t0, 3))
                return corpus
            todo = []
            for ref, h in zip(refs, hashes, strict=True):
                hit = store.get(h) if h is not None else None
                if hit is not None:
                    results.add(_relabel(hit, ref.source))
                    meta["cached"] += 1
                else:
                    todo.append(ref)
        bar.update(n_inputs - len(todo))
        tasks = [_Task(ref, budget, _parse) for ref in todo]
        meta["parsed"] = len(tasks)
        if scheduler == "dask":
            runner, close = _dask_runner(tasks, client, jobs, timeout)
        elif jobs == 1:
            runner, close = run_inprocess(tasks, _run_task), None
        else:
            runner, close = run_processes(tasks, _run_task, jobs=jobs, timeout=timeout), None
        try:
            for _, result in runner:
                results.add(result)
                if store is not None and result.get("cache") and result.get("content_hash"):
                    store.put(result["content_hash"], result)
                bar.update(1)
        finally:
            if close is not None:
                close()
    meta["read_seconds"] = round(time.perf_counter() - t0, 3)
    corpus = _assemble(results, agency_map=agency_map, meta=meta)
    if memo:
        _save_memo(store, key, corpus, results.records)
    corpus.meta["seconds"] = round(time.perf_counter() - t0, 3)
    return corpus


def _relabel(result: dict, source: str) -> dict:
    """Return a cached result under the name of the input it now stands for."""
    out = dict(result)
    out["source"] = source
    if "info" in out:
        out["info"] = {**out["info"], "source": source}
    return out


def _dask_runner(tasks, client, jobs, timeout):
    from .readers import import_optional

    distributed = import_optional("distributed")
    close = None
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError:
            cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            client = distributed.Client(cluster)

            def close():
                client.close()
                cluster.close()

    return run_dask(tasks, _run_task, client=client, timeout=timeout), close
