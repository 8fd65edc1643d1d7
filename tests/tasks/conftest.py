"""A real Celery worker process against Redis, sharing the test database (transactional tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.fake_line import FakeLine
from tests.helpers import ROOT
from tests.line_events import CHANNEL_SECRET
from tests.processes import celery_worker_command, database_url

# A Redis database of its own, so the tests never see another process's queue.
WORKER_REDIS_DB = 13


def _redis_url(settings: Any) -> str:
    base = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    return base.rsplit("/", 1)[0] + f"/{WORKER_REDIS_DB}"


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, concurrency: int = 2) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            celery_worker_command(
                concurrency,
                "-P",
                "prefork",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"test-{os.getpid()}@%h",
            ),
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[offset:].decode(errors="replace")
            if " ready." in text:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("Celery worker did not start:\n" + self.log.read_text(errors="replace")[-4000:])

    def kill(self) -> None:
        """SIGKILL the whole worker (parent and pool children), as a crash or an OOM kill would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _use_broker(app: Any, url: str) -> None:
    """Point this process's Celery app at another broker (its connection pools are rebuilt)."""
    from kombu import pools

    # kombu keeps connection and producer pools in global registries; start them afresh.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def celery_worker(
    transactional_db: None, registry: None, fake_line: FakeLine, settings: Any, tmp_path: Path
) -> Iterator[Worker]:
    url = _redis_url(settings)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        if os.environ.get("ESS_REQUIRE_BROWSER") or os.environ.get("CI"):
            raise
        pytest.skip("Redis is not reachable")
    from essdispatch.celery import app

    settings.TASK_MODE = "celery"
    settings.LINE_RETRY_BASE_SECONDS = 0.2
    settings.LINE_SEND_LEASE_SECONDS = 2
    old_broker = app.conf.broker_url
    _use_broker(app, url)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "essdispatch.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": url,
            "SECRET_KEY": "worker-test-secret",
            "LINE_API_BASE_URL": fake_line.url,
            "LINE_API_DATA_BASE_URL": fake_line.url,
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": "test-access-token",
            "LINE_RETRY_BASE_SECONDS": "0.2",
            "LINE_SEND_LEASE_SECONDS": "2",
            "ESCALATION_MAX_STATIONS": str(settings.ESCALATION_MAX_STATIONS),
            "ESS_VAR_DIR": str(tmp_path),
            "DATABASE_POOL": "0",
        }
    )
    worker = Worker(env, tmp_path / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.broker_url = old_broker
        app.pool.force_close_all()
    app._pool = None
