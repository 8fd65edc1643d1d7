from __future__ import annotations

from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.helpers import run_python

UNUSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_is_ok_when_everything_answers(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    assert body["channel_layer"] == "up"


def test_healthz_is_503_when_the_channel_layer_is_down(
    db: None, client: Client, settings: SettingsWrapper
) -> None:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [UNUSED_REDIS]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["channel_layer"] == "down"
    assert response.json()["database"] == "up"


def test_healthz_reports_the_broker_when_celery_is_configured(
    db: None, client: Client, settings: SettingsWrapper
) -> None:
    from essdispatch.celery import app

    settings.TASK_MODE = "celery"
    old = app.conf.broker_url
    app.conf.broker_url = UNUSED_REDIS
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_healthz_is_503_when_the_database_is_down() -> None:
    # A fresh process whose database server does not answer (nothing listens on port 1).
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.json()['database'], r.json()['channel_layer'])\n"
    )
    done = run_python(
        code,
        {
            "DATABASE_URL": "postgres://u@127.0.0.1:1/none",
            "SECRET_KEY": "k",
            "ALLOWED_HOSTS": "testserver",
        },
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "503 down up"
