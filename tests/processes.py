"""How tests and benchmarks start the project's real processes and the browser: one place for the
command lines, the free port, the shared test-database URL and Chromium's flags."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from django.db import connection

CHROMIUM = "/usr/bin/chromium"
# No network beyond loopback here: Chromium's background services must stay off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def daphne_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "essdispatch.asgi:application",
    ]


def celery_worker_command(concurrency: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "essdispatch",
        "worker",
        "-c",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        *extra,
    ]


def database_url() -> str:
    """The database this process uses (under pytest, the test database), as a URL for a child."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        auth = db.get("USER") or "postgres"
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    raise RuntimeError(f"cannot share a {connection.vendor} database with another process")
