"""Browser tests: a real Daphne process (HTTP and WebSockets) against the test database, driven by
Chromium through Playwright.

pytest-django's ``live_server`` is WSGI only, so the server here is ``python -m daphne`` started once
per session with ``DATABASE_URL`` pointing at the database this test process uses. Tests must be
``django_db(transaction=True)``: only committed rows are visible to the server process.

On the embedded default the server has its own in-memory channel layer and processes the LINE inbox
on a thread of its own, so anything that must reach a dashboard live has to go through the server's
HTTP interface (the simulator page, or signed webhook events posted by :class:`Reporter`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from tests import processes
from tests.processes import daphne_command, database_url, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize

    from lineoa.simulator.models import SimUser

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ESS_CHROMIUM", processes.CHROMIUM)
# Pages may reach only this machine: any other host fails to resolve.
CHROMIUM_ARGS = [*processes.CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
CHANNEL_SECRET = "browser-test-channel-secret"
ACCESS_TOKEN = "browser-test-access-token"
PASSWORD = "pw-for-tests-only"  # what tests.conftest.make_staff gives every user
# How long a live update may take before a test calls it missing. Generous, because two cores run
# the test process, Daphne and Chromium at once; the tests print the delays they measure.
LIVE_TIMEOUT_MS = 5_000


def _browser_required() -> bool:
    return os.environ.get("ESS_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"ESS_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# Failure reports ----------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Fixtures look at this in their teardown to save screenshots and the server log of a failure.
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    node = request.node
    return any(getattr(getattr(node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))


# The server ----------------------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def post_webhook(self, body: str | bytes, signature: str) -> int:
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(
            f"{self.url}/line/webhook",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "X-Line-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)


def _wait_healthy(server: LiveServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code == 503:
                # Up, but a service it checks is not: the log says which.
                break
        except OSError:
            pass
        time.sleep(0.1)
    server.process.kill()
    pytest.fail(f"Daphne did not become healthy at {server.url}:\n{server.log_since(0)}", pytrace=False)


@pytest.fixture(scope="session")
def live_daphne(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveServer]:
    """``python -m daphne`` serving the project against the test database, for the whole session."""
    from django.conf import settings

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    var_dir = Path(tempfile.mkdtemp(prefix="ess-browser-"))
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "essdispatch.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url(),
            # The test database is small and flushed between tests; a pool of idle connections
            # would only hold PostgreSQL locks up.
            "DATABASE_POOL": "0",
            "SECRET_KEY": "browser-tests-only-secret-key",
            "DEBUG": "1",  # static files straight from the finders, no collectstatic
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LINE_SIMULATOR": "1",
            "SITE_URL": url,  # so LINE_API_BASE_URL is this server's simulator stand-in
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            # Inbox events are processed on a thread of the server: no Celery worker to start.
            "TASK_MODE": "thread",
            "EMBEDDED_SWEEPER": "0",
            "ESS_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if settings.REDIS_URL:
        # CI: the server's channel layer is Redis, like production.
        env["REDIS_URL"] = settings.REDIS_URL
    # Kept after the run (test-artifacts/ is git-ignored) for a look at what the server said.
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"daphne-{os.getpid()}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            daphne_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=url, process=process, log_path=log_path)
    try:
        _wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture
def server(live_daphne: LiveServer, request: pytest.FixtureRequest, settings: Any) -> Iterator[LiveServer]:
    """The session's server; on a failure its log lines of this test are printed."""
    if live_daphne.process.poll() is not None:
        pytest.fail(f"Daphne exited ({live_daphne.process.returncode}):\n{live_daphne.log_since(0)}")
    # Events the simulator's services build in this process must carry the server's signature.
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    # And what this process sends to LINE (a status change a test makes directly) goes to the
    # server's simulator, like the server's own messages.
    settings.LINE_API_BASE_URL = settings.LINE_API_DATA_BASE_URL = f"{live_daphne.url}/simulator/api"
    settings.LINE_CHANNEL_ACCESS_TOKEN = ACCESS_TOKEN
    offset = live_daphne.log_size()
    yield live_daphne
    if _failed(request):
        print(f"\n----- Daphne log during {request.node.name} -----\n{live_daphne.log_since(offset)}")


# The browser ---------------------------------------------------------------------------------------


# Per module, not per session: while Playwright runs, its event loop occupies the main thread, and
# tests after the browser tests (async_to_sync, asyncio.run) must find it free again.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    # With that loop running, Django refuses plain synchronous ORM calls (the tests' own, and the
    # flush after each test) on this thread. Allowed only while Playwright runs: the rest of the
    # suite keeps Django's check.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Contexts:
    """Browser contexts (separate cookie jars: separate people) opened by one test."""

    browser: Browser
    server: LiveServer
    opened: list[BrowserContext] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def new_page(self, viewport: ViewportSize | None = None) -> Page:
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport=viewport or {"width": 1440, "height": 900},
            locale="th-TH",
            timezone_id="Asia/Bangkok",
        )
        context.set_default_timeout(10_000)
        # Nothing may load from the internet at run time: the browser cannot resolve other hosts
        # (see CHROMIUM_ARGS), and the test fails if a page even tries.
        context.on("request", self._check_local)
        self.opened.append(context)
        return context.new_page()

    def _check_local(self, request: Any) -> None:
        url = str(request.url)
        if not url.startswith((self.server.url, "data:", "blob:", "about:")):
            self.external.append(url)


@pytest.fixture
def contexts(browser: Browser, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    opened = Contexts(browser=browser, server=server)
    yield opened
    if _failed(request):
        ARTIFACTS.mkdir(exist_ok=True)
        for n, context in enumerate(opened.opened):
            for m, page in enumerate(context.pages):
                path = ARTIFACTS / f"{request.node.name}-{n}-{m}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot: {path}")
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    print(f"no screenshot of context {n} page {m}: {exc}")
    for context in opened.opened:
        context.close()
    assert not opened.external, f"pages tried to load from outside the server: {opened.external}"


@pytest.fixture
def page(contexts: Contexts) -> Page:
    return contexts.new_page()


def login(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form (the header also has language buttons, hence .primary)."""
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button.primary")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"login as {username} failed")


def open_dashboard(page: Page, server: LiveServer) -> None:
    """Open /dashboard/ and wait until its WebSocket is connected."""
    from playwright.sync_api import expect

    if not page.url.endswith("/dashboard/"):
        page.goto(f"{server.url}/dashboard/")
    expect(page.get_by_test_id("connection")).to_have_text("เชื่อมต่อแล้ว", timeout=LIVE_TIMEOUT_MS)


# Reporters ------------------------------------------------------------------------------------------


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


class Reporter:
    """A LINE user of the simulator, driven from the test process instead of the chat page.

    Events are built and signed by the simulator's own services (so replies land in the simulator's
    chat) and posted over HTTP to the server's webhook, exactly as the chat page posts them. Each step
    waits for the bot's answer, because a conversation is a sequence.
    """

    def __init__(self, server: LiveServer, user: SimUser) -> None:
        self.server = server
        self.user = user

    def _bot_messages(self) -> int:
        from lineoa.simulator.models import SimMessage

        return SimMessage.objects.filter(user=self.user, sender=SimMessage.Sender.BOT).count()

    def send(self, action: dict[str, Any], *, wait_reply: bool = True) -> None:
        from lineoa.simulator import services

        before = self._bot_messages()
        signed = services.event_build(user=self.user, action=action)
        status = self.server.post_webhook(signed["body"], signed["signature"])
        assert status == 200, f"webhook answered {status} to {action}"
        if wait_reply:
            wait_until(lambda: self._bot_messages() > before, timeout=10)

    def last_bot_text(self) -> str:
        from lineoa.simulator.models import SimMessage

        row = SimMessage.objects.filter(user=self.user, sender=SimMessage.Sender.BOT).order_by("-pk").first()
        return str(row.payload.get("text", "")) if row else ""

    def report(
        self,
        *,
        category: str = "detention",
        latitude: float = 14.05,
        longitude: float = 101.37,
        relation: str = "victim",
    ) -> Any:
        """A whole report, from the rich-menu tap to "ยืนยัน"; returns the new Incident."""
        from incidents.models import Incident

        self.send({"type": "postback", "data": "action=report", "displayText": "แจ้งเหตุร้าย"})
        self.send({"type": "postback", "data": f"action=category&value={category}"})
        self.send({"type": "location", "latitude": latitude, "longitude": longitude, "title": "จุดเกิดเหตุ"})
        self.send({"type": "text", "text": "0812345678"})
        self.send({"type": "postback", "data": f"action=relation&value={relation}"})
        self.send({"type": "postback", "data": "action=confirm", "displayText": "ยืนยัน"})
        assert "รับเรื่องแล้ว" in self.last_bot_text(), self.last_bot_text()
        return Incident.objects.get(reporter_line_id=self.user.user_id, status__in=Incident.OPEN_STATUSES)

    def text(self, body: str) -> None:
        self.send({"type": "text", "text": body})


@pytest.fixture
def reporter_factory(server: LiveServer, registry: None) -> Callable[[str], Reporter]:
    """Make a simulator user (who has followed the account) to report with."""
    from lineoa.simulator import services

    def make(display_name: str = "ผู้แจ้งทดสอบ") -> Reporter:
        reporter = Reporter(server, services.user_create(display_name=display_name))
        reporter.send({"type": "follow"})
        return reporter

    return make


def off_the_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` on a thread of its own and return its result.

    Code that broadcasts to the channel layer (``async_to_sync``) refuses to run on a thread with a
    running event loop, and Playwright keeps one running on the test's thread.
    """
    from django.db import connections

    def run() -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def make_incident(**values: Any) -> Any:
    """A new case, created the way a LINE report creates it, committed (see tests.conftest)."""
    from tests.conftest import make_incident as create

    return off_the_loop(create, **values)
