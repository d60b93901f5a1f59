"""Shared test rig: apps, test clients, live servers and a real browser.

Unit tests:   ``app`` / ``client`` (CSRF off, throwaway instance folder and SQLite file).
              ``make_app(**overrides)`` for a different config.
E2E tests:    mark with ``@pytest.mark.e2e`` and take ``page`` plus ``live_server``
              (one app for the whole session, CSRF on as in production) or
              ``make_live_server(app)`` for a server around an app of your own.
              ``screenshot("name")`` saves test-artifacts/name.png; a failing test that used
              ``page`` gets test-artifacts/<test id>.png automatically.
              ``remember_texts(selector)`` for text that shows only for a moment (toasts).
"""

import json
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.routing.rules import Rule
from werkzeug.serving import make_server

from app import create_app

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"

# Debian's headless shell (package chromium-headless-shell), the same Chromium without the
# browser's windows, tabs and UI: what Playwright itself runs for headless tests. A browser test
# costs it half the CPU the whole browser takes (renderer, browser and GPU processes together).
HEADLESS_SHELL_PATH = "/usr/lib/chromium/chromium-headless-shell"
# The whole browser, for the tests marked `full_chromium`: they check what only a browser with
# tabs does, such as fetching the page's icon for its tab.
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Offline: no host but this machine resolves, so a request that leaves it fails at once in
    # Chromium itself. The `page` fixture fails the test that made one (see OFFSITE).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
VIEWPORT = {"width": 1280, "height": 900}
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"
# Any URL not on this machine. Chromium cannot reach one (CHROMIUM_ARGS); the `page` fixture
# notes the failed requests it matches. Not a route: intercepting makes Chromium pause every
# request of the page (HTML, CSS, scripts, images) for a round trip to Playwright's driver,
# about 10 % of the browser tests' CPU.
OFFSITE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)(:\d+)?(/|$))")


def _reuse_url_builders() -> None:
    """Every app the tests build compiles a URL builder for each of its ~430 routes: werkzeug
    generates and compiles Python source for each, 0.12 s of CPU of an app's 0.16 s start.
    The builder is a pure function of the rule's text, its parsed parts and its defaults (it
    reads the rule's converters and query encoding through its ``self`` when called), so a
    test process compiles each one once and binds the same function to later apps' rules.
    Production builds one app per process and keeps werkzeug as it is."""
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "reused", False):
        return
    builders: dict[tuple, Callable[..., Any]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        defaults = self.defaults or {}
        key = (self.rule, tuple(self._trace), append_unknown, repr(sorted(defaults.items())),
               tuple((name, type(converter), repr(vars(converter)))
                     for name, converter in sorted(self._converters.items()) if name in defaults))
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = original(self, append_unknown)
        return builder

    compile_builder.reused = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


_reuse_url_builders()


def isolated_config(instance_path: Path, **overrides: Any) -> dict[str, Any]:
    """Config for an app isolated in ``instance_path``, whatever DATABASE_URL says."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'promoshop.db'}",
        "WTF_CSRF_ENABLED": False,
        # Production hashes passwords with scrypt (about 70 ms of CPU per hash and per check);
        # the tests only need *a* salted hash. tests/web/test_account.py checks the default.
        "CUSTOMER_PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        "CONSOLE_PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
    }
    config.update(overrides)
    return config


# --- Flask apps ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the latest migration, made once per test process by a real start-up.

    Running every migration costs most of an app's start (and fsyncs on each step); a copy
    of the result is the same schema, and each app still checks it is at head on start."""
    folder = tmp_path_factory.mktemp("migrated")
    template = create_app(isolated_config(folder))
    with template.app_context():
        from shop.web.extensions import db

        db.engine.dispose()
    migrated = folder / "promoshop.db"
    # The backup API copies committed pages whatever the journal mode, WAL included.
    with sqlite3.connect(migrated) as source, sqlite3.connect(folder / "migrated.db") as copy:
        source.backup(copy)
    return folder / "migrated.db"


@pytest.fixture(scope="session")
def make_app(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_file: Path) -> Callable[..., Flask]:
    """``make_app(DEMO_MODE=False, WTF_CSRF_ENABLED=True, ...)`` -> a fresh app with its own
    instance folder and SQLite file. Session-scoped so module/session fixtures can use it too."""

    def build(**overrides: Any) -> Flask:
        instance = tmp_path_factory.mktemp("instance")
        config = isolated_config(instance, **overrides)
        database = _new_sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
        if database is not None and overrides.get("DATABASE_AUTO_UPGRADE") is not False:
            # Stands in for the upgrade at start-up; an app told not to upgrade starts empty.
            # A SQLite file of the caller's own (app_on, isolated_database) that does not exist
            # yet gets the copy too: running every migration costs twice the rest of a start.
            shutil.copyfile(migrated_sqlite_file, database)
        return create_app(config)

    return build


def _new_sqlite_file(url: str) -> Path | None:
    """The file a sqlite:/// URL names, when it does not exist yet; None otherwise."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    return None if path.exists() else path


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


# --- Order under pytest-xdist -----------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist worksteal`` (scripts/test) each of the N workers starts with a contiguous
    share of the collection (the first N-th, the next, ...) and steals from the end of another's
    share when its own runs out. Left in collection order, a share can end with a minute-long
    test (a gunicorn rig, a fuzz shard) that one worker runs alone while the others are idle.

    So each share starts with its part of the tests marked ``slow``, dealt round-robin, and goes
    on with a contiguous run of the rest in collection order: the long tests start first, and
    modules stay together (their module-scoped fixtures are built once, on one worker)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:
        return
    rest = [item for item in items if not item.get_closest_marker("slow")]
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for share in range(workers):
        size = remaining // (workers - share)         # xdist's split: len(pending) // nodes left
        dealt = slow[share::workers]
        taken = max(0, size - len(dealt))
        ordered += dealt + rest[:taken]
        rest = rest[taken:]
        remaining -= size
    items[:] = ordered + rest


# --- Live servers --------------------------------------------------------------------------


class LiveServer:
    """``app`` served by werkzeug on 127.0.0.1 at a free port, in a daemon thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live-server {self.url}", daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def __str__(self) -> str:
        return self.url


@pytest.fixture(scope="session")
def live_app(make_app: Callable[..., Flask]) -> Flask:
    # CSRF stays on: the browser must send real tokens, exactly as shoppers' browsers do.
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Base URL (no trailing slash) of the session-wide live server, e.g. http://127.0.0.1:40123."""
    server = LiveServer(live_app).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def make_live_server() -> Iterator[Callable[[Flask], str]]:
    """``url = make_live_server(make_app(DEMO_MODE=False))``. Session-scoped so fixtures of any
    scope can start one; every server started is stopped when the session ends."""
    servers: list[LiveServer] = []

    def start(app: Flask) -> str:
        server = LiveServer(app).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


# --- Browser -------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item so fixtures can tell, at teardown, whether it failed.
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


_phase_reports = pytest.StashKey[dict]()


def _test_failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_phase_reports, {})
    return any(r.failed for r in reports.values())


def _artifact_path(name: str) -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    return ARTIFACTS_DIR / f"{safe}.png"


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    """Chromium's headless shell, one per test process."""
    chromium = _playwright.chromium.launch(executable_path=HEADLESS_SHELL_PATH, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def full_browser(_playwright):
    """The whole Chromium, started only in the test processes that run a `full_chromium` test."""
    chromium = _playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser context and page. Requests that leave this machine are blocked and fail
    the test: the store must work offline (vendored htmx, no CDNs, no trackers). A test marked
    `full_chromium` gets its page from the whole browser instead of the headless shell."""
    if request.node.get_closest_marker("full_chromium"):
        browser = request.getfixturevalue("full_browser")
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    offsite: list[str] = []

    def note_offsite(request) -> None:
        if OFFSITE.match(request.url):
            offsite.append(request.url)

    context.on("requestfailed", note_offsite)
    page = context.new_page()
    yield page
    if _test_failed(request.node):
        try:
            page.screenshot(path=_artifact_path(request.node.nodeid), full_page=True)
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            print(f"could not save failure screenshot: {exc}")
    context.close()
    assert not offsite, f"page tried to load from the network: {offsite}"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot("home")`` saves the test's ``page`` to test-artifacts/home.png; pass
    ``page=`` for another page. Returns the file's path."""

    def save(name: str, page=None, full_page: bool = True) -> Path:
        target = page if page is not None else request.getfixturevalue("page")
        if full_page:
            # Lazy images below the window are never fetched for a full-page capture: load them all.
            # One evaluate that resolves when every picture has loaded (or failed): the store's CSP
            # forbids eval, which wait_for_function's polling would need.
            target.evaluate("""() => {
                document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; });
                return Promise.all([...document.images].filter(img => !img.complete).map(img => new Promise(done => {
                    img.addEventListener('load', done, {once: true});
                    img.addEventListener('error', done, {once: true});
                })));
            }""")
        path = _artifact_path(name)
        target.screenshot(path=path, full_page=full_page)
        return path

    return save


# --- Text that shows only for a moment -------------------------------------------------------

# Records the text of every element matching the selector as it appears (a MutationObserver
# on the whole document), so a check does not depend on being quick enough to see it.
_REMEMBER_TEXTS = """(selector) => {
  const all = (window.__rememberedTexts = window.__rememberedTexts || {});
  const texts = (all[selector] = all[selector] || []);
  const note = () => document.querySelectorAll(selector).forEach((element) => {
    const text = element.textContent.trim();
    if (text && !texts.includes(text)) texts.push(text);
  });
  new MutationObserver(note).observe(document, {childList: true, subtree: true, characterData: true});
}"""

_WAS_SHOWN = """([selector, source, isPattern]) => {
  const texts = (window.__rememberedTexts || {})[selector] || [];
  return texts.some((text) => isPattern ? new RegExp(source).test(text) : text.includes(source));
}"""


class RememberedTexts:
    """The texts elements matching `selector` have shown on `page` since it was loaded, even
    those already gone again: toasts leave after 4 s, whatever a slow machine is doing."""

    def __init__(self, page, selector: str) -> None:
        self.page = page
        self.selector = selector
        page.add_init_script(script=f"({_REMEMBER_TEXTS})({json.dumps(selector)})")

    def expect_shown(self, text: "str | re.Pattern[str]") -> None:
        """Wait (the page's default timeout) until a text containing `text`, or matching the
        pattern, has been shown."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        pattern = isinstance(text, re.Pattern)
        source = text.pattern if pattern else text
        try:
            self.page.wait_for_function(_WAS_SHOWN, arg=[self.selector, source, pattern])
        except PlaywrightTimeout:
            shown = self.page.evaluate("s => (window.__rememberedTexts || {})[s] || []", self.selector)
            raise AssertionError(f"{self.selector} never showed {source!r}; it showed {shown}") from None


@pytest.fixture
def remember_texts(page) -> Callable[[str], RememberedTexts]:
    """``toasts = remember_texts("#toasts .toast")`` before the page loads, then
    ``toasts.expect_shown("Added House Blend to your cart.")`` once the toast should be up."""
    return lambda selector: RememberedTexts(page, selector)
