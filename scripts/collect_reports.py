#!/usr/bin/env python3
"""Assemble crawled reports into data/reports/ from saved read_file answers.

The reports in data/reports/ that are not from shared/reports were obtained
through the project's code-search tool (`read_file`, which returns a stored
file's text in pages of up to 16,000 characters).  Each answer was saved
verbatim as JSON, one file per page, named ``<target>.<offset>.json`` in a
raw directory.  This script:

* groups the pages by target file name, orders them by offset, checks that
  they come from one repo/path/commit, that each page starts where the last
  one ended, and that the pages add up to ``total_chars``;
* writes the concatenated text, UTF-8, unchanged, to data/reports/<target>;
  where the index stores a file with CRLF line ends, read_file returns LF
  text while total_chars counts the CRs: when the shortfall equals the number
  of line ends exactly, the CRLF line ends are restored (and flagged);
* prints one JSON line per target with the provenance fields for MANIFEST.csv.

It never edits a report's text.

usage: collect_reports.py RAW_DIR OUT_DIR [--check] [--short=NAME=N ...]
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
from collections import defaultdict


def load_pages(raw_dir: str) -> dict[str, list[dict]]:
    pages: dict[str, list[dict]] = defaultdict(list)
    for fn in sorted(glob.glob(os.path.join(raw_dir, "*.json"))):
        base = os.path.basename(fn)
        if base.startswith("_"):
            continue
        m = re.match(r"^(.*)\.(\d+)\.json$", base)
        if not m:
            raise SystemExit(f"bad raw name {base}")
        with open(fn, encoding="utf-8") as fh:
            d = json.load(fh)
        if d["offset"] != int(m.group(2)):
            raise SystemExit(f"{base}: offset {d['offset']} != name")
        pages[m.group(1)].append(d)
    return pages


def assemble(target: str, pages: list[dict], allow_short: int = 0) -> tuple[str, dict]:
    """Concatenate the pages of one file; return (text, provenance)."""
    pages = sorted(pages, key=lambda d: d["offset"])
    first = pages[0]
    for d in pages:
        for k in ("repo", "path", "commit", "total_chars"):
            if d[k] != first[k]:
                raise ValueError(f"{target}: {k} differs between pages")
    text = "".join(d["text"] for d in pages)
    total = first["total_chars"]
    crlf = False
    if len(text) != total and "\r" not in text and len(text) + text.count("\n") == total:
        # The index stores this file with CRLF line ends; read_file hands back
        # the text with LF only while total_chars and the offsets count the CRs.
        # Every line end was CRLF (the counts match exactly): restore them.
        crlf = True
    pos = 0
    for d in pages:
        if d["offset"] != pos:
            raise ValueError(f"{target}: page at {d['offset']} but expected {pos}")
        n = len(d["text"]) + (d["text"].count("\n") if crlf else 0)
        pos += n
        if "next_offset" in d and d["next_offset"] != pos:
            raise ValueError(f"{target}: next_offset {d['next_offset']} != {pos}")
    short = total - pos
    if short and not (0 < short <= allow_short and "next_offset" not in pages[-1]):
        raise ValueError(f"{target}: got {pos} chars of {total} (missing pages?)")
    if "next_offset" in pages[-1]:
        raise ValueError(f"{target}: last page still has next_offset")
    if crlf:
        text = text.replace("\n", "\r\n")
    assert len(text) == total - short
    meta = {"file": target, "source_repo": first["repo"], "source_path": first["path"],
            "source_commit": first["commit"], "total_chars": total,
            "pages": len(pages), "crlf_restored": crlf, "chars_short": short}
    return text, meta


def main(argv: list[str]) -> int:
    raw_dir, out_dir = argv[1], argv[2]
    check = "--check" in argv
    # --short NAME=N: a file whose read_file text is knowingly N characters
    # short of total_chars (a character read_file does not return; see the
    # manifest notes).  It is written as returned, never patched.
    allow = {}
    for a in argv:
        if a.startswith("--short="):
            name, n = a[len("--short="):].rsplit("=", 1)
            allow[name] = int(n)
    bad = 0
    for target, pages in sorted(load_pages(raw_dir).items()):
        try:
            text, meta = assemble(target, pages, allow.get(target, 0))
        except ValueError as exc:
            print("ERROR", exc, file=sys.stderr)
            bad += 1
            continue
        if not check:
            with open(os.path.join(out_dir, target), "wb") as fh:
                fh.write(text.encode("utf-8"))
        print(json.dumps(meta, ensure_ascii=False))
    return 1 if bad else 0


# --------------------------------------------------------------------------
# MANIFEST.csv
# --------------------------------------------------------------------------

MANIFEST_COLUMNS = ["file", "source_repo", "source_path", "source_commit", "retrieved",
                    "origin_url", "agency", "report_year", "template", "source_form",
                    "sha256", "notes"]

HEADER_URL = re.compile(r"^(?:原始链接|原文链接)[:：]\s*(\S+)", re.M)
NOTE_URL = re.compile(r"(?:\borig(?:inal)?(?: URL)?\s*:?\s*)(https?://[^\s,;)）]+)")
TITLE = re.compile(r"^标题[:：]\s*(.+)$", re.M)
HTML_TITLE = re.compile(r'<meta name="ArticleTitle" content="([^"]+)"')


def template_for(year: int) -> str:
    return "2021" if year >= 2021 else "2019" if year >= 2019 else "pre2019"


def sha256_of(path: str) -> str:
    import hashlib
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def header_url(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4000).decode("utf-8", "replace")
    m = HEADER_URL.search(head)
    return m.group(1) if m else ""


def write_manifest(out_dir: str, shared_dir: str, collected: str, notes_tsv: str,
                   retrieved: str) -> None:
    """Write out_dir/MANIFEST.csv: shared reports first, then the collected ones."""
    import csv
    rows = []
    with open(os.path.join(shared_dir, "MANIFEST.csv"), encoding="utf-8", newline="") as fh:
        shared = list(csv.DictReader(fh))
    by_file = {r["file"]: r for r in shared}
    for r in shared:
        path = os.path.join(out_dir, r["file"])
        url = header_url(path) if r["source_form"] != "pdf" else ""
        if not url:
            m = NOTE_URL.search(r["notes"])
            url = m.group(1) if m else ""
        if not url:
            m = re.match(r"original portal HTML of (\S+)", r["notes"])
            if m and m.group(1) in by_file:
                url = header_url(os.path.join(out_dir, m.group(1)))
        notes = r["notes"]
        if r.get("has_table3"):
            notes = f"has_table3={r['has_table3']}; " + notes
        rows.append({"file": r["file"], "source_repo": r["source_repo"],
                     "source_path": r["source_path"], "source_commit": r["source_commit"],
                     "retrieved": "via shared/reports", "origin_url": url,
                     "agency": r["agency"], "report_year": r["report_year"],
                     "template": r["format_version"], "source_form": r["source_form"],
                     "sha256": sha256_of(path), "notes": notes})
    extra = {}
    with open(notes_tsv, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                name, note = line.rstrip("\n").split("\t", 1)
                extra.setdefault(name, []).append(note)
    with open(collected, encoding="utf-8") as fh:
        metas = [json.loads(l) for l in fh if l.strip()]
    for meta in sorted(metas, key=lambda m: m["file"]):
        name = meta["file"]
        path = os.path.join(out_dir, name)
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        form = "html" if name.endswith(".html") else "page-text"
        sibling = os.path.join(out_dir, name[:-len(".html")] + ".txt") if form == "html" else ""
        title = (HTML_TITLE if form == "html" else TITLE).search(text).group(1).strip()
        m = re.match(r"(.+?)((?:19|20)\d\d)年", title)
        agency, year = m.group(1), int(m.group(2))
        if name.startswith("sanming_szf_"):
            agency = "三明市人民政府"        # the title names the city: 三明市<year>年政府信息公开工作年度报告
        elif name.startswith("pingtan_gwh_"):
            agency = "平潭综合实验区管委会"  # the title names the zone: 平潭综合实验区<year>年度…
        if meta.get("crlf_restored"):
            notes = ["read_file returned the text with LF line ends while total_chars counted CRs: the index "
                     "stores this file with CRLF, so every line end was written back as CRLF (then the "
                     "character count matches total_chars exactly); otherwise written unchanged as UTF-8"]
        else:
            notes = ["read_file returned text; written unchanged as UTF-8; line endings as stored by the index"]
        if meta.get("pages", 1) > 1:
            notes.append(f"read in {meta['pages']} read_file pages, concatenated at the offsets")
        if name.startswith("putian_") and form == "page-text":
            notes.append("crawler page.txt: header 标题/发布时间/文号/发布机构/栏目/原始链接 then 正文, "
                         "one table cell per line, LF; rows of zeros often print a single '0'")
        elif name.startswith("sanming_") and form == "page-text":
            notes.append("crawler page.txt: header 标题/发布时间/文号/发布机构/索引号/来源/栏目/原始链接/本地目录 "
                         "then 正文, one cell per line, inline spans split words and numbers across lines")
        elif name.startswith("pingtan_") and form == "page-text":
            notes.append("crawler page.txt: header then '==== 正文 ====' and the whole body on one line; "
                         "table cells run together without separators")
        if form == "html":
            notes.append("the portal page as crawled (page.html next to the page.txt); same report as "
                         + os.path.basename(sibling) + "; agency/year from <meta name=ArticleTitle>, "
                         "origin_url from that page.txt's 原始链接")
        if title != agency and not title.startswith(agency):
            notes.append(f"title: {title}")
        notes += extra.get(name, [])
        rows.append({"file": name, "source_repo": meta["source_repo"],
                     "source_path": meta["source_path"], "source_commit": meta["source_commit"],
                     "retrieved": retrieved,
                     "origin_url": header_url(sibling if form == "html" else path) or "",
                     "agency": agency, "report_year": year, "template": template_for(year),
                     "source_form": form, "sha256": sha256_of(path), "notes": "; ".join(notes)})
    with open(os.path.join(out_dir, "MANIFEST.csv"), "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=MANIFEST_COLUMNS)
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "manifest":
        # collect_reports.py manifest OUT_DIR SHARED_DIR COLLECTED.jsonl NOTES.tsv RETRIEVED_DATE
        write_manifest(*sys.argv[2:7])
        sys.exit(0)
    sys.exit(main(sys.argv))
