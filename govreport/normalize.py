"""One normalisation step shared by every reader.

Order matters and is fixed:

1. NFKC folding (full-width digits, letters and punctuation become half-width;
   ideographs are untouched);
2. removal of pinyin annotations that traditional-Chinese site converters put
   after a character (``據(jù)`` -> ``據``), also inside other parentheses;
3. traditional -> simplified with OpenCC (``t2s``);
4. whitespace folding: CR/LF to LF, every other run of white space (tabs,
   U+00A0, U+3000 after NFKC, zero-width spaces) to one ASCII space, lines
   stripped.  Line breaks are kept: crawled text carries structure in them.
   Control characters that are not white space (NUL …) are removed.

Lone UTF-16 surrogates (a ``str`` a crawler built carelessly) become U+FFFD
first (:func:`scrub_surrogates`), so that every later step can encode the text.

The original text is never modified; readers keep it beside the result.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize_text", "to_simplified", "strip_pinyin", "fold_whitespace", "compact", "scrub_surrogates"]

# A pinyin syllable as site converters print it: lower-case latin letters with
# at least one tone-marked vowel (or ü).  Neutral-tone syllables carry no mark;
# only the few that converters actually emit are accepted, so "(pdf)" or
# "(zfxxgk)" after a character is left alone.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_NEUTRAL = "de|le|me|zi|men|ne|ma|ba|zhe|ge|li|zi|tou|shang|xia|lou|mo"
_PINYIN_RE = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])\((?:[a-z]*[" + _TONED + r"][a-z" + _TONED + r"]*|(?:" + _NEUTRAL + r"))\)"
)
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Control characters that are not white space (NUL padding of a truncated download, stray
# escape codes): removed, so that "本年\x00新收" reads as 本年新收.  \t \n \v \f \r and
# \x1c-\x1f are white space and are folded with it.
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
# A lone UTF-16 surrogate (from a str built by a careless crawler) cannot be encoded.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SPACE_RE = re.compile(r"[^\S\n]+")
_LINE_EDGE_RE = re.compile(r" \n ?|\n ")  # only where there is a space to drop
_NEWLINES_RE = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s.json")


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations placed after Chinese characters.

    >>> strip_pinyin("根據(jù)規(guī)定(本列數(shù)據(jù))")
    '根據規定(本列數據)'
    >>> strip_pinyin("报告(PDF)和附件(zfxxgk)")
    '报告(PDF)和附件(zfxxgk)'
    """
    return _PINYIN_RE.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC's ``t2s`` dictionary."""
    if not text or text.isascii():
        return text
    return _converter().convert(text)


def fold_whitespace(text: str) -> str:
    """Fold line endings to LF and other white space runs to one space.

    >>> fold_whitespace(" a\\u00a0\\u00a0b \\r\\n c\\t")
    'a b\\nc'
    """
    text = _NEWLINES_RE.sub("\n", text)
    text = _ZERO_WIDTH_RE.sub("", text)
    text = CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    # every line stripped (a run of white space is one space by now), without a list of the
    # lines: a file of millions of blank lines would need gigabytes for one
    return _LINE_EDGE_RE.sub("\n", text).strip(" ")


def scrub_surrogates(text: str) -> str:
    r"""Join surrogate pairs into their character and replace lone surrogates with U+FFFD.

    >>> scrub_surrogates("本年\ud800新收") == "本年\ufffd新收", scrub_surrogates("\ud83d\ude00")
    (True, '😀')
    """
    if not _SURROGATE_RE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def normalize_text(text: str) -> str:
    """Apply the whole normalisation (NFKC, pinyin, t2s, white space).

    >>> normalize_text("本年新收 | １２ | ０\\u3000|")
    '本年新收 | 12 | 0 |'
    >>> normalize_text("根據(jù)規(guī)定")
    '根据规定'
    """
    text = scrub_surrogates(text)
    text = unicodedata.normalize("NFKC", text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    return fold_whitespace(text)


_COMPACT_RE = re.compile(r"[\s\u3000]+")


def compact(text: str) -> str:
    """Drop all white space (for matching labels whose words a crawl split).

    >>> compact("社会公益 组织")
    '社会公益组织'
    """
    return _compact(text) if len(text) <= 256 else _COMPACT_RE.sub("", text)


@lru_cache(maxsize=8192)
def _compact(text: str) -> str:
    return _COMPACT_RE.sub("", text)
