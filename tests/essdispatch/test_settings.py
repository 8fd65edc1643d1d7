"""Settings are read once per process, so each configuration is checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess

from tests.helpers import run_python

PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "task_mode": settings.TASK_MODE,
    "broker": settings.CELERY_BROKER_URL,
    "simulator": settings.LINE_SIMULATOR,
    "line_api": settings.LINE_API_BASE_URL,
    "debug": settings.DEBUG,
    "tz": settings.TIME_ZONE,
    "lang": settings.LANGUAGE_CODE,
}))
"""


def _run(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess[str]:
    return run_python(code, env)


def _probe(env: dict[str, str]) -> dict[str, object]:
    done = _run(env)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_embedded_default_uses_sqlite_in_memory_layer_threads_and_simulator() -> None:
    s = _probe({})
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["task_mode"] == "thread"
    assert s["simulator"] is True
    assert s["line_api"] == "http://127.0.0.1:8000/simulator/api"
    assert s["debug"] is True
    assert s["tz"] == "Asia/Bangkok"
    assert s["lang"] == "th"


def test_database_and_redis_urls_switch_to_postgres_channels_redis_and_celery() -> None:
    s = _probe(
        {
            "DATABASE_URL": "postgres://u@db.internal:5432/ess",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "SECRET_KEY": "x" * 50,
        }
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["task_mode"] == "celery"
    assert s["broker"] == "redis://cache.internal:6379/0"
    assert s["simulator"] is False
    assert s["line_api"] == "https://api.line.me"
    assert s["debug"] is False


def test_a_deployment_without_secret_key_refuses_to_start() -> None:
    done = _run({"DATABASE_URL": "postgres://u@db/ess"})
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_malformed_values_stop_start_up_with_the_variable_name() -> None:
    done = _run({"ESCALATION_ACCEPT_SECONDS": "three minutes"})
    assert done.returncode != 0
    assert "ESCALATION_ACCEPT_SECONDS must be a whole number" in done.stderr
    done = _run({"REDIS_URL": "localhost:6379", "DEBUG": "1"})
    assert "REDIS_URL must start with one of" in done.stderr


def test_check_deploy_with_production_environment_reports_no_issues() -> None:
    env = {
        "SECRET_KEY": "k3y-" + "q8Zr7vN2pL5sW9xT4mB6cH1jF0gD3eK" * 2,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "dispatch.example.go.th",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/ess",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BEHIND_TLS_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "LINE_CHANNEL_SECRET": "s",
        "LINE_CHANNEL_ACCESS_TOKEN": "t",
    }
    code = (
        "from django.core.management import execute_from_command_line as e\n"
        "e(['m', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    done = _run(env, code)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "System check identified no issues" in done.stdout
