"""One chart style for every govreport figure, and the plotting helpers the notebooks call.

The charts draw Chinese with the Noto Sans CJK font shipped by the PyPI package
``noto-cjk-sans-otc`` (OFL), registered with matplotlib at run time, so a chart looks the
same on every machine whatever fonts the system has.  The helpers follow seaborn's
conventions: the DataFrame comes first, everything else is a keyword, ``ax=None`` draws
on a new figure, and the Axes is returned.  Every title and axis label is bilingual
("主动公开 Active disclosure"): pass a ``(zh, en)`` pair or a string that already holds
both; anything else raises :class:`ValueError`.

>>> bilingual("主动公开", "Active disclosure")
'主动公开 Active disclosure'
>>> is_bilingual("申请数 Requests"), is_bilingual("Requests")
(True, False)
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import re
from collections.abc import Hashable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "CJK_FAMILY",
    "LATIN_FALLBACK",
    "STYLE_RC",
    "bilingual",
    "is_bilingual",
    "font_path",
    "register_font",
    "use_style",
    "wilson_interval",
    "bar_by",
    "line_by_year",
    "share_bars",
    "rate_points",
]

#: The family every chart uses; the collection's default face is Japanese, so SC is named explicitly.
CJK_FAMILY = "Noto Sans CJK SC"
#: Fallback for the few glyphs (mathematical symbols and the like) the CJK font lacks.
LATIN_FALLBACK = "DejaVu Sans"
#: seaborn palette for categorical colours (colour-blind safe).
PALETTE = "colorblind"

_FONT_PACKAGE = "noto_cjk_sans_otc"
_FONT_FILE = "NotoSansCJK-Regular.ttc"

#: rcParams applied by :func:`use_style` on top of seaborn's ``whitegrid`` theme.
STYLE_RC: dict[str, Any] = {
    "font.family": [CJK_FAMILY, LATIN_FALLBACK],
    "font.sans-serif": [CJK_FAMILY, LATIN_FALLBACK],
    "axes.unicode_minus": False,  # U+2212 MINUS: use '-' so every font has the glyph
    # The pinned font has one weight (Regular): keep every text normal so that a bold
    # request never picks up another copy of the family that the system may have.
    "font.weight": "normal",
    "axes.titleweight": "normal",
    "axes.labelweight": "normal",
    "figure.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.titlesize": "large",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    # Deterministic, self-contained SVG: fixed ids, glyphs as paths (no viewer font needed).
    "svg.hashsalt": "govreport",
    "svg.fonttype": "path",
    # Labels come from reports: a "$" in an agency name must print, not start TeX maths.
    "text.parse_math": False,
}

_DEFAULT_LABELS = {
    "year": "年份 Year",
    "n": "件数 Count",
    "count": "件数 Count",
    "share": "占比 Share",
    "rate": "比率 Rate",
    "value": "数值 Value",
    "agency": "机关 Agency",
    "requests": "申请件数 Requests",
    "total": "件数 Cases",
    "label": "类别 Category",
    "disclosure_rate": "公开率 Disclosure rate",
    "correction_rate": "纠正率 Correction rate",
    "reports_failing": "报告数 Reports",
    "proceeding_label": "程序 Proceeding",
    "outcome_zh": "结果 Outcome",
    "applicant_zh": "申请人 Applicant",
    "channel_zh": "渠道 Channel",
    "measure": "指标 Measure",
}

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_RE = re.compile(r"[A-Za-z]")

_font_path: Path | None = None
_resources = contextlib.ExitStack()
atexit.register(_resources.close)
_style_applied = False


# --------------------------------------------------------------------------- labels


def bilingual(zh: str, en: str, *, sep: str = " ") -> str:
    r"""Join a Chinese and an English text into one label.

    Parameters
    ----------
    zh, en : str
        The Chinese and the English text; neither may be empty.
    sep : str
        What goes between them (a space; ``"\n"`` for two lines).

    Returns
    -------
    str

    Examples
    --------
    >>> bilingual("依申请公开", "Disclosure on request", sep="\n")
    '依申请公开\nDisclosure on request'

    """
    zh, en = str(zh).strip(), str(en).strip()
    if not zh or not en:
        raise ValueError(f"bilingual() needs a Chinese and an English text, got {zh!r} and {en!r}")
    return f"{zh}{sep}{en}"


def is_bilingual(text: object) -> bool:
    """Return True when ``text`` holds at least one Chinese character and one Latin letter."""
    s = str(text)
    return bool(_CJK_RE.search(s)) and bool(_LATIN_RE.search(s))


def _label(value: Any, role: str, *, column: Hashable | None = None, allow_empty: bool = True) -> str:
    """Resolve a title/label argument to a bilingual string, or raise ValueError.

    ``value`` may be a ``(zh, en)`` pair, a bilingual string, ``""`` (no label, where
    ``allow_empty``) or None, in which case the column name is used when it is bilingual
    or one of the generic names in ``_DEFAULT_LABELS``.
    """
    if value is None and column is not None:
        name = str(column)
        if is_bilingual(name):
            return name
        if name.lower() in _DEFAULT_LABELS:
            return _DEFAULT_LABELS[name.lower()]
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return bilingual(*value)
    if isinstance(value, str):
        if value == "" and allow_empty:
            return ""
        if is_bilingual(value):
            return value
    hint = f" (no bilingual default for column {column!r})" if value is None and column is not None else ""
    raise ValueError(
        f"{role} must be bilingual, e.g. {role}=('主动公开', 'Active disclosure'); got {value!r}{hint}"
    )


def _legend_title(value: Any, column: Hashable | None) -> str | None:
    """Legend titles are lenient: a given value must be bilingual, a missing one may be omitted."""
    if value is not None:
        return _label(value, "legend_title")
    if column is None:
        return None
    try:
        return _label(None, "legend_title", column=column)
    except ValueError:
        return None


# --------------------------------------------------------------------------- font and style


def font_path() -> Path:
    """Path of the Noto Sans CJK collection shipped by the ``noto-cjk-sans-otc`` package."""
    global _font_path
    if _font_path is None:
        try:
            import noto_cjk_sans_otc as pkg
        except ImportError as exc:
            raise MissingDependencyError(
                _FONT_PACKAGE, "the chart font is missing: pip install noto-cjk-sans-otc"
            ) from exc
        ref = getattr(pkg, "FONT_PATH", None)
        if ref is None:
            ref = resources.files(pkg).joinpath(getattr(pkg, "FONT_FILE", _FONT_FILE))
        # as_file() is a no-op for an ordinary install and extracts the file from a zip;
        # the ExitStack keeps an extracted copy alive until the interpreter exits.
        path = Path(_resources.enter_context(resources.as_file(ref)))
        if not path.is_file():
            raise MissingDependencyError(_FONT_PACKAGE, f"font file not found at {path}")
        _font_path = Path(os.path.realpath(path))
    return _font_path


def register_font() -> Path:
    """Register the CJK font with matplotlib (once) and make it win over system copies.

    Debian's ``fonts-noto-cjk`` provides the same family names; matplotlib's ``findfont``
    keeps the first best-scoring entry, so the pinned file's faces are moved to the front
    of the font list.  Returns the font's path.
    """
    from matplotlib import font_manager

    path = font_path()
    fname = os.fsdecode(path)
    mgr = font_manager.fontManager
    if not any(f.fname == fname for f in mgr.ttflist):
        mgr.addfont(fname)
    ours = [f for f in mgr.ttflist if f.fname == fname]
    if mgr.ttflist[: len(ours)] != ours:
        mgr.ttflist[:] = ours + [f for f in mgr.ttflist if f.fname != fname]
        cache_clear = getattr(getattr(mgr, "_findfont_cached", None), "cache_clear", None)
        if cache_clear is not None:
            cache_clear()
    return path


def use_style() -> Path:
    """Apply the govreport chart style: seaborn ``whitegrid``, the CJK font, fixed SVG salt.

    Idempotent: calling it again re-applies the same settings.  Call it at the top of a
    notebook (after ``%matplotlib inline`` if used).  Returns the CJK font's path.
    """
    global _style_applied
    import matplotlib
    import matplotlib.pyplot as plt  # noqa: F401  (select the backend first: inline sets its rc then)
    import seaborn as sns

    path = register_font()
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font=CJK_FAMILY, rc=STYLE_RC)
    matplotlib.rcParams.update(STYLE_RC)
    _style_applied = True
    return path


def _ensure_style() -> None:
    if not _style_applied:
        use_style()


def _get_ax(ax: Axes | None, *, rows: int | None = None) -> Axes:
    """The Axes to draw on; a new figure tall enough for ``rows`` horizontal categories."""
    _ensure_style()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    if rows is None or rows <= 12:
        _, ax = plt.subplots()
    else:
        width = plt.rcParams["figure.figsize"][0]
        _, ax = plt.subplots(figsize=(width, 1.6 + 0.32 * rows))
    return ax


def _colors(n: int, palette: Any = None) -> list:
    import seaborn as sns

    return list(sns.color_palette(palette if palette is not None else PALETTE, n_colors=max(n, 1)))


def _check_columns(df: pd.DataFrame, *columns: Hashable | None) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"column(s) {missing} not in the DataFrame (columns: {list(df.columns)})")


def _check_unique(df: pd.DataFrame, keys: list[Hashable], what: str) -> None:
    dup = df.duplicated(subset=keys, keep=False)
    if dup.any():
        sample = df.loc[dup, keys].drop_duplicates().head(3).to_dict("records")
        raise ValueError(
            f"{what} needs one row per {keys}; duplicated: {sample}. Aggregate first "
            f"(e.g. df.groupby({keys}, as_index=False).sum())."
        )


def _ordered(values: pd.Series, order: Sequence | None) -> list:
    if order is not None:
        return list(order)
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if c in set(values.dropna())]
    return list(pd.unique(values.dropna()))


def _text_color(rgb: Sequence[float]) -> str:
    r, g, b = rgb[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


# --------------------------------------------------------------------------- helpers


def bar_by(
    df: pd.DataFrame,
    x: Hashable,
    y: Hashable,
    hue: Hashable | None = None,
    *,
    title: Any,
    xlabel: Any = None,
    ylabel: Any = None,
    legend_title: Any = None,
    order: Sequence | None = None,
    hue_order: Sequence | None = None,
    horizontal: bool = False,
    annotate: bool = False,
    fmt: str = "{:,.0f}",
    palette: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Bars of ``y`` for each ``x`` (grouped by ``hue``), one row per bar.

    Parameters
    ----------
    df : DataFrame
        One row per (``x``, ``hue``); duplicates raise instead of being averaged.
    x, y, hue : column names
        Category, value and optional grouping column.
    title, xlabel, ylabel : str or (zh, en)
        Bilingual texts; labels default to a bilingual column name.
    legend_title : str or (zh, en), optional
        Title of the ``hue`` legend (default: the ``hue`` column when bilingual).
    order, hue_order : sequence, optional
        Order of the categories and of the groups (default: categorical order, else first seen).
    horizontal : bool
        Draw categories on the y axis (long Chinese names read better).
    annotate : bool
        Write each value on its bar.
    fmt : str
        Format of the annotations.
    palette : seaborn palette, optional
        Colours of the groups (default: ``colorblind``).
    ax : Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    Axes

    """
    _check_columns(df, x, y, hue)
    _check_unique(df, [x] if hue is None else [x, hue], "bar_by")
    title_text = _label(title, "title", allow_empty=False)
    cat_label = _label(xlabel, "xlabel", column=x)
    val_label = _label(ylabel, "ylabel", column=y)
    legend_text = _legend_title(legend_title, hue) if hue is not None else None
    ax = _get_ax(ax, rows=df[x].nunique() if horizontal else None)
    cats = _ordered(df[x], order)
    groups = [None] if hue is None else _ordered(df[hue], hue_order)
    colors = _colors(len(groups), palette)
    width = 0.8 / len(groups)
    pos = np.arange(len(cats), dtype=float)
    for i, (g, color) in enumerate(zip(groups, colors, strict=True)):
        sub = df if g is None else df[df[hue] == g]
        values = sub.set_index(x)[y].reindex(cats).astype(float).to_numpy()
        offset = (i - (len(groups) - 1) / 2) * width
        label = None if g is None else str(g)
        if horizontal:
            bars = ax.barh(pos + offset, values, height=width, color=color, label=label)
        else:
            bars = ax.bar(pos + offset, values, width=width, color=color, label=label)
        if annotate:
            ax.bar_label(bars, labels=["" if math.isnan(v) else fmt.format(v) for v in values], padding=2)
    tick_labels = [str(c) for c in cats]
    if horizontal:
        ax.set_yticks(pos, tick_labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks(pos, tick_labels)
        ax.grid(axis="x", visible=False)
    ax.set_xlabel(val_label if horizontal else cat_label)
    ax.set_ylabel(cat_label if horizontal else val_label)
    ax.set_title(title_text)
    if hue is not None:
        ax.legend(title=legend_text)
    return ax


def line_by_year(
    df: pd.DataFrame,
    year: Hashable = "year",
    value: Hashable = "value",
    hue: Hashable | None = None,
    *,
    title: Any,
    xlabel: Any = None,
    ylabel: Any = None,
    legend_title: Any = None,
    hue_order: Sequence | None = None,
    marker: str = "o",
    palette: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """One line per ``hue`` group of ``value`` over ``year``; a missing year leaves a gap.

    Parameters
    ----------
    df : DataFrame
        One row per (``year``, ``hue``); duplicates raise.
    year : column name
        Integer years.
    value : column name
        The value drawn.
    hue : column name, optional
        One line per value of this column.
    title, xlabel, ylabel : str or (zh, en)
        ``xlabel`` defaults to "年份 Year".
    legend_title : str or (zh, en), optional
        Title of the ``hue`` legend (default: the ``hue`` column when bilingual).
    hue_order : sequence, optional
        Order of the lines.
    marker : str
        Marker of each data point.
    palette : seaborn palette, optional
        Colours of the lines.
    ax : Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    Axes

    """
    from matplotlib.ticker import MaxNLocator

    _check_columns(df, year, value, hue)
    _check_unique(df, [year] if hue is None else [year, hue], "line_by_year")
    title_text = _label(title, "title", allow_empty=False)
    x_label = _label(xlabel, "xlabel", column=year)
    y_label = _label(ylabel, "ylabel", column=value)
    legend_text = _legend_title(legend_title, hue) if hue is not None else None
    ax = _get_ax(ax)
    years = sorted(int(y) for y in pd.unique(df[year].dropna()))
    all_years = list(range(years[0], years[-1] + 1)) if years else []
    groups = [None] if hue is None else _ordered(df[hue], hue_order)
    colors = _colors(len(groups), palette)
    for g, color in zip(groups, colors, strict=True):
        sub = (df if g is None else df[df[hue] == g]).dropna(subset=[year])
        series = sub.assign(_y=sub[year].astype(int)).set_index("_y")[value].astype(float).reindex(all_years)
        ax.plot(all_years, series.to_numpy(), marker=marker, color=color, label=None if g is None else str(g))
    if 0 < len(all_years) <= 15:
        ax.set_xticks(all_years, [str(y) for y in all_years])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title_text)
    if hue is not None:
        ax.legend(title=legend_text)
    return ax


def share_bars(
    df: pd.DataFrame,
    x: Hashable,
    part: Hashable,
    value: Hashable,
    *,
    title: Any,
    xlabel: Any = None,
    ylabel: Any = None,
    legend_title: Any = None,
    order: Sequence | None = None,
    part_order: Sequence | None = None,
    label_min: float = 0.05,
    show_n: bool = True,
    palette: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal 100 % stacked bars: the share of each ``part`` (an outcome) within each ``x``.

    Parameters
    ----------
    df : DataFrame
        Long format, one row per (``x``, ``part``) with a count in ``value`` (≥ 0).
    x : column name
        One bar per value (an agency, a year...).
    part : column name
        The stacked segments (e.g. 予以公开 / 部分公开 / 不予公开 outcomes).
    value : column name
        Counts; shares are computed per bar.  A bar whose total is 0 or missing is not
        drawn and is labelled "无数据 no data".
    title, xlabel, ylabel : str or (zh, en)
        ``xlabel`` (the share axis) defaults to "占比 Share"; ``ylabel`` to the ``x`` column.
    legend_title : str or (zh, en), optional
        Title of the legend (default: the ``part`` column when bilingual).
    order, part_order : sequence, optional
        Order of the bars (top to bottom) and of the segments (left to right).
    label_min : float
        Segments at least this share carry a percentage label.
    show_n : bool
        Write each bar's total ``n=`` to its right.
    palette : seaborn palette, optional
        Colours of the segments.
    ax : Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    Axes

    """
    from matplotlib.ticker import PercentFormatter

    _check_columns(df, x, part, value)
    _check_unique(df, [x, part], "share_bars")
    counts = pd.to_numeric(df[value], errors="raise").astype(float)
    if (counts < 0).any():
        raise ValueError(f"share_bars: negative counts in {value!r}")
    title_text = _label(title, "title", allow_empty=False)
    x_label = _label(xlabel, "xlabel", column="share")
    y_label = _label(ylabel, "ylabel", column=x)
    legend_text = _legend_title(legend_title, part)
    ax = _get_ax(ax, rows=df[x].nunique())
    cats = _ordered(df[x], order)
    parts = _ordered(df[part], part_order)
    wide = df.assign(_v=counts).pivot(index=x, columns=part, values="_v")  # noqa: PD010 (keys are unique)
    table = wide.reindex(index=cats, columns=parts)
    totals = table.sum(axis=1, min_count=1)
    shares = table.div(totals.where(totals > 0), axis=0).fillna(0.0)
    shares[totals.isna() | (totals <= 0)] = np.nan
    pos = np.arange(len(cats), dtype=float)
    left = np.zeros(len(cats))
    for p, color in zip(parts, _colors(len(parts), palette), strict=True):
        widths = shares[p].to_numpy(dtype=float)
        bars = ax.barh(pos, widths, left=left, height=0.7, color=color, label=str(p))
        labels = ["" if not (w >= label_min) else f"{w:.0%}" for w in widths]
        ax.bar_label(bars, labels=labels, label_type="center", color=_text_color(color), fontsize="small")
        left = left + np.nan_to_num(widths)
    for yy, total in zip(pos, totals, strict=True):
        if pd.isna(total) or total <= 0:
            ax.text(0.01, yy, "无数据 no data", va="center", ha="left", fontsize="small", color="0.35")
        elif show_n:
            ax.text(1.01, yy, f"n={total:,.0f}", va="center", ha="left", fontsize="small", color="0.35")
    ax.set_yticks(pos, [str(c) for c in cats])
    ax.set_ylim(len(cats) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title_text)
    ax.legend(
        title=legend_text,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncols=min(len(parts), 4) or 1,
    )
    return ax


def wilson_interval(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion of ``k`` successes out of ``n``.

    >>> lo, hi = wilson_interval(5, 10)
    >>> round(lo, 3), round(hi, 3)
    (0.237, 0.763)
    >>> wilson_interval(0, 0)
    (nan, nan)
    """
    if not n > 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate_points(
    df: pd.DataFrame,
    rate: Hashable,
    n: Hashable,
    *,
    min_n: int = 30,
    by: Hashable | None = None,
    title: Any,
    xlabel: Any = None,
    ylabel: Any = None,
    order: Sequence | None = None,
    interval: bool = True,
    color: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Rates (proportions in [0, 1]) as points, flagging those with a small denominator.

    A rate whose denominator ``n`` is below ``min_n`` is drawn as a hollow marker with a
    dashed interval and the note ``n<min_n (n=…)``, so it is not read as precise.  A row
    with ``n`` = 0 or a missing rate draws no point, only "无数据 no data".

    Parameters
    ----------
    df : DataFrame
        One row per category.
    rate : column name
        Proportions in [0, 1] (divide percentages by 100 first).
    n : column name
        The denominator of each rate (e.g. the number of requests decided).
    min_n : int
        Smallest denominator charted as a precise point.
    by : column name, optional
        Category labels (y axis); the index when omitted.
    title, xlabel, ylabel : str or (zh, en)
        ``xlabel`` defaults to the ``rate`` column or "比率 Rate".
    order : sequence, optional
        Category labels in the order to draw them (top to bottom).
    interval : bool
        Draw the 95 % Wilson interval of each rate.
    color : colour, optional
        Colour of the points (default: the palette's first).
    ax : Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    Axes
        The precise points have ``gid`` "precise", the flagged ones "small_n"; the notes
        have ``gid`` "small_n_note".

    """
    from matplotlib.ticker import PercentFormatter

    _check_columns(df, rate, n, by)
    r = pd.to_numeric(df[rate], errors="raise").astype(float).to_numpy()
    k = pd.to_numeric(df[n], errors="raise").astype(float).to_numpy()
    if ((r < 0) | (r > 1)).any():
        raise ValueError(f"rate_points: {rate!r} must be proportions in [0, 1] (divide percentages by 100)")
    if (k < 0).any():
        raise ValueError(f"rate_points: negative denominators in {n!r}")
    labels = [str(v) for v in (df.index if by is None else df[by])]
    if order is not None:
        index = {lab: i for i, lab in enumerate(labels)}
        idx = [index[str(o)] for o in order]
        r, k, labels = r[idx], k[idx], [labels[i] for i in idx]
    title_text = _label(title, "title", allow_empty=False)
    x_label = _label(xlabel, "xlabel", column=rate)
    y_label = _label(ylabel, "ylabel", column=by) if (ylabel is not None or by is not None) else ""
    ax = _get_ax(ax, rows=len(labels))
    if color is None:
        color = _colors(1)[0]
    pos = np.arange(len(labels), dtype=float)
    valid = ~np.isnan(r) & ~np.isnan(k) & (k > 0)
    small = valid & (k < min_n)
    precise = valid & ~small
    right = np.where(valid, r, np.nan)
    if interval:
        for i in np.flatnonzero(valid):
            lo, hi = wilson_interval(r[i] * k[i], k[i])
            right[i] = hi
            ax.plot(
                [lo, hi],
                [pos[i], pos[i]],
                color=color,
                lw=1.2 if precise[i] else 1.0,
                ls="-" if precise[i] else "--",
                alpha=0.8,
                zorder=2,
            )
    ax.scatter(
        r[precise],
        pos[precise],
        s=45,
        color=color,
        zorder=3,
        gid="precise",
        label=f"样本充足 Adequate sample n≥{min_n}",
    )
    ax.scatter(
        r[small],
        pos[small],
        s=45,
        facecolors="none",
        edgecolors=color,
        linewidths=1.5,
        zorder=3,
        gid="small_n",
        label=f"样本较小 Small sample n<{min_n}",
    )
    for i in np.flatnonzero(small):
        ax.annotate(
            f"n<{min_n} (n={k[i]:.0f})",
            xy=(r[i], pos[i]),
            xytext=(0, 7),
            textcoords="offset points",
            va="bottom",
            ha="center",
            fontsize="small",
            color="0.35",
            gid="small_n_note",
        )
    for i in np.flatnonzero(~valid):
        ax.annotate(
            "无数据 no data",
            xy=(0, pos[i]),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize="small",
            color="0.35",
            gid="no_data_note",
        )
    ax.set_yticks(pos, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    hi = float(np.nanmax(right)) if valid.any() else 1.0
    ax.set_xlim(0, min(1.0, hi * 1.1 + 0.02) if hi < 0.9 else 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title_text)
    if small.any():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2)
    return ax
