"""Inputs of a corpus: find them, read them within the budget, parse one.

:func:`discover_inputs` expands folders (recursively, in sorted order) and
``.zip`` archives (members read in memory, never extracted; names are only
names) into :class:`InputRef` objects.  :func:`parse_one` reads one input
into a small picklable result — frames and plain values, never a
:class:`~govreport.report.Report` — and never raises for a bad input.

Skipped when walking folders and archives (not inputs): hidden files and
directories, ``*.expected.json``, ``MANIFEST.csv``, ``README*``, ``__MACOSX``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from .errors import BudgetExceededError, GovReportError, ReadError
from .parallel import failure
from .readers.sniff import DEFAULT_BUDGET, Budget

__all__ = ["InputRef", "discover_inputs", "read_input", "content_hash", "hash_inputs", "parse_one", "stat_key", "tables_digest"]

_SKIP_NAMES = {"MANIFEST.csv", "Thumbs.db", "desktop.ini"}
_SKIP_DIRS = {"__MACOSX", "__pycache__"}
# an archive member whose uncompressed size is this many times its compressed size is refused
_MAX_ZIP_RATIO = 200
#: Frames every Report has; an input whose report cannot give them has failed.
CORE_FRAMES = ("requests", "active", "reviews", "doubts")
#: Frames a Report may lack or fail to compute (recorded in ``Corpus.warnings``, the report kept).
EXTRA_FRAMES = ("legacy", "figures", "checks")


# ---------------------------------------------------------------------------
# inputs


@dataclass(frozen=True)
class InputRef:
    """One input: a file, or a member of a ``.zip`` archive.

    Attributes
    ----------
    source : str
        Its name in every frame: the path, or ``archive.zip!member``.
    path : str
        The file (the archive for a member).
    member : str or None
        The member's name inside the archive (never used as a path).

    """

    source: str
    path: str
    member: str | None = None


def _skipped(name: str) -> bool:
    return (
        name.startswith(".")
        or name in _SKIP_NAMES
        or name.endswith(".expected.json")
        or name.upper().startswith("README")
    )


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def _zip_members(path: Path) -> list[InputRef]:
    with zipfile.ZipFile(path) as zf:
        refs = []
        for info in zf.infolist():
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p]
            hidden = [p for p in parts[:-1] if p in _SKIP_DIRS or (p.startswith(".") and p not in (".", ".."))]
            if info.is_dir() or not parts or hidden:
                continue
            if _skipped(parts[-1]):
                continue
            refs.append(InputRef(f"{path}!{info.filename}", str(path), info.filename))
    return refs


def discover_inputs(source) -> tuple[list[InputRef], list[dict]]:
    """Expand folders and archives into inputs.

    Parameters
    ----------
    source : str, path-like, or iterable of them
        A folder (walked recursively, in sorted order), a ``.zip``, a file,
        or a list of these.

    Returns
    -------
    (list of InputRef, list of dict)
        The inputs, and failure records for the paths that could not be
        expanded (a missing file in a list, an unreadable archive).

    Raises
    ------
    FileNotFoundError
        If ``source`` is a single path that does not exist.

    """
    if isinstance(source, (str, os.PathLike)):
        if not Path(source).exists():
            raise FileNotFoundError(f"{source}: no such file or folder")
        items = [source]
    else:
        items = list(source)
    refs: list[InputRef] = []
    failed: list[dict] = []

    def add(f: Path) -> None:
        got = _expand_file(f)
        if isinstance(got, list):
            refs.extend(got)
        else:
            failed.append(got)

    for item in items:
        path = Path(item)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
                for name in sorted(filenames):
                    if not _skipped(name):
                        add(Path(dirpath) / name)
        elif path.exists():
            add(path)
        else:
            failed.append(failure(str(path), "ReadError", "no such file or folder", discovery=True))
    return refs, failed


def _expand_file(path: Path) -> list[InputRef] | dict:
    if not _is_zip(path):
        return [InputRef(str(path), str(path))]
    try:
        return _zip_members(path)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        return failure(str(path), "ReadError", f"cannot open the archive: {exc}", discovery=True)


def read_input(ref: InputRef, budget: Budget = DEFAULT_BUDGET) -> bytes:
    """Read the bytes of one input, within the budget.

    Archive members are read in memory.  A member larger than
    ``budget.max_bytes`` or compressed more than 200:1 (a zip bomb) is
    refused before it is inflated, and reading stops at ``max_bytes`` even
    when the archive's header lies about the size.

    Raises
    ------
    ReadError, BudgetExceededError

    """
    limit = budget.max_bytes
    if ref.member is None:
        try:
            size = os.stat(ref.path).st_size
            if size > limit:
                raise BudgetExceededError(ref.source, f"file is {size:,} bytes, over the budget of {limit:,}")
            with open(ref.path, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise ReadError(ref.source, f"cannot read file: {exc.strerror or exc}") from None
    try:
        zf = _open_zip(ref.path)
        info = zf.getinfo(ref.member)
        if info.file_size > limit:
            raise BudgetExceededError(ref.source, f"member is {info.file_size:,} bytes uncompressed, over the budget of {limit:,}")
        if info.file_size > 1_000_000 and info.file_size > _MAX_ZIP_RATIO * max(1, info.compress_size):
            raise BudgetExceededError(
                ref.source, f"member inflates {info.file_size // max(1, info.compress_size)}-fold: refused as a zip bomb"
            )
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except GovReportError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise ReadError(ref.source, f"cannot read archive member: {exc}") from None
    if len(data) > limit:
        raise BudgetExceededError(ref.source, f"member inflates past the budget of {limit:,} bytes")
    return data


_ZIPS: dict = {}
_ZIPS_LOCK = threading.Lock()


def _open_zip(path: str) -> zipfile.ZipFile:
    """Return an open archive, kept per process (reading its directory again for each member is quadratic)."""
    st = os.stat(path)
    key = (os.getpid(), os.path.abspath(path), st.st_size, st.st_mtime_ns)  # a forked child opens its own
    with _ZIPS_LOCK:
        zf = _ZIPS.get(key)
        if zf is None:
            # forget other processes' archives, older states of this one, and all but the last few;
            # never close them here: another thread may be reading one (they close when collected)
            for old in [k for k in _ZIPS if k[0] != key[0] or k[1] == key[1]] + list(_ZIPS)[:-7]:
                _ZIPS.pop(old, None)
            zf = _ZIPS[key] = zipfile.ZipFile(path)
        return zf


def content_hash(data: bytes) -> str:
    """blake2b-128 of an input's bytes (hex).

    >>> content_hash(b"")
    'cae66941d9efbd404e4d88758ea67670'
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# ---------------------------------------------------------------------------
# one input


def _default_parse(data: bytes, source: str, budget: Budget):
    from .api import read_report

    return read_report(data, budget=budget)


def _number(v) -> str:
    if v is None:
        return ""
    try:
        return format(Decimal(str(v)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(v)


def tables_digest(report) -> str | None:
    """Hash of every table cell a report prints (table, row, column, value, kind, unit).

    Two inputs of one agency and year with the same digest are the same
    report (two forms, two crawls).  None when the report has no cell at all:
    then only identical text makes a duplicate.
    """
    cells = sorted(
        (str(c["table"]), str(c["row"]), str(c["column"]), _number(c["value"]), str(c["kind"]), str(c["unit"] or ""))
        for c in report.cells_records()
    )
    if not cells:
        return None
    h = hashlib.blake2b(digest_size=16)
    for cell in cells:
        h.update(("|".join(cell) + "\n").encode())
    return h.hexdigest()


def parse_one(source, *, name: str | None = None, budget: Budget = DEFAULT_BUDGET, _parse: Callable | None = None) -> dict:
    """Read one input into a small picklable result (frames and plain values).

    Parameters
    ----------
    source : InputRef, path or bytes
        The input.
    name : str, optional
        The name to record (default: the path, or ``<bytes>``).
    budget : Budget, optional
        Limits of the read.
    _parse : callable, optional
        For tests only: ``_parse(data, source, budget) -> Report``.

    Returns
    -------
    dict
        ``ok``; on success ``info`` (one row of ``Corpus.reports``),
        ``frames`` (requests, active, reviews, doubts; legacy, figures, checks
        when they can be computed),
        ``tables_digest``, ``warnings``; on failure ``error`` and ``reason``.
        Never raises for a bad input: a :class:`GovReportError` or any other
        exception becomes a failure record.

    """
    if isinstance(source, InputRef):
        ref = source
    elif isinstance(source, (bytes, bytearray, memoryview)):
        ref = None
        name = name or "<bytes>"
    else:
        ref = InputRef(name or str(source), str(source))
    label = ref.source if ref is not None else name
    digest = None
    data = b""
    try:
        data = read_input(ref, budget) if ref is not None else bytes(source)
        digest = content_hash(data)
        report = (_parse or _default_parse)(data, label, budget)
        frames = {f: getattr(report, f) for f in CORE_FRAMES}
        warnings = []
        for f in EXTRA_FRAMES:
            try:
                df = getattr(report, f)
                if "report_id" not in df.columns:
                    df = df.copy()
                    df.insert(0, "report_id", pd.array([report.report_id] * len(df), dtype="string"))
                frames[f] = df
            except Exception as exc:  # noqa: BLE001 - a missing or failing extra does not lose the report
                warnings.append({"frame": f, "error": type(exc).__name__, "reason": str(exc) or repr(exc)})
        info = dict(report.info())
        info["source"] = label
        return {
            "ok": True, "source": label, "content_hash": digest, "size": len(data), "cache": True,
            "info": info, "frames": frames, "tables_digest": tables_digest(report), "warnings": warnings,
        }  # fmt: skip
    except GovReportError as exc:
        return failure(label, type(exc).__name__, exc.reason, content_hash=digest, size=len(data), cache=digest is not None)
    except Exception as exc:  # noqa: BLE001 - never lose an input
        return failure(label, type(exc).__name__, str(exc) or repr(exc), content_hash=digest, size=len(data))


@dataclass(frozen=True)
class _Task:
    ref: InputRef
    budget: Budget
    parse: Callable | None = None

    @property
    def source(self) -> str:
        return self.ref.source


def _run_task(task: _Task) -> dict:
    return parse_one(task.ref, budget=task.budget, _parse=task.parse)


def stat_key(ref: InputRef) -> str | None:
    """Describe an input as the file system sees it: path, size, mtime (None if it cannot).

    An archive member is known by its archive's stat and its name.  Used to
    skip re-hashing files that have not changed; the content hash stays the
    key of every cached result.
    """
    try:
        st = os.stat(ref.path)
    except OSError:
        return None
    return f"{os.path.abspath(ref.path)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{ref.member or ''}"


def hash_inputs(refs: list[InputRef], budget: Budget = DEFAULT_BUDGET, index: dict | None = None) -> list[str | None]:
    """Content hash of each input (None where it cannot be read within the budget).

    Parameters
    ----------
    refs : list of InputRef
        The inputs.
    budget : Budget, optional
        Inputs over ``max_bytes`` are not read (their hash is None).
    index : dict, optional
        ``stat_key -> content hash`` of inputs hashed before; used for inputs
        whose stat is unchanged and updated in place with the others.

    Returns
    -------
    list of str or None

    """
    index = {} if index is None else index

    def one(ref: InputRef) -> str | None:
        key = stat_key(ref)
        if key is not None and key in index:
            return index[key]
        try:
            h = content_hash(read_input(ref, budget))
        except GovReportError:
            return None
        if key is not None:
            index[key] = h
        return h

    if len(refs) < 64:
        return [one(r) for r in refs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:  # hashlib and file reads release the GIL
        return list(pool.map(one, refs))
