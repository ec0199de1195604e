"""The project's own corpus of real reports, as a ``load_dataset``-style entry point."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["find_reports", "load_corpus", "manifest"]


def find_reports(start: str | Path | None = None) -> Path:
    """The ``data/reports`` folder of a govreport checkout, searched from ``start`` upwards.

    Raises
    ------
    FileNotFoundError
        When no ``data/reports/MANIFEST.csv`` is found in ``start`` or its parents.
    """
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        cand = d / "data" / "reports"
        if (cand / "MANIFEST.csv").is_file():
            return cand
    raise FileNotFoundError(f"no data/reports/MANIFEST.csv in {here} or its parents")


def manifest(path: str | Path | None = None) -> pd.DataFrame:
    """The provenance of every real report in ``data/reports`` (source, retrieval, agency, year, form)."""
    folder = Path(path) if path else find_reports()
    return pd.read_csv(folder / "MANIFEST.csv", dtype=str, keep_default_na=False)


def load_corpus(path: str | Path | None = None, **kwargs):
    """Read every report in ``data/reports`` (cached) into a :class:`~govreport.corpus.Corpus`.

    Keyword arguments go to :func:`govreport.read_reports`; progress bars are off
    unless asked for, so notebook outputs stay stable.
    """
    from .corpus import read_reports

    kwargs.setdefault("progress", False)
    return read_reports(Path(path) if path else find_reports(), **kwargs)
