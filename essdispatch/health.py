"""``/healthz``: is each service this process depends on answering?"""

from __future__ import annotations

import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _ping_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    # A round trip through the layer: send to a fresh channel and read it back.
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "health.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned a different message")


async def _ping_channel_layer_with_timeout() -> None:
    await asyncio.wait_for(_ping_channel_layer(), timeout=TIMEOUT_SECONDS)


def _check_channel_layer() -> None:
    async_to_sync(_ping_channel_layer_with_timeout)()


def _check_broker() -> None:
    from essdispatch.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=int(TIMEOUT_SECONDS))


def health_states() -> dict[str, str]:
    checks = {"database": _check_database, "channel_layer": _check_channel_layer}
    if settings.TASK_MODE == "celery":
        checks["broker"] = _check_broker
    states: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "down"; the log keeps the detail
            logger.warning("health check %s failed: %s", name, exc)
            states[name] = "down"
        else:
            states[name] = "up"
    return states


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    states = health_states()
    ok = all(state == "up" for state in states.values())
    return JsonResponse({"status": "ok" if ok else "degraded", **states}, status=200 if ok else 503)
