"""The Parquet store of a corpus, and the cache of parsed files.

Store layout (one directory)::

    <store>/manifest.json                         what is in the store, every frame's dtypes
    <store>/<frame>/year=2023/part-0.parquet      reports, requests, active, reviews, figures,
    <store>/<frame>/year=__HIVE_DEFAULT_PARTITION__/part-0.parquet    checks, doubts: by report year
    <store>/<frame>/part-0.parquet                errors, duplicates, agencies, warnings
    <store>/cache/                                parsed files, by content hash (``govreport build``)

Partitions follow the Hive convention, so DuckDB, Spark or
``pyarrow.dataset`` read the store as it is (``year`` becomes a column; a
report with no year sits in the ``__HIVE_DEFAULT_PARTITION__`` directory,
read as NULL).  Frames keyed by ``report_id`` are partitioned by their
report's year.  :func:`read_store` restores every column's pandas dtype from
the manifest, ordered categoricals with all their categories included.

The cache keeps one pickle per parsed input under a key made of the input's
content hash, the library version, :data:`PARSER_VERSION` and a fingerprint
of the parser's source files, so changing the parser invalidates it.  Only
your own cache directory should be used: pickles are code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "PARSER_VERSION",
    "STORE_FORMAT",
    "NULL_PARTITION",
    "ResultCache",
    "default_cache_dir",
    "code_fingerprint",
    "write_store",
    "read_store",
    "read_manifest",
    "connect",
]

log = logging.getLogger(__name__)

#: Bump to invalidate every cached parse (the code fingerprint does it too).
PARSER_VERSION = "1"
#: Version of the store layout written in ``manifest.json``.
STORE_FORMAT = 1
#: Hive's name for a missing partition value.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_MANIFEST = "manifest.json"
_ROWS_PER_FILE = 2_000_000
# Modules that do not change what a parse returns.
# (agency_map.csv is applied when a corpus is assembled, never cached.)
_NOT_PARSER = {"corpus.py", "store.py", "parallel.py", "cli.py", "plotting.py", "briefing.py", "synthetic.py", "agency_map.csv"}
_NOT_ASSEMBLY = {"parallel.py", "cli.py", "plotting.py", "briefing.py", "synthetic.py"}
_KEEP_CORPORA = 8


# ---------------------------------------------------------------------------
# cache


def default_cache_dir() -> Path:
    """Where parsed files are cached by default.

    ``$GOVREPORT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/govreport``, else
    ``~/.cache/govreport``.
    """
    env = os.environ.get("GOVREPORT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "govreport"


@lru_cache(maxsize=2)
def code_fingerprint(assembly: bool = False) -> str:
    """Hash the library version, :data:`PARSER_VERSION` and the parser's source files.

    Parameters
    ----------
    assembly : bool
        Also the modules that assemble a corpus (``corpus.py``, ``store.py``,
        the agency map): the key of a whole cached corpus.

    Returns
    -------
    str

    """
    from . import __version__

    root = Path(__file__).resolve().parent
    skip = _NOT_ASSEMBLY if assembly else _NOT_PARSER
    h = hashlib.blake2b(f"{__version__}|{PARSER_VERSION}|{assembly}".encode(), digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".csv", ".json") or path.name in skip or "__pycache__" in path.parts:
            continue
        h.update(str(path.relative_to(root)).encode())
        try:
            h.update(path.read_bytes())
        except OSError:  # pragma: no cover - a file vanished while hashing
            continue
    return h.hexdigest()


class ResultCache:
    """Parsed inputs on disk, one pickle per (content hash, parser, options).

    Parameters
    ----------
    root : str or Path
        The cache directory (created when first written).
    options : str
        What else changes a parse (the reading budget); part of every key.

    """

    def __init__(self, root: str | Path, options: str = ""):
        self.root = Path(root)
        self._salt = f"{code_fingerprint()}|{options}"

    def key(self, content_hash: str) -> str:
        """Return the cache key of an input with this content hash."""
        return hashlib.blake2b(f"{content_hash}|{self._salt}".encode(), digest_size=16).hexdigest()

    def _path(self, content_hash: str) -> Path:
        k = self.key(content_hash)
        return self.root / "v1" / k[:2] / f"{k}.pkl"

    def get(self, content_hash: str) -> dict | None:
        """Return the cached result, or None (a corrupt entry is removed)."""
        path = self._path(content_hash)
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - the user's own cache directory
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a broken entry is a miss
            log.info("dropping unreadable cache entry %s (%s)", path, exc)
            path.unlink(missing_ok=True)
            return None

    def put(self, content_hash: str, result: dict) -> None:
        """Store a result (atomically: a reader never sees half a file)."""
        self._write(self._path(content_hash), result)

    def clear(self) -> None:
        """Remove every cached result."""
        shutil.rmtree(self.root / "v1", ignore_errors=True)

    # -- the stat index: skip re-hashing unchanged files ---------------------
    def load_index(self) -> dict:
        """Return ``stat key -> content hash`` of inputs hashed before."""
        try:
            with (self.root / "v1" / "index.pkl").open("rb") as fh:
                index = pickle.load(fh)  # noqa: S301 - the user's own cache directory
            return index if isinstance(index, dict) else {}
        except Exception:  # noqa: BLE001 - no index, or a broken one: hash again
            return {}

    def save_index(self, index: dict) -> None:
        """Keep the stat index (atomically)."""
        self._write(self.root / "v1" / "index.pkl", index)

    # -- whole corpora: an unchanged folder loads at once --------------------
    def corpus_path(self, key: str) -> Path:
        """Return the directory of a cached corpus (a store) by its key."""
        return self.root / "v1" / "corpora" / key

    def prune_corpora(self, keep: int = _KEEP_CORPORA) -> None:
        """Remove all but the ``keep`` most recently used cached corpora."""
        base = self.root / "v1" / "corpora"
        if not base.is_dir():
            return
        dirs = sorted((d for d in base.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
        for d in dirs[keep:]:
            shutil.rmtree(d, ignore_errors=True)

    def _write(self, path: Path, obj) -> None:
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except Exception as exc:  # noqa: BLE001 - a full disk or an odd object must not fail the load
            log.info("could not write %s: %s", path, exc)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# dtypes


def _jsonable(v):
    if isinstance(v, np.generic):
        return v.item()
    return v


def dtype_spec(s: pd.Series) -> dict:
    """Describe a column's dtype so that :func:`apply_spec` can restore it."""
    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype):
        return {
            "kind": "category",
            "categories": [_jsonable(c) for c in dt.categories],
            "categories_dtype": str(dt.categories.dtype),
            "ordered": bool(dt.ordered),
        }
    if isinstance(dt, pd.ArrowDtype):
        return {"kind": "arrow", "dtype": str(dt)}
    if dt == object:  # noqa: E721
        if s.map(lambda v: isinstance(v, (list, tuple))).any():
            return {"kind": "list", "dtype": "object"}
        missing = s[s.isna()]
        na = None if not len(missing) else ("None" if missing.iloc[0] is None else "NA" if missing.iloc[0] is pd.NA else "nan")
        return {"kind": "dtype", "dtype": "object", "na": na}
    return {"kind": "dtype", "dtype": str(dt)}


def _restore(s: pd.Series, spec: dict, arrow_col=None) -> pd.Series:
    kind = spec.get("kind")
    if kind == "category":
        cats = pd.Index(spec["categories"], dtype=spec.get("categories_dtype") if spec["categories"] else None)
        target = pd.CategoricalDtype(cats, ordered=spec["ordered"])
        return s.astype(target) if s.dtype != target or not s.dtype.categories.equals(cats) else s
    if kind == "arrow":
        if arrow_col is not None:
            return pd.Series(pd.arrays.ArrowExtensionArray(arrow_col), name=s.name)
        return s
    if kind == "list":
        return s.map(lambda v: list(v) if isinstance(v, (np.ndarray, list, tuple)) else v).astype(object)
    if kind == "stringified":
        return s.astype("string")
    target = spec.get("dtype")
    if target == "object":
        out = s.astype(object)
        if spec.get("na") and out.isna().any():
            out = out.where(out.notna(), {"None": None, "NA": pd.NA, "nan": float("nan")}[spec["na"]])
        return out
    if target and str(s.dtype) != target:
        try:
            return s.astype(target)
        except (TypeError, ValueError):
            log.info("could not restore %s to %s", s.name, target)
    return s


# ---------------------------------------------------------------------------
# store


def _year_keys(name: str, df: pd.DataFrame, year_of: pd.Series | None) -> pd.Series:
    if "year" in df.columns:
        return df["year"]
    if "report_id" in df.columns and year_of is not None:
        return df["report_id"].map(year_of)
    return pd.Series(pd.NA, index=df.index)


def _partition_name(year) -> str:
    if year is None or pd.isna(year):
        return NULL_PARTITION
    return str(int(year))


def _to_arrow(df: pd.DataFrame, specs: dict):
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # mixed Python objects: keep them as text rather than fail the store
        df = df.copy()
        for col in df.columns:
            try:
                pa.array(df[col], from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                df[col] = df[col].map(lambda v: None if v is None or v is pd.NA else str(v)).astype("string")
                specs[col] = {"kind": "stringified", "dtype": "string"}
        return pa.Table.from_pandas(df, preserve_index=False)


def _write_files(table, directory: Path) -> list[str]:
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    names = []
    n = max(1, -(-table.num_rows // _ROWS_PER_FILE))
    for i in range(n):
        name = f"part-{i}.parquet"
        pq.write_table(table.slice(i * _ROWS_PER_FILE, _ROWS_PER_FILE), directory / name)
        names.append(name)
    return names


def write_store(frames: dict[str, pd.DataFrame], path: str | Path, *, partitioned: set[str], meta: dict) -> Path:
    """Write frames to a store directory (see the module docstring).

    Parameters
    ----------
    frames : dict of str to DataFrame
        Must include ``reports`` (with ``report_id`` and ``year``) when any
        partitioned frame is keyed by ``report_id``.
    path : str or Path
        The store; created if needed.  Frames already there are replaced;
        ``cache/`` and other files are left alone.
    partitioned : set of str
        Frames partitioned by year.
    meta : dict
        JSON-able facts kept in the manifest (counts, notes …).

    Returns
    -------
    Path

    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    reports = frames.get("reports")
    year_of = None
    if reports is not None and {"report_id", "year"} <= set(reports.columns):
        year_of = reports.drop_duplicates("report_id").set_index("report_id")["year"]
    manifest: dict = {"format": "govreport-store", "format_version": STORE_FORMAT, "meta": meta, "frames": {}}
    try:
        for name, df in frames.items():
            specs = {c: dtype_spec(df[c]) for c in df.columns}
            entry = {"columns": list(df.columns), "rows": len(df), "partitioned": name in partitioned, "dtypes": specs}
            files: list[str] = []
            if name in partitioned:
                keys = _year_keys(name, df, year_of)
                body = df.drop(columns=["year"]) if "year" in df.columns else df
                parts = pd.Series([_partition_name(y) for y in keys], index=df.index, dtype=object)
                order = sorted(set(parts), key=lambda p: (p == NULL_PARTITION, p)) or [NULL_PARTITION]
                table = _to_arrow(body, specs)  # one schema for every partition
                positions = np.arange(len(body))
                for part in order:
                    piece = table.take(positions[(parts == part).to_numpy()]) if len(body) else table
                    files += [f"year={part}/{f}" for f in _write_files(piece, staging / name / f"year={part}")]
            else:
                files = _write_files(_to_arrow(df, specs), staging / name)
            entry["files"] = files
            manifest["frames"][name] = entry
        # swap the new frames in
        old = read_manifest(root) if (root / _MANIFEST).exists() else {"frames": {}}
        for name in set(old.get("frames", {})) | set(manifest["frames"]):
            target = root / name
            if target.exists() and name != "cache":
                shutil.rmtree(target)
            if name in manifest["frames"]:
                os.replace(staging / name, target)
        tmp = root / f".{_MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, root / _MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def read_manifest(path: str | Path) -> dict:
    """Read the store's ``manifest.json``.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a store.

    """
    f = Path(path) / _MANIFEST
    if not f.is_file():
        raise FileNotFoundError(f"{path}: not a govreport store (no {_MANIFEST}); build one with `govreport build`")
    return json.loads(f.read_text(encoding="utf-8"))


def _read_frame(root: Path, name: str, entry: dict) -> pd.DataFrame:
    import pyarrow.parquet as pq

    specs: dict = entry["dtypes"]
    pieces = []
    for rel in entry["files"]:
        table = pq.read_table(root / name / rel)
        df = table.to_pandas()
        for col, spec in specs.items():
            if spec.get("kind") == "arrow" and col in df.columns:
                df[col] = pd.arrays.ArrowExtensionArray(table.column(col))
        if entry["partitioned"] and "year" in entry["columns"]:
            part = rel.split("/", 1)[0].split("=", 1)[1]
            df["year"] = pd.NA if part == NULL_PARTITION else int(part)
        if len(df) or not pieces:
            pieces.append(df)
    nonempty = [p for p in pieces if len(p)]
    df = pd.concat(nonempty, ignore_index=True) if len(nonempty) > 1 else (nonempty or pieces or [pd.DataFrame()])[0]
    df = df.reset_index(drop=True)
    for col in entry["columns"]:
        if col not in df.columns:
            df[col] = pd.Series([pd.NA] * len(df), dtype=object)
    df = df[entry["columns"]]
    for col, spec in specs.items():
        df[col] = _restore(df[col], spec)
    return df


def read_store(path: str | Path, frames: list[str] | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Read a store's frames with their dtypes restored.

    Parameters
    ----------
    path : str or Path
        The store directory.
    frames : list of str, optional
        Only these frames (default: all).

    Returns
    -------
    (dict of str to DataFrame, dict)
        The frames and the manifest.

    """
    root = Path(path)
    manifest = read_manifest(root)
    out = {}
    for name, entry in manifest["frames"].items():
        if frames is None or name in frames:
            out[name] = _read_frame(root, name, entry)
    return out, manifest


def connect(path: str | Path, frames: dict[str, pd.DataFrame] | None = None):
    """Open a DuckDB connection with one view per frame.

    Parameters
    ----------
    path : str or Path, optional
        A store: each frame becomes a view over its Parquet files (a
        partitioned frame gets a ``year`` column from its directories).
    frames : dict of str to DataFrame, optional
        In-memory frames to register instead (when ``path`` is None).

    Returns
    -------
    duckdb.DuckDBPyConnection

    """
    from .readers import import_optional

    duckdb = import_optional("duckdb")
    con = duckdb.connect()
    if path is not None:
        root = Path(path).resolve()
        manifest = read_manifest(root)
        for name, entry in manifest["frames"].items():
            glob = str(root / name / ("*/*.parquet" if entry["partitioned"] else "*.parquet")).replace("'", "''")
            hive = "true" if entry["partitioned"] else "false"
            con.execute(
                f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{glob}', hive_partitioning = {hive}, union_by_name = true)"
            )
    else:
        for name, df in (frames or {}).items():
            con.register(name, _to_arrow(df, {}))
    return con
