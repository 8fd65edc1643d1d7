"""Start the real parts a benchmark measures: a PostgreSQL database of its own, Daphne and a
Celery worker as separate processes, a fake LINE API server. Everything stays on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    celery_worker_command,
    daphne_command,
    free_port,
)

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "free_port"]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BENCH_DB = "essdispatch_bench"
CHANNEL_SECRET = "bench-channel-secret"


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "essdispatch.settings",
            "DATABASE_URL": f"{PG_ADMIN_URL}/{BENCH_DB}",
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "bench-only-secret-key",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra or {})
    return env


def fresh_database(env: dict[str, str]) -> None:
    """Drop and create the benchmark database, migrate it and load the demo registry."""
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([py, "manage.py", "load_demo_registry", "-v0"], cwd=ROOT, env=env, check=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def processes(env: dict[str, str], *, workers: int = 2, web: int = 1) -> Iterator[list[str]]:
    """Daphne web processes and a Celery worker; yields the web base URLs."""
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(web):
            port = free_port()
            procs.append(
                subprocess.Popen(
                    daphne_command(port),
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        if workers:
            procs.append(
                subprocess.Popen(
                    celery_worker_command(workers, "--loglevel=WARNING"),
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for url in urls:
            wait_http(url + "/healthz")
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in (200, 503):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def prepare_with_fake_line() -> tuple[Any, dict[str, str]]:
    """A fake LINE server, a fresh benchmark database, and this process's Django set up against it.

    Returns the fake and the environment for the server and worker processes."""
    from tests.fake_line import start_fake_line

    fake = start_fake_line()
    env = bench_env({"LINE_API_BASE_URL": fake.url, "LINE_API_DATA_BASE_URL": fake.url})
    fresh_database(env)
    os.environ.update(env)
    from common import setup_django

    setup_django()
    return fake, env


def session_key_for(user: Any) -> str:
    """A logged-in session for ``user`` in the benchmark database, as its ``sessionid`` value."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)
