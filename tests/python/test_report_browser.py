"""The loyalty report in a real browser: headless Chromium draws every chart, logs no error.

Needs the Debian packages `chromium` and `chromium-driver` (/usr/bin/chromium,
/usr/bin/chromedriver); skipped with a message when they are absent (.ci/run installs
them). The browser runs with no network (file:// URL, background networking off), so a
chart that needed a CDN would not draw. The screenshot is kept at
reports/screenshots/loyalty_report.png (git-ignored) and its path printed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalty.report import write_report
from loyalty.report.marts import MartReader, open_marts

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,1000",
)
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "reports" / "screenshots"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"headless browser check needs {CHROMIUM} and {CHROMEDRIVER}: "
           "apt-get install -y chromium chromium-driver (.ci/run does)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="loyalty-chromium-")
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report_on_book(staged_clean, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, Path]:  # noqa: ANN001
    """The report of the session's clean small book (warehouse copied: nothing else holds the copy)."""
    folder = tmp_path_factory.mktemp("report_browser")
    warehouse = folder / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, warehouse)
    result = write_report(warehouse, folder / "loyalty_report.html")
    return result.path, result.charts, warehouse


def _draw_state(driver) -> dict[str, object]:  # noqa: ANN001
    return driver.execute_script(
        "const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));"
        "return {plots: plots.length,"
        " drawn: plots.filter(p => p._fullLayout && p.querySelector('.main-svg')).length,"
        " mainSvg: document.querySelectorAll('.main-svg').length,"
        " marks: document.querySelectorAll('.main-svg .trace, .main-svg path.point, .main-svg .bars').length,"
        " missing: document.querySelectorAll('section[data-state=missing]').length,"
        " sections: document.querySelectorAll('section[data-panel]').length,"
        " header: (document.getElementById('report-header') || {}).innerText || '',"
        " height: document.body.scrollHeight};")


def test_report_draws_every_chart_in_headless_chromium(browser, report_on_book) -> None:  # noqa: ANN001
    from selenium.webdriver.support.ui import WebDriverWait

    report, charts, warehouse = report_on_book
    assert charts >= 4, "the revenue marts alone give four charts"
    browser.get(report.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    WebDriverWait(browser, 30).until(lambda d: _draw_state(d)["drawn"] == charts)
    state = _draw_state(browser)

    browser.set_window_size(1400, min(int(state["height"]) + 40, 16000))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    if not (SCREENSHOT_DIR.parent / ".gitignore").exists():  # reports/ is build output
        (SCREENSHOT_DIR.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    screenshot = SCREENSHOT_DIR / "loyalty_report.png"
    assert browser.save_screenshot(str(screenshot)), f"no screenshot written to {screenshot}"
    print(f"\nscreenshot: {screenshot} ({screenshot.stat().st_size:,} bytes); report: {report}")

    assert state["plots"] == charts
    assert state["mainSvg"] >= charts, state  # plotly draws >= 1 .main-svg per chart (2: plot + hover layer)
    assert state["marks"] >= charts, state  # and actual bars/lines/points in them
    assert state["sections"] == 8
    with open_marts(warehouse) as marts:
        reader: MartReader = marts
        closing = reader.scalar("select closing_mrr from marts.fct_mrr_bridge order by month desc limit 1")
    assert state["missing"] == 0, "every panel's mart exists in a full build: none may say 'not available'"
    assert f"${float(closing):,.0f}" in str(state["header"])  # type: ignore[arg-type]

    severe = [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
    assert severe == [], f"console errors: {severe}"

