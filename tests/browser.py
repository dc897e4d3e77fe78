"""A real headless Chromium for the tests that open a page (Selenium and Debian's browser).

CI installs ``chromium`` and ``chromium-driver`` and sets ``KLANTSTROOM_REQUIRE_BROWSER=1``, so
there a browser test cannot be skipped; on a machine without them it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest


def browser(width: int = 1400, height: int = 1000) -> Any:
    """The Selenium driver of a new headless Chromium, or a skip (a failure in CI)."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    if not (chromium and driver and webdriver):
        if os.environ.get("KLANTSTROOM_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium, chromedriver and selenium are required here (CI)")
        pytest.skip("needs Debian's chromium and chromium-driver and the selenium package")
    options = Options()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)
