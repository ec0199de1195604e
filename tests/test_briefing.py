"""Tests of govreport.briefing: self-contained, code-free, script-free HTML briefings.

The browser tests open the briefing in Debian's headless Chromium through selenium and
Debian's chromedriver.  Without them they skip, except on CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import govreport
from govreport import briefing
from govreport.briefing import BriefingError, find_external_references, render_briefings, sanitize_html

REPO_ROOT = Path(govreport.__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GOVREPORT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GOVREPORT_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1800",
    "--force-device-scale-factor=1",
]

ZH_TEXT = "政府信息公开"
ESCAPED_PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=\"window.__pwned=1;document.title='pwned';alert(1)\">"
)
RAW_PAYLOAD = "<img src=x onerror=\"window.__pwned=2;document.title='pwned';alert(2)\"><script>window.__pwned=3;alert(3)</script>"
MARKDOWN = f"""# {ZH_TEXT}工作年度报告 Annual report

<p id="zh-probe">{ZH_TEXT}工作年度报告</p>

{ZH_TEXT} Government information disclosure: 主动公开与依申请公开。

<img src=x onerror="window.__pwned=4;alert(4)"><script>window.__pwned=5</script>

[bad link](javascript:alert(5)) and [good link](https://www.gov.cn/)
"""
CHART_CELL = """\
import matplotlib.pyplot as plt
import pandas as pd
from govreport import plotting as gp
_ = gp.use_style()
df = pd.DataFrame({"机关 Agency": ["市教育局", "市公安局"], "件数 Requests": [12, 30]})
_ = gp.bar_by(df, "机关 Agency", "件数 Requests", title=("依申请公开", "Requests received"))
plt.show()
"""
PAYLOAD_CELL = f"""\
import html
from IPython.display import HTML, display
payload = {ESCAPED_PAYLOAD!r}
display(HTML('<p class="payload">' + html.escape(payload) + '</p>'))   # what the library does
display(HTML('<div class="raw">' + {RAW_PAYLOAD!r} + '</div>'))       # a library bug: unescaped
print(payload)
"""


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    if _on_ci():
        pytest.fail(f"{reason}; CI is set, so the browser tests must run (make setup installs them)")
    pytest.skip(reason)


def _execute(nb, cwd: Path):
    from nbclient import NotebookClient

    with pytest.MonkeyPatch.context() as mp:  # the kernel must import this checkout of govreport
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
        mp.delenv("MPLBACKEND", raising=False)  # conftest may set Agg: the kernel must use inline
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
        ).execute()
    return nb


@pytest.fixture(scope="module")
def nb_dir(tmp_path_factory) -> Path:
    """A folder holding one small executed notebook, ``demo.ipynb``."""
    folder = tmp_path_factory.mktemp("notebooks")
    nb = new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    nb.cells = [
        new_markdown_cell(MARKDOWN),
        new_code_cell(CHART_CELL),
        new_code_cell(PAYLOAD_CELL),
        new_code_cell("print('TOP-SECRET-REMOVED-CELL')", metadata={"tags": ["remove-cell"]}),
        new_code_cell("print('OUTPUT-OF-REMOVE-OUTPUT')", metadata={"tags": ["remove-output"]}),
        new_code_cell("import warnings\nwarnings.warn('NOISY-WARNING')"),
    ]
    _execute(nb, folder)
    nbformat.write(nb, folder / "demo.ipynb")
    return folder


@pytest.fixture(scope="module")
def page_path(nb_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("briefings")
    written = render_briefings(nb_dir, out)
    assert written == [out / "demo.html"]
    return written[0]


@pytest.fixture(scope="module")
def page(page_path) -> str:
    return page_path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the notebook itself


def test_chart_cell_drew_chinese_without_glyph_warnings(nb_dir):
    nb = nbformat.read(nb_dir / "demo.ipynb", as_version=4)
    chart = nb.cells[1]
    assert any("image/png" in out.get("data", {}) for out in chart.outputs), chart.outputs
    stderr = "".join(out.get("text", "") for out in chart.outputs if out.get("name") == "stderr")
    assert "Glyph" not in stderr and "missing from font" not in stderr


# --------------------------------------------------------------------------- static checks of the HTML


def test_no_external_requests(page):
    assert find_external_references(page) == []
    tag_urls = re.findall(
        r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*?(?:src|href)\s*=\s*[\"']?(?:https?:)?//",
        page,
        re.I,
    )
    assert tag_urls == []
    assert not re.search(
        r"<script\b", page, re.I
    )  # no script element at all: nothing to load, nothing to run
    for cdn in ("cdnjs.cloudflare.com", "unpkg.com", "cdn.jsdelivr.net", "require.min.js", "mathjax/2"):
        assert cdn not in page


def test_find_external_references_catches_what_it_should():
    sample = (
        '<script src="https://cdn.example/require.js"></script>'
        "<link rel=stylesheet href=//fonts.example/css>"
        "<img src='http://example.org/x.png'>"
        "<style>body{background:url( https://example.org/bg.png )} @import 'https://example.org/a.css';</style>"
        '<a href="https://www.gov.cn/">a link is not a request</a>'
        '<img src="data:image/png;base64,AAAA">'
    )
    assert find_external_references(sample) == [
        "https://cdn.example/require.js",
        "//fonts.example/css",
        "http://example.org/x.png",
        "https://example.org/bg.png",
        "https://example.org/a.css",
    ]


def test_csp_forbids_scripts_and_remote_loads(page):
    match = re.search(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', page)
    assert match, "CSP meta tag missing"
    assert "default-src 'none'" in html.unescape(match.group(0))
    assert page.index("Content-Security-Policy") < page.index("<style")


def test_no_code_and_no_prompts(page):
    body = page[page.index("<body") :]
    for code in ("gp.bar_by", "import matplotlib", "use_style", "display(HTML", "warnings.warn"):
        assert code not in body
    for cls in ("jp-InputPrompt", "jp-OutputPrompt", "jp-CodeMirrorEditor", "highlight"):
        assert cls not in body
    assert not re.search(r"(In|Out)\s*(&nbsp;|\s)*\[\d*\]", body)


def test_cell_tags_and_stderr(page):
    assert "TOP-SECRET-REMOVED-CELL" not in page  # remove-cell
    assert "OUTPUT-OF-REMOVE-OUTPUT" not in page  # remove-output
    assert "NOISY-WARNING" not in page  # stderr streams are not part of a briefing


def test_markdown_text_is_there(page):
    assert ZH_TEXT in page
    assert "Government information disclosure" in page
    assert 'lang="zh"' in page


def test_images_are_inline_pngs(page):
    sources = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", page)
    assert sources, "the chart is missing"
    assert all(src.startswith("data:image/") for src in sources)
    png = base64.b64decode(sources[0].split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_payloads_are_text_not_markup(page):
    # the escaped payload is shown as text, twice (the HTML output and the print output)
    assert page.count(html.escape("<script>alert(1)</script>", quote=False)) >= 2
    # no event handler attribute, no javascript: URL, no script anywhere
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, re.I)
    assert "javascript:" not in page
    assert "alert(2)" not in page and "alert(3)" not in page  # the unescaped payload was stripped
    assert "good link" in page and 'href="https://www.gov.cn/"' in page


# --------------------------------------------------------------------------- sanitize_html


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle r=1></circle></svg>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="  JaVaScRiPt:alert(1)">x</a>',
        '<iframe src="https://example.org"></iframe>',
        '<object data="https://example.org/x.swf"></object>',
        "<style>@import url(https://example.org/x.css);</style>",
        "<style>p{background:url(https://example.org/x.png)}</style>",
        '<div style="background-color: url(https://example.org/x.png)">x</div>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '<form action="https://example.org"><input type=submit></form>',
        '<img src="https://example.org/pixel.gif">',
        "<!--<img src=x onerror=alert(1)>-->",
        '<p title="<style>a{}</style>" style="color:red">x</p>',
    ],
)
def test_sanitize_html_neutralises(dirty):
    clean = sanitize_html(dirty)
    assert not re.search(r"<\s*(script|iframe|object|svg|math|form|input|noscript)\b", clean, re.I)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", clean, re.I)
    assert "javascript:" not in clean.lower()
    assert find_external_references(clean) == []


def test_sanitize_html_keeps_dataframes_and_their_style():
    import pandas as pd

    frame = pd.DataFrame({"机关 Agency": ["市教育局"], "件数 Requests": [12]}).set_index("机关 Agency")
    clean = sanitize_html(frame._repr_html_())
    for tag in ("<table", "<thead", "<tbody", "<th", "<td", "<style>"):
        assert tag in clean
    assert "市教育局" in clean and ">12<" in clean
    assert 'class="dataframe"' in clean


def test_sanitize_html_keeps_data_images_and_headings():
    img = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="图 chart">'
    clean = sanitize_html(f"<h2>标题 Title</h2><p>{img}</p>")
    assert clean.startswith("<h2>标题 Title</h2>")
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in clean


# --------------------------------------------------------------------------- failures and options


def test_error_outputs_are_refused(tmp_path):
    nb = new_notebook()
    cell = new_code_cell("1/0")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
    ]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "broken.ipynb")
    with pytest.raises(BriefingError, match="ZeroDivisionError"):
        render_briefings(tmp_path, tmp_path / "out")


def test_execute_reruns_the_notebook(tmp_path, monkeypatch):
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## 重新执行 Re-run"),
        new_code_cell("print('fresh', 6 * 7)"),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"),
    ]
    nbformat.write(nb, tmp_path / "fresh.ipynb")
    assert "fresh 42" not in render_briefings(tmp_path, tmp_path / "a")[0].read_text(encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    monkeypatch.setenv("MPLBACKEND", "Agg")  # render_briefings(execute=True) must not pass it on
    page = render_briefings(tmp_path, tmp_path / "b", execute=True)[0].read_text(encoding="utf-8")
    assert "fresh 42" in page
    assert 'src="data:image/png;base64,' in page  # inline backend, whatever MPLBACKEND says
    # the committed notebook is left as it was
    assert nbformat.read(tmp_path / "fresh.ipynb", as_version=4).cells[1].outputs == []


def test_execute_failure_is_a_briefing_error(tmp_path):
    nb = new_notebook()
    nb.cells = [new_code_cell("raise RuntimeError('boom')")]
    nbformat.write(nb, tmp_path / "boom.ipynb")
    with pytest.raises(BriefingError, match="boom"):
        render_briefings(tmp_path, tmp_path / "out", execute=True)


def test_command_line(nb_dir, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "govreport.briefing", str(nb_dir), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "demo.html").is_file()
    assert result.stdout.strip().endswith("demo.html")
    assert briefing.main([str(tmp_path / "missing"), "-o", str(tmp_path / "x")]) == 1


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """Headless Debian Chromium driven by Debian's chromedriver (never selenium-manager)."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            _unavailable(f"{path} not found: apt-get install {package} (or make setup)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed: pip install -e '.[test]'")
    if (
        not shutil.which("fc-list")
        or "Noto Sans CJK"
        not in subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    ):
        _unavailable("no Noto Sans CJK system font for the browser: apt-get install fonts-noto-cjk")

    workdir = tmp_path_factory.mktemp("chromium")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'profile'}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")  # a dialog must be seen, not dismissed
    service = Service(executable_path=CHROMEDRIVER, log_output=str(workdir / "chromedriver.log"))
    drv = webdriver.Chrome(service=service, options=options)
    # record dialogs instead of blocking on them; CDP scripts are not subject to the page's CSP
    drv.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__dialogs = [];"
            "for (const k of ['alert', 'confirm', 'prompt', 'print'])"
            "  window[k] = (m) => { window.__dialogs.push(k + ':' + m); };"
        },
    )
    yield drv
    drv.quit()


def _open(driver, path: Path) -> None:
    driver.get_log("performance")  # drop what came before
    driver.get(path.as_uri())
    driver.execute_script("return document.readyState")


def _no_dialog(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    pytest.fail(f"a dialog opened: {text!r}")


@pytest.mark.browser
def test_browser_page_renders_without_injection_or_requests(driver, page_path):
    _open(driver, page_path)
    _no_dialog(driver)
    state = driver.execute_script(
        "return {title: document.title, pwned: window.__pwned === undefined ? null : window.__pwned,"
        " dialogs: window.__dialogs, text: document.body.innerText}"
    )
    assert state["dialogs"] == [], (
        "the dialog recorder did not run" if state["dialogs"] is None else state["dialogs"]
    )
    assert state["pwned"] is None
    assert state["title"] == "demo"
    assert ZH_TEXT in state["text"]
    assert "<script>alert(1)</script>" in state["text"]  # the escaped payload is visible as text

    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert page_path.as_uri() in requests
    external = [u for u in requests if re.match(r"(https?|wss?|ftp):|//", u)]
    assert external == []


@pytest.mark.browser
def test_browser_sanitiser_alone_stops_injection(driver, page_path, tmp_path):
    """Same page without its CSP: the sanitised markup alone must run nothing."""
    source = page_path.read_text(encoding="utf-8")
    stripped = re.sub(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', "", source)
    assert stripped != source
    no_csp = tmp_path / "no-csp.html"
    no_csp.write_text(stripped, encoding="utf-8")
    _open(driver, no_csp)
    _no_dialog(driver)
    assert driver.execute_script(
        "return [window.__dialogs, window.__pwned === undefined, document.title]"
    ) == [[], True, "demo"]


@pytest.mark.browser
def test_browser_images_load(driver, page_path):
    _open(driver, page_path)
    images = driver.execute_script(
        "return Array.from(document.images).map(i => ({complete: i.complete, width: i.naturalWidth,"
        " src: i.currentSrc.slice(0, 22)}))"
    )
    assert images, "no image on the page"
    broken = [i for i in images if not (i["complete"] and i["width"] > 0)]
    assert broken == []
    assert all(i["src"].startswith("data:image/") for i in images)


@pytest.mark.browser
def test_browser_draws_chinese_with_a_cjk_font(driver, page_path, tmp_path):
    import matplotlib.image as mpimg
    import numpy as np

    _open(driver, page_path)
    # the fonts Chromium actually used for the probe paragraph's glyphs
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": "#zh-probe"})["nodeId"]
    assert node, "probe paragraph missing"
    fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    n_han = len("政府信息公开工作年度报告")
    cjk = [f for f in fonts if "CJK" in f["familyName"]]
    assert cjk, f"Chinese drawn without a CJK font: {fonts}"
    assert sum(f["glyphCount"] for f in cjk) == n_han
    assert cjk[0]["familyName"] == "Noto Sans CJK SC"  # lang="zh" picks the simplified face

    # full-width glyphs: a 20px run of Han characters is ~20px per character
    width = driver.execute_script(
        "const s = document.createElement('span'); s.style.fontSize = '20px'; s.style.whiteSpace = 'nowrap';"
        "s.textContent = arguments[0]; document.body.appendChild(s);"
        "const w = s.getBoundingClientRect().width; s.remove(); return w;",
        "政府信息公开工作年度报告",
    )
    assert abs(width - 20 * n_han) <= 0.05 * 20 * n_han

    shot = tmp_path / "briefing.png"
    assert driver.save_screenshot(str(shot))
    pixels = mpimg.imread(shot)[..., :3]
    ink = (pixels < 0.9).any(axis=-1).mean()
    assert 0.01 < ink < 0.9, f"screenshot looks blank or solid (ink {ink:.3f})"
    assert len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 50


@pytest.mark.browser
def test_browser_probe_would_see_an_injection(driver, tmp_path):
    """Negative control: the same checks do catch a script that runs."""
    evil = tmp_path / "evil.html"
    evil.write_text(
        "<!DOCTYPE html><html><head><title>demo</title></head><body>" + RAW_PAYLOAD + "</body></html>",
        encoding="utf-8",
    )
    _open(driver, evil)
    dialogs, pwned, title = driver.execute_script("return [window.__dialogs, window.__pwned, document.title]")
    assert dialogs and pwned is not None and title == "pwned"
