"""The promoshop.testing pytest plugin, run as a suite author runs it: pytest in a subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def inner_env() -> dict[str, str]:
    """This environment without what marks the outer pytest's test or xdist worker, so the inner
    run is a suite of its own even when the outer one runs under pytest-xdist."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST"))}


def run_pytest(directory: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """pytest on `directory` in its own process, with its own temporary folder and no cache."""
    command = [sys.executable, "-m", "pytest", str(directory), "-p", "no:cacheprovider",
               "--basetemp", str(directory.parent / f"{directory.name}-tmp"), "-q", *args]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=timeout, env=inner_env())


def suite(tmp_path: Path, source: str) -> Path:
    directory = tmp_path / "suite"
    directory.mkdir()
    (directory / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n")
    (directory / "test_store.py").write_text(textwrap.dedent(source))
    return directory


def test_the_plugin_is_installed_as_a_pytest11_entry_point():
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins.get("promoshop.testing") == "shop.testing.pytest_plugin"


@pytest.mark.slow
def test_an_unrelated_suite_starts_nothing(tmp_path):
    directory = suite(tmp_path, """
        def test_arithmetic():
            assert 1 + 1 == 2
    """)
    result = run_pytest(directory)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert not list((tmp_path / "suite-tmp").glob("promoshop*"))


@pytest.mark.slow
def test_the_fixtures_ask_for_the_opt_in(tmp_path):
    directory = suite(tmp_path, """
        def test_store(promoshop_server):
            pass
    """)
    result = run_pytest(directory)
    assert result.returncode == 1
    assert "the promoshop fixtures need --promoshop on the command line or @pytest.mark.promoshop" in result.stdout


@pytest.mark.slow
def test_a_marked_suite_gets_a_real_store_with_reset_and_clock(tmp_path):
    directory = suite(tmp_path, """
        import json
        import urllib.request

        import pytest

        pytestmark = pytest.mark.promoshop


        def test_the_store_is_reset_and_serves_pages(promoshop_server, promoshop_reset):
            with urllib.request.urlopen(promoshop_server.url + "/deals") as response:
                assert "BLCKFRDY" in response.read().decode()
            assert "vip" in promoshop_reset()["personas"]


        def test_the_clock_is_released_after_the_test(promoshop_clock):
            assert promoshop_clock.freeze("2026-12-01T16:30:00-05:00").isoformat() == "2026-12-01T16:30:00-05:00"
            assert promoshop_clock.advance(90).isoformat() == "2026-12-01T16:31:30-05:00"


        def test_the_clock_runs_again(promoshop_server):
            assert promoshop_server.call("/_test/clock", method="GET")["frozen"] is False
    """)
    result = run_pytest(directory)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


@pytest.mark.e2e
@pytest.mark.slow
def test_the_example_playwright_suite_passes(tmp_path):
    """CI runs examples/playwright (its own pytest.ini turns the plugin on) against a store
    started by the plugin, in Chromium, through pytest-playwright."""
    command = [sys.executable, "-m", "pytest", str(REPO_ROOT / "examples" / "playwright"), "-p", "no:cacheprovider",
               "--basetemp", str(tmp_path / "examples"), "-q"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, env=inner_env())
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "7 passed" in result.stdout
