"""Real-shaped LINE webhook events, signed like LINE signs them, posted through the test client."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from django.test import Client
from django.test.client import Client as _Client

from lineoa.client import signature_for

CHANNEL_SECRET = "test-channel-secret"
_ids = itertools.count(1)


def _base(user_id: str, kind: str, *, reply: bool = True) -> dict[str, Any]:
    n = next(_ids)
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": f"01TEST{n:020d}",
        "deliveryContext": {"isRedelivery": False},
    }
    if reply:
        event["replyToken"] = f"reply-token-{n}"
    return event


def follow(user_id: str) -> dict[str, Any]:
    return {**_base(user_id, "follow"), "follow": {"isUnblocked": False}}


def unfollow(user_id: str) -> dict[str, Any]:
    return _base(user_id, "unfollow", reply=False)


def text(user_id: str, body: str) -> dict[str, Any]:
    event = _base(user_id, "message")
    event["message"] = {"id": str(next(_ids)), "type": "text", "quoteToken": "q", "text": body}
    return event


def postback(user_id: str, data: str) -> dict[str, Any]:
    return {**_base(user_id, "postback"), "postback": {"data": data}}


def location(user_id: str, lat: float, lng: float, title: str = "", address: str = "") -> dict[str, Any]:
    event = _base(user_id, "message")
    event["message"] = {
        "id": str(next(_ids)),
        "type": "location",
        "latitude": lat,
        "longitude": lng,
        "title": title,
        "address": address,
    }
    return event


def image(user_id: str) -> dict[str, Any]:
    event = _base(user_id, "message")
    event["message"] = {
        "id": str(next(_ids)),
        "type": "image",
        "quoteToken": "q",
        "contentProvider": {"type": "line"},
    }
    return event


def body_for(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False).encode()


def post(
    client: Client | _Client, *events: dict[str, Any], signature: str | None = None, raw: bytes | None = None
) -> Any:
    body = raw if raw is not None else body_for(*events)
    headers = {}
    sig = signature if signature is not None else signature_for(body, CHANNEL_SECRET)
    if sig:
        headers["HTTP_X_LINE_SIGNATURE"] = sig
    return client.post("/line/webhook", data=body, content_type="application/json", **headers)
