"""Prose helpers: re-join crawled lines, find tables, sections and sentences.

Crawled report pages put every HTML text node on a line of its own, so
numbers, years and units break across lines (``"15"`` + ``"2期"``,
``"20"`` + ``"23"`` + ``"年"``), while the statistical tables of the
template come out one cell per line (or run together on one line).  The
helpers here work on *normalised* text (see
:func:`govreport.normalize.normalize_text`) and never change characters:
:func:`join_broken_lines` only removes line breaks and returns, for every
character of its result, the offset of that character in the input.

Public helpers
--------------
join_broken_lines
    Join lines broken mid-sentence; keep paragraph and heading boundaries
    and leave table regions untouched.
table_spans
    Character spans of the statistical tables (template tables 2-4, the
    old 统计表 of pre-2019 reports, ``|`` rows, runs of number-only lines).
split_sections
    ``(number, start, end)`` for the report's sections 一…六.
section_headings
    The section headings found, with printed and canonical numbers.
sentences
    Sentence spans (split on 。；;!? and paragraph ends).
parse_chinese_number, guess_report_year
    Numbers in Chinese or Arabic numerals with 万/亿; the report year.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "Heading",
    "join_broken_lines",
    "table_spans",
    "split_sections",
    "section_headings",
    "sentences",
    "in_spans",
    "parse_chinese_number",
    "guess_report_year",
]

CN_DIGITS = "一二三四五六七八九十"
_SENT_END = "。!?;"

# --- numbers -------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_number(s: str) -> float | None:
    """Parse a number written in Arabic or Chinese numerals, with 万/亿.

    Returns ``None`` for what is not a definite number (``十余``, ``几``).

    >>> parse_chinese_number("三百五十一")
    351.0
    >>> parse_chinese_number("两千")
    2000.0
    >>> parse_chinese_number("1.2万")
    12000.0
    >>> parse_chinese_number("一万二千零五")
    12005.0
    >>> parse_chinese_number("十五"), parse_chinese_number("二〇二三")
    (15.0, 2023.0)
    >>> parse_chinese_number("3,940")
    3940.0
    >>> parse_chinese_number("十余") is None
    True
    """
    s = s.strip().replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([万亿]?)", s)
    if m:
        return float(m.group(1)) * {"": 1, "万": 1e4, "亿": 1e8}[m.group(2)]
    if not s or any(c not in _CN_DIGIT and c not in _CN_SMALL and c not in "万亿" for c in s):
        return None
    if not any(c in _CN_SMALL or c in "万亿" for c in s):
        return float("".join(str(_CN_DIGIT[c]) for c in s))
    total = section = number = 0
    for c in s:
        if c in _CN_DIGIT:
            number = _CN_DIGIT[c]
        elif c in _CN_SMALL:
            section += (number or (1 if c == "十" else 0)) * _CN_SMALL[c]
            number = 0
        elif c == "万":
            total += (section + number) * 10_000
            section = number = 0
        else:  # 亿
            total = (total + section + number) * 100_000_000
            section = number = 0
    return float(total + section + number)


def guess_report_year(text: str) -> int | None:
    """Guess the report year from the title line or the statistical period.

    >>> guess_report_year("同心县人社局2023年政府信息公开工作年度报告")
    2023
    """
    m = re.search(
        r"(\d{4})\s*年\s*度?[^\n。]{0,30}?(?:政府信息公开|政务公开|信息公开)[^\n。]{0,12}?报告", text[:4000]
    )
    if not m:
        m = re.search(r"(?:统计期限|统计数据|统计时限|数据期限)[^\n。]{0,12}?(\d{4})\s*年", text[:6000])
    return int(m.group(1)) if m else None


# --- section headings -------------------------------------------------------

# Canonical section of a heading, decided by words of its title; checked in
# this order ("四、因政府信息公开申请行政复议…" mentions 申请 too).
SECTION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("四", r"复议|诉讼"),
    ("三", r"申请"),
    ("二", r"主动公开"),
    ("五", r"问题|改进|不足|下一步|工作计划|努力方向|整改"),
    ("六", r"其他|其它|需要报告|说明|收费|附表|统计表"),
    ("一", r"总体情况|概述|概况|基本情况"),
)
_SECTION_KW = [(n, re.compile(p)) for n, p in SECTION_KEYWORDS]

_HEADING_RE = re.compile(
    r"(?:^|(?<=[。;!?:)|\s\d]))(?:#{1,6}[ \t]*)?(["
    + CN_DIGITS
    + r"]{1,2})[ \t\n]*、[ \t\n]*(?=([^\n]{0,60}))",
    re.M,
)


class Heading(NamedTuple):
    """A section heading: canonical number, printed number, title, span."""

    number: str | None
    printed: str
    title: str
    start: int
    end: int


# Row labels of table 3 that look like headings ("一、本年新收…").
_TABLE_ROW_TITLE_RE = re.compile(r"^\s*(?:本年度?新收|上年度?结转|本年度办理结果|结转下年度)")


def _canonical(title: str) -> str | None:
    head = title[:30]
    for number, pat in _SECTION_KW:
        if pat.search(head):
            return number
    return None


def section_headings(text: str) -> list[Heading]:
    r"""Find the top-level section headings (``一、总体情况`` …).

    A candidate ``X、title`` is accepted when its title names a known
    section (总体情况, 主动公开, 申请, 复议/诉讼, 问题/改进, 其他…), or when it
    stands alone on a short line (Shanghai's ``二、工作机制保障``).  The
    canonical number follows the title where it is recognised, else the
    printed number is kept.

    >>> [(h.number, h.printed) for h in section_headings("序\n一、总体情况\n文。二、主动公开政府信息情况")]
    [('一', '一'), ('二', '二')]
    >>> [h.number for h in section_headings("一、工作机制保障\n三、主动公开工作情况\n")]
    ['一', '二']
    """
    return list(_headings(text))


@lru_cache(maxsize=8)
def _headings(text: str) -> tuple[Heading, ...]:
    """Find the headings of ``text`` (once per text)."""
    out: list[Heading] = []
    for m in _HEADING_RE.finditer(text):
        printed, rest = m.group(1), m.group(2)
        line_start = m.start() == 0 or text[m.start() - 1] == "\n"
        title = rest.split("。")[0]
        if _TABLE_ROW_TITLE_RE.match(title):
            continue
        canon = _canonical(title)
        if canon is None:
            short_line = line_start and len(rest) <= 25 and not re.search(r"[。,;]", rest)
            if not short_line or not rest.strip():
                continue
        if printed.startswith("十") and len(printed) > 1 and printed != "十":
            continue
        end = m.start(2) + (len(rest) if line_start and len(rest) <= 30 else min(len(title), 20))
        out.append(Heading(canon or printed, printed, title.strip(), m.start(), end))
    return tuple(out)


def split_sections(text: str) -> list[tuple[str | None, int, int]]:
    r"""Split ``text`` into sections at the section headings.

    Returns ``(number, start, end)`` tuples covering the whole text; the
    preamble before the first heading has number ``None``.  ``number`` is the
    canonical section (``'一'`` … ``'六'``) where the heading's title is
    recognised, else the printed number (see :func:`section_headings`).

    >>> split_sections("前言\n一、总体情况\n正文\n五、存在的主要问题及改进情况\n无")
    [(None, 0, 3), ('一', 3, 13), ('五', 13, 29)]
    """
    out: list[tuple[str | None, int, int]] = []
    prev_start, prev_num = 0, None
    for h in _headings(text):
        if h.start > prev_start:
            out.append((prev_num, prev_start, h.start))
        prev_start, prev_num = h.start, h.number
    out.append((prev_num, prev_start, len(text)))
    return out


# --- tables -------------------------------------------------------------------

# Anchors that only occur in the statistical tables.
TABLE_ANCHORS: tuple[str, ...] = (
    r"第\s*二\s*十\s*条\s*第\s*\(\s*[一二三四五六七八九]\s*\)\s*项",
    r"本列数据的?勾稽关系",
    r"申请人情况",
    r"本年新收\s*政府信息公开申请数量",
    r"[三四]\s*、[^。\n]{0,40}?(?:复议|诉讼)[^。\n]{0,20}?情况[\s|]*行政复议",
    r"指\s*标\s*名\s*称",
)
_ANCHOR_RE = re.compile("|".join(f"(?:{a})" for a in TABLE_ANCHORS))
# Things that end a table region: a sentence end, a sub-heading that is not
# one of table 3's row groups, or a section heading outside 二/三/四.
_SUBHEAD_RE = re.compile(r"\(\s*[" + CN_DIGITS + r"]\s*\)(?![\s]*[予部不无其总项])")
_STOP_RE = re.compile(r"[。!?]")
_HEADING_START_RE = re.compile(r"\s*(?:#{1,6}\s*)?[" + CN_DIGITS + r"]{1,2}\s*、")
_PIPE_LINE_RE = re.compile(r"^\s*(?:\|?\s*:?-{3,}.*|.*\|.*\|.*)$")
_NUM_LINE_RE = re.compile(r"^[\d.,+\-%/ ]*\d[\d.,+\-%/ ]*$")
_NUM_LINES_RE = re.compile(r"^[\d.,+\-%/ ]*\d[\d.,+\-%/ ]*$", re.M)
_BAR_LINES_RE = re.compile(r"^[^\n|]*\|[^\n]*", re.M)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _table_end(text: str, start: int, heads: list[Heading]) -> int:
    end = len(text)
    for m in _STOP_RE.finditer(text, start):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not _HEADING_START_RE.match(text, line_start):  # "三、…情况。" is a heading
            end = m.start()
            break
    m = _SUBHEAD_RE.search(text, start, end)
    if m:
        end = m.start()
    for h in heads:
        if start < h.start < end and h.number not in ("二", "三", "四"):
            end = h.start
            break
    return end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def table_spans(text: str) -> list[tuple[int, int]]:
    r"""Character spans of table regions in ``text`` (sorted, merged).

    Covers the template tables (from an anchor such as ``第二十条第(一)项``,
    ``本列数据的勾稽关系`` or ``指标名称`` to the next sentence end, the next
    non-table sub-heading or the next section heading other than 二/三/四),
    lines holding ``|``-separated cells, and runs of three or more
    number-only lines.

    >>> t = "主动公开信息5条。\n二、主动公开政府信息情况\n第二十条第(一)项\n规章\n0\n五、存在的主要问题\n无。"
    >>> [t[s:e] for s, e in table_spans(t)]
    ['第二十条第(一)项\n规章\n0\n']
    """
    return list(_table_spans(text))


@lru_cache(maxsize=8)
def _table_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Find the table spans of ``text`` (once per text)."""
    spans: list[tuple[int, int]] = []
    # Runs of three or more number-only lines (each match is one whole line).
    run_start = run_end = -2
    n_run = 0
    for m in _NUM_LINES_RE.finditer(text):
        s, e = m.span()
        if s == run_end + 1:
            run_end, n_run = e, n_run + 1
            continue
        if n_run >= 3:
            spans.append((run_start, run_end))
        run_start, run_end, n_run = s, e, 1
    if n_run >= 3:
        spans.append((run_start, run_end))
    # Lines of ``|``-separated cells.
    if "|" in text:
        for m in _BAR_LINES_RE.finditer(text):
            line = m.group(0)
            if line.count("|") >= 2 or (line.strip().startswith("|") and _PIPE_LINE_RE.match(line)):
                spans.append(m.span())
    heads = _headings(text)
    pos = 0
    while True:
        m = _ANCHOR_RE.search(text, pos)
        if not m:
            break
        end = _table_end(text, m.end(), heads)
        spans.append((m.start(), max(end, m.end())))
        pos = max(end, m.end())
    return tuple(_merge(spans))


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies inside one of the sorted, merged ``spans``."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# --- joining broken lines ---------------------------------------------------------

_BREAK_BEFORE_RE = re.compile(
    r"^(?:#{1,6}\s|[>|*-]\s|[" + CN_DIGITS + r"]{1,2}\s*、|\(\s*[" + CN_DIGITS + r"]{1,2}\s*\)"
    r"|\(\d{1,2}\)|\d{1,2}\s*[.、](?![\d.])|第[" + CN_DIGITS + r"]+[部分章节]"
    r"|(?:标题|发布时间|文号|发布机构|索引号|来源|栏目|原始链接|原文链接|本地目录|正文|页面链接|单位|采集时间)\s*:)"
)
_HEADING_LINE_RE = re.compile(
    r"^(?:#{1,6}\s*)?(?:["
    + CN_DIGITS
    + r"]{1,2}\s*、|\(\s*["
    + CN_DIGITS
    + r"]{1,2}\s*\))[^。,;!?]{2,28}(?<!:)$"
)
_KEY_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*:")


def _joinable(a: str, b: str) -> bool:
    """Whether the break between line ``a`` and line ``b`` is mid-sentence."""
    if not a or not b:
        return False
    if a[-1] in _SENT_END or a.endswith(("==", "--")):
        return False
    if _BREAK_BEFORE_RE.match(b):
        return False
    if _HEADING_LINE_RE.match(a) or _KEY_LINE_RE.match(a) or a.lstrip().startswith(("#", "|")):
        return False
    return True


def join_broken_lines(text: str) -> tuple[str, list[int]]:
    r"""Join lines that a crawl broke in mid-sentence.

    A line break is removed when the line before it does not end a sentence
    (。！？；), the next line does not start a heading, an item (``1.``,
    ``(一)``) or a page-header field, the line before is not itself a short
    heading, and neither line lies in a table region (:func:`table_spans`).
    A blank line between two such fragments (page breaks of OCR/PDF text) is
    removed too.  Nothing else changes.

    Returns
    -------
    joined : str
        The text with those breaks removed.
    offsets : list of int
        ``offsets[i]`` is the position in ``text`` of ``joined[i]``;
        ``offsets[len(joined)] == len(text)``.

    Examples
    --------
    >>> j, off = join_broken_lines("全年刊发公报\n15\n2期。\n一、总体情况\n20\n23\n年")
    >>> j
    '全年刊发公报152期。\n一、总体情况\n2023年'
    >>> off[j.index("2期")]
    10

    """
    joined, offsets = _join(text)
    return joined, list(offsets)


# The same patterns, anchored by ``match(s, pos, endpos)`` rather than ``^``: a stripped line is
# matched inside the text it was cut from, without copying it.
_HEADING_LINE_AT = re.compile(_HEADING_LINE_RE.pattern.removeprefix("^"))
_KEY_LINE_AT = re.compile(_KEY_LINE_RE.pattern.removeprefix("^"))


@lru_cache(maxsize=8)
def _join(text: str) -> tuple[str, list[int]]:
    """:func:`join_broken_lines`, made once per text (callers must not change the offsets)."""
    tables = _table_spans(text)
    strs = text.split("\n")
    lines = _line_spans(text)
    blank = [not x.strip() for x in strs]
    drop: list[int] = []  # positions removed (line breaks, and the white space of blank lines), increasing
    i = 0
    n = len(lines)
    # The lines joined so far (``cur``), with the span of their text once stripped (lo:hi, None: all blank).
    cur = ""
    lo = hi = None
    while i < n:
        s, e = lines[i]
        line = strs[i]
        base = len(cur)
        cur = line if not cur else cur + line
        if not base:
            lo = hi = None
        ls = line.lstrip()
        if ls:
            if lo is None:
                lo = base + len(line) - len(ls)
            hi = base + len(line.rstrip())
        j = i + 1
        while j < n and blank[j]:
            j += 1
        if j >= n:
            break
        b = strs[j].strip()
        blank_gap = j > i + 1
        ok = (
            _joinable_at(cur, lo, hi, b)
            and not in_spans(e, tables)
            and not in_spans(lines[j][0], tables)
            and not (blank_gap and not (hi is not None and "\u4e00" <= cur[hi - 1] <= "\u9fff"))
            and not in_spans(max(s, e - 1), tables)
        )
        if ok:
            for k in range(i, j):
                if k > i:  # a blank line: drop its (whitespace-only) content too
                    drop.extend(range(lines[k][0], lines[k][1]))
                drop.append(lines[k][1])
        else:
            cur = ""
        i = j
    if not drop:
        return text, list(range(len(text) + 1))
    parts: list[str] = []
    offsets: list[int] = []
    prev = 0
    for d in drop:
        if d > prev:
            parts.append(text[prev:d])
            offsets.extend(range(prev, d))
        prev = d + 1
    parts.append(text[prev:])
    offsets.extend(range(prev, len(text) + 1))
    return "".join(parts), offsets


def _joinable_at(cur: str, lo: int | None, hi: int | None, b: str) -> bool:
    """:func:`_joinable` of ``cur.strip()`` (= ``cur[lo:hi]``) and ``b``, without copying ``cur``."""
    if hi is None or not b:
        return False
    if cur[hi - 1] in _SENT_END or cur.endswith(("==", "--"), lo, hi):
        return False
    if _BREAK_BEFORE_RE.match(b):
        return False
    if _HEADING_LINE_AT.fullmatch(cur, lo, hi) or _KEY_LINE_AT.match(cur, lo, hi) or cur[lo] in "#|":
        return False
    return True


# --- sentences ------------------------------------------------------------------------

_SENT_RE = re.compile(r"[^。!?;\n]*(?:[。!?;]+[”\")]?|\n|$)")
_PERIOD_RE = re.compile(r"[^。!?\n]*(?:[。!?]+[”\")]?|\n|$)")


def sentences(text: str, *, semicolons: bool = True) -> list[tuple[int, int]]:
    r"""Sentence spans ``(start, end)`` of ``text``.

    Splits after 。！？ (and ；/; unless ``semicolons=False``) and at line
    ends; run :func:`join_broken_lines` first so that only paragraph ends
    remain.  Spans exclude surrounding white space and the line break, and
    include the closing punctuation.

    >>> t = "收到申请1件;答复1件。\n二、情况"
    >>> [t[s:e] for s, e in sentences(t)]
    ['收到申请1件;', '答复1件。', '二、情况']
    >>> [t[s:e] for s, e in sentences(t, semicolons=False)]
    ['收到申请1件;答复1件。', '二、情况']
    """
    return _sentences_in(text, 0, len(text), semicolons)


def _sentences_in(text: str, lo: int, hi: int, semicolons: bool = True) -> list[tuple[int, int]]:
    """:func:`sentences` of ``text[lo:hi]``, as spans of ``text``."""
    pat = _SENT_RE if semicolons else _PERIOD_RE
    out: list[tuple[int, int]] = []
    for m in pat.finditer(text, lo, hi):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
