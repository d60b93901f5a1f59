"""Browser set-up for the example suite: pytest-playwright's fixtures on the system Chromium.

Playwright normally runs browsers it downloaded (`playwright install`); this suite uses the
Chromium already on the machine instead (PROMOSHOP_CHROMIUM, /usr/bin/chromium by default).
Headless, it prefers Debian's headless shell (package chromium-headless-shell) when installed:
the same Chromium without windows and tabs, at half the CPU, as Playwright's own headless runs.
On a machine with Playwright's own browsers, delete this file, or pass `--browser-channel
chrome` to use an installed Google Chrome.
"""
import os

import pytest

CHROMIUM = os.environ.get("PROMOSHOP_CHROMIUM", "/usr/bin/chromium")
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = CHROMIUM
    # --headed needs the whole browser; so does a PROMOSHOP_CHROMIUM of your choice.
    if ("PROMOSHOP_CHROMIUM" not in os.environ and browser_type_launch_args.get("headless", True)
            and os.path.exists(HEADLESS_SHELL)):
        chromium = HEADLESS_SHELL
    if not os.path.exists(chromium):
        return browser_type_launch_args
    return {**browser_type_launch_args, "executable_path": chromium, "args": ["--no-sandbox", "--disable-gpu"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def patient_expectations(page):
    # A busy CI machine can take more than Playwright's default 5 s to answer.
    page.set_default_timeout(15_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
