"""The ``promoshop.testing`` pytest plugin: a promoshop store for end-to-end suites.

Installed with promoshop (a ``pytest11`` entry point), and asleep until asked: its fixtures
work only with ``--promoshop`` on the command line or the ``promoshop`` marker on the test,
and nothing starts until a test uses one. docs/testing.md is the reference.

    promoshop_server   (session) the store on a free port in test mode, reset to the scenario;
                       ``.url``, ``.token``, ``.reset()``, ``.freeze()``, ``.advance()``, ``.release()``
    promoshop_reset    the store reset before the test (clock released); call it to reset again,
                       e.g. ``promoshop_reset("scenarios/arabica-thb.yaml")``
    promoshop_clock    ``.freeze(moment)``, ``.advance(seconds)``, ``.release()``, ``.now()``;
                       released when the test ends
    shopper_page       ``shopper_page("vip")``: the test's Playwright ``page`` (pytest-playwright's,
                       or your own ``page`` fixture), signed in as that persona, on the home page

Options: ``--promoshop``, ``--promoshop-scenario PATH`` (default scenarios/arabica.yaml),
``--promoshop-url URL`` with ``--promoshop-token TOKEN`` to test a store that is already running
(then it is yours to start, in test mode). Each pytest-xdist worker starts a store of its own.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import DEFAULT_SCENARIO
from .store import Store, StoreError, StoreProcess

MARKER = "promoshop"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("promoshop", "promoshop store for end-to-end tests")
    group.addoption("--promoshop", action="store_true", default=False,
                    help="turn on the promoshop fixtures (or mark tests with @pytest.mark.promoshop)")
    group.addoption("--promoshop-scenario", default=None, metavar="PATH",
                    help=f"scenario pack the store is reset to (default: {DEFAULT_SCENARIO.name} of promoshop)")
    group.addoption("--promoshop-url", default=None, metavar="URL",
                    help="test this running store (in test mode) instead of starting one")
    group.addoption("--promoshop-token", default=None, metavar="TOKEN",
                    help="its PROMOSHOP_TEST_TOKEN (with --promoshop-url)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: the test uses the promoshop store fixtures")


_marked_tests = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_marked_tests] = any(item.get_closest_marker(MARKER) is not None for item in items)


def _opted_in(config: pytest.Config) -> bool:
    return bool(config.getoption("promoshop") or config.stash.get(_marked_tests, False))


@pytest.fixture(scope="session")
def promoshop_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The store under test, reset to the scenario once when it starts."""
    config = request.config
    if not _opted_in(config):
        pytest.fail("the promoshop fixtures need --promoshop on the command line or @pytest.mark.promoshop on the "
                    "tests that use them", pytrace=False)
    scenario = config.getoption("promoshop_scenario")
    url = config.getoption("promoshop_url")
    if url:
        token = config.getoption("promoshop_token")
        if not token:
            raise pytest.UsageError("--promoshop-url needs --promoshop-token (the store's PROMOSHOP_TEST_TOKEN)")
        store = Store(url=url.rstrip("/"), token=token, scenario=scenario)
        store.reset()
        yield store
        return
    pack = Path(scenario).resolve() if scenario else DEFAULT_SCENARIO
    try:
        process = StoreProcess.start(pack, tmp_path_factory.mktemp("promoshop"))
    except StoreError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        process.store.reset()
        yield process.store
    finally:
        process.stop()


@pytest.fixture
def promoshop_reset(promoshop_server: Store) -> Callable[..., dict[str, Any]]:
    """Resets the store before the test; call it to reset again: ``promoshop_reset(scenario, now=...)``."""
    promoshop_server.reset()
    return promoshop_server.reset


class Clock:
    """The store's clock for one test; released when the test ends."""

    def __init__(self, store: Store) -> None:
        self.freeze = store.freeze
        self.advance = store.advance
        self.release = store.release
        self.now = store.now


@pytest.fixture
def promoshop_clock(promoshop_server: Store) -> Iterator[Clock]:
    clock = Clock(promoshop_server)
    yield clock
    promoshop_server.release()


@pytest.fixture
def shopper_page(request: pytest.FixtureRequest, promoshop_server: Store) -> Callable[[str], Any]:
    """``page = shopper_page("vip")``: the test's ``page``, signed in as that persona through
    POST /_test/persona (its cookie lands in the page's browser context), on the home page."""

    def sign_in(persona: str) -> Any:
        page = request.getfixturevalue("page")
        response = page.request.post(f"{promoshop_server.url}/_test/persona", data={"persona": persona},
                                     headers={"X-Test-Token": promoshop_server.token})
        if not response.ok:
            raise StoreError(f"signing in as {persona!r} answered {response.status}: {response.text()}")
        page.goto(f"{promoshop_server.url}/")
        return page

    return sign_in
