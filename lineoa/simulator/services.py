"""The LINE simulator's writes: what LINE's platform does for the Official Account (deliver replies
and pushes, keep rich menus) and what a user's phone does (send events to the webhook).

The Messaging API half raises :class:`ApiError`, which the views turn into LINE's error JSON. The
phone half builds webhook bodies exactly as LINE would send them and signs them with the channel
secret; the chat page posts them to ``/line/webhook`` itself, so the server never calls itself.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from lineoa.client import signature_for
from lineoa.simulator.models import SimEvent, SimMessage, SimReplyToken, SimRetryKey, SimRichMenu, SimUser
from lineoa.simulator.validation import Detail, messages_problems, rich_menu_problems

REPLY_TOKEN_SECONDS = 60
RETRY_KEY_HOURS = 24
DESTINATION = "Usimulatorbot"
MAX_USER_IMAGE_BYTES = 10 * 1024 * 1024
MAX_RICH_MENU_IMAGE_BYTES = 1024 * 1024
USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
# Message types whose sentMessages entries (and webhook messages) carry a quoteToken.
_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
USER_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@dataclass
class ApiError(Exception):
    """A Messaging API error: the status and LINE's JSON body ``{"message", "details", ...}``."""

    status: int
    message: str
    details: list[Detail] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.details:
            body["details"] = self.details
        body.update(self.extra)
        return body


class SimulatorError(Exception):
    """The chat page asked for something a phone could not do (an unknown user, a bad image)."""


class SentMessage(TypedDict, total=False):
    id: str
    quoteToken: str


class SignedBody(TypedDict):
    body: str
    signature: str
    webhookEventId: str


def _invalid(details: list[Detail]) -> ApiError:
    return ApiError(400, f"The request body has {len(details)} error(s)", details)


def _message_id() -> str:
    # LINE message ids are decimal strings of about 18 digits.
    return str(10**17 + secrets.randbelow(9 * 10**17))


def _quote_token() -> str:
    return secrets.token_urlsafe(48)


def webhook_event_id() -> str:
    """A ULID like LINE's ``webhookEventId``: 48-bit millisecond time then 80 random bits, in
    26 Crockford base-32 characters."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _deliver(user: SimUser, messages: list[dict[str, Any]], *, via: str) -> list[SentMessage]:
    now = timezone.now()
    sent: list[SentMessage] = []
    for message in messages:
        entry: SentMessage = {"id": _message_id()}
        if message.get("type") in _QUOTABLE:
            entry["quoteToken"] = _quote_token()
        SimMessage.objects.create(
            user=user,
            sender=SimMessage.Sender.BOT,
            via=via,
            message_id=entry["id"],
            quote_token=entry.get("quoteToken", ""),
            payload=message,
            created_at=now,
        )
        sent.append(entry)
    # A message ends LINE's loading animation.
    SimUser.objects.filter(pk=user.pk).update(loading_until=None)
    return sent


# Messaging API --------------------------------------------------------------------------------------


def reply_deliver(*, reply_token: Any, messages: Any) -> list[SentMessage]:
    """``POST /v2/bot/message/reply``.

    1. Check the messages as LINE would (nothing is spent on a request LINE would refuse).
    2. Claim the token with one conditional update: it must be one the simulator issued, unused and
       younger than 60 seconds. Two concurrent replies cannot both win.
    3. Store the messages in the user's chat.
    """
    problems = messages_problems(messages)
    if problems:
        raise _invalid(problems)
    if not isinstance(reply_token, str) or not reply_token:
        raise ApiError(400, "Invalid reply token")
    now = timezone.now()
    with transaction.atomic():
        claimed = SimReplyToken.objects.filter(
            token=reply_token,
            used_at__isnull=True,
            issued_at__gt=now - timedelta(seconds=REPLY_TOKEN_SECONDS),
        ).update(used_at=now)
        if claimed != 1:
            raise ApiError(400, "Invalid reply token")
        user = SimReplyToken.objects.select_related("user").get(token=reply_token).user
        if user.blocked:
            raise ApiError(400, "Failed to send messages")
        return _deliver(user, messages, via="reply")


def push_deliver(*, to: Any, messages: Any, retry_key: str | None) -> list[SentMessage]:
    """``POST /v2/bot/message/push``.

    1. Check the retry key's format, the recipient's id and the messages.
    2. The recipient must be a simulated user who has not blocked the account. LINE's answer for a
       user who blocked the account has varied; the simulator answers 400 "Failed to send
       messages", which a sender must treat as permanent.
    3. A retry key accepted in the last 24 hours answers 409 with the first request's sentMessages
       and delivers nothing; otherwise the key is recorded in the same transaction as the delivery
       (the unique key settles a race between two identical requests).
    """
    key: uuid.UUID | None = None
    if retry_key is not None:
        try:
            key = uuid.UUID(retry_key)
        except ValueError:
            raise ApiError(400, "The retry key is not a valid UUID") from None
    if not isinstance(to, str) or not USER_ID_RE.match(to):
        raise ApiError(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
    problems = messages_problems(messages)
    if problems:
        raise _invalid(problems)
    user = SimUser.objects.filter(user_id=to).first()
    if user is None or user.blocked:
        raise ApiError(400, "Failed to send messages")
    now = timezone.now()
    if key is not None:
        SimRetryKey.objects.filter(key=key, accepted_at__lte=now - timedelta(hours=RETRY_KEY_HOURS)).delete()
        earlier = SimRetryKey.objects.filter(key=key).first()
        if earlier is not None:
            raise _retry_key_accepted(earlier)
    try:
        with transaction.atomic():
            sent = _deliver(user, messages, via="push")
            if key is not None:
                SimRetryKey.objects.create(key=key, user=user, sent_messages=sent, accepted_at=now)
    except IntegrityError:
        assert key is not None  # only the retry key is unique among the rows written
        raise _retry_key_accepted(SimRetryKey.objects.get(key=key)) from None
    return sent


def _retry_key_accepted(earlier: SimRetryKey) -> ApiError:
    return ApiError(409, "The retry key is already accepted", extra={"sentMessages": earlier.sent_messages})


def loading_start(*, chat_id: Any, seconds: Any) -> None:
    """``POST /v2/bot/chat/loading/start``: the animation shows until a message or the time is up."""
    if seconds is None:
        seconds = 20
    if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
        raise _invalid(
            [{"message": "must be a multiple of 5 between 5 and 60", "property": "loadingSeconds"}]
        )
    if not isinstance(chat_id, str) or not USER_ID_RE.match(chat_id):
        raise _invalid([{"message": "invalid chatId", "property": "chatId"}])
    SimUser.objects.filter(user_id=chat_id).update(loading_until=timezone.now() + timedelta(seconds=seconds))


def rich_menu_create(definition: Any) -> str:
    """``POST /v2/bot/richmenu``: store the definition; the id looks like LINE's."""
    problems = rich_menu_problems(definition)
    if problems:
        raise _invalid(problems)
    menu = SimRichMenu.objects.create(
        rich_menu_id=f"richmenu-{secrets.token_hex(16)}", definition=definition, created_at=timezone.now()
    )
    return menu.rich_menu_id


def _rich_menu(rich_menu_id: str) -> SimRichMenu:
    menu = SimRichMenu.objects.filter(rich_menu_id=rich_menu_id).first()
    if menu is None:
        raise ApiError(404, "Not found")
    return menu


def rich_menu_image_set(*, rich_menu_id: str, image: bytes, content_type: str) -> None:
    """``POST /v2/bot/richmenu/{id}/content``: a PNG or JPEG of the menu's size, at most 1 MB, once."""
    menu = _rich_menu(rich_menu_id)
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in {"image/png", "image/jpeg"}:
        raise ApiError(415, "Unsupported Media Type: use image/png or image/jpeg")
    if len(image) > MAX_RICH_MENU_IMAGE_BYTES:
        raise ApiError(400, "The image is larger than 1 MB")
    try:
        width, height = Image.open(io.BytesIO(image)).size
    except (UnidentifiedImageError, OSError):
        raise ApiError(400, "The image could not be read") from None
    size = menu.definition["size"]
    if (width, height) != (size["width"], size["height"]):
        raise ApiError(400, f"The image must be {size['width']}×{size['height']} pixels")
    updated = SimRichMenu.objects.filter(pk=menu.pk, image__isnull=True).update(
        image=image, image_content_type=content_type
    )
    if not updated:
        raise ApiError(400, "An image has already been uploaded to the richmenu")


def rich_menu_default_set(rich_menu_id: str) -> None:
    """``POST /v2/bot/user/all/richmenu/{id}``: every user's default; the image must be there."""
    menu = _rich_menu(rich_menu_id)
    if menu.image is None:
        raise ApiError(400, "must upload richmenu image before applying it to user")
    with transaction.atomic():
        SimRichMenu.objects.filter(is_default=True).exclude(pk=menu.pk).update(is_default=False)
        SimRichMenu.objects.filter(pk=menu.pk).update(is_default=True)


def rich_menu_default_clear() -> None:
    SimRichMenu.objects.filter(is_default=True).update(is_default=False)


def rich_menu_delete(rich_menu_id: str) -> None:
    _rich_menu(rich_menu_id).delete()


# The phone ---------------------------------------------------------------------------------------------


def user_create(*, display_name: str) -> SimUser:
    name = display_name.strip()[:100]
    if not name:
        raise SimulatorError("ต้องใส่ชื่อที่แสดง")
    return SimUser.objects.create(
        user_id=f"U{secrets.token_hex(16)}", display_name=name, created_at=timezone.now()
    )


def _data_url_bytes(data_url: Any) -> tuple[bytes, str]:
    if not isinstance(data_url, str) or not data_url.startswith("data:") or ";base64," not in data_url:
        raise SimulatorError("รูปภาพไม่ถูกต้อง")
    header, encoded = data_url[5:].split(";base64,", 1)
    content_type = header.lower()
    if content_type not in USER_IMAGE_TYPES:
        raise SimulatorError("ส่งได้เฉพาะรูปภาพ JPEG, PNG, GIF หรือ WebP")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SimulatorError("รูปภาพไม่ถูกต้อง") from None
    if not data or len(data) > MAX_USER_IMAGE_BYTES:
        raise SimulatorError("รูปภาพต้องมีขนาดไม่เกิน 10 MB")
    return data, content_type


def _number(value: Any, low: float, high: float, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SimulatorError(f"{name} ไม่ถูกต้อง") from None
    if not low <= number <= high:
        raise SimulatorError(f"{name} ไม่ถูกต้อง")
    return number


def event_build(*, user: SimUser, action: dict[str, Any]) -> SignedBody:
    """Turn what the user did on the phone into a signed webhook body, as LINE would.

    1. Build the event's common part: type, mode, timestamp, source, webhookEventId, delivery
       context, and a reply token (registered for 60 seconds) for message, postback and follow.
    2. Add the type's own part and record what the chat shows: the user's bubble (a postback shows
       its displayText if it has one), an image's bytes for the content endpoint, follow/unfollow
       as a system line that also flips ``blocked``.
    3. Store the event (for redelivery) and return the compact JSON body with its signature.

    ``action["type"]`` is one of text, location, image, postback, follow, unfollow.
    """
    kind = action.get("type")
    now = timezone.now()
    with transaction.atomic():
        user = SimUser.objects.select_for_update().get(pk=user.pk)
        if kind not in {"follow", "unfollow"} and user.blocked:
            raise SimulatorError("ผู้ใช้นี้บล็อกบัญชีอยู่ เลิกบล็อกก่อนจึงจะส่งข้อความได้")
        event: dict[str, Any] = {
            "type": "message",
            "mode": "active",
            "timestamp": int(now.timestamp() * 1000),
            "source": {"type": "user", "userId": user.user_id},
            "webhookEventId": webhook_event_id(),
            "deliveryContext": {"isRedelivery": False},
        }
        if kind == "text":
            text = action.get("text")
            if not isinstance(text, str) or not text.strip():
                raise SimulatorError("ข้อความว่าง")
            event["message"] = {
                "type": "text",
                "id": _message_id(),
                "quoteToken": _quote_token(),
                "text": text[:5000],
            }
            _user_bubble(user, event["message"], via="message", now=now)
        elif kind == "location":
            message = {
                "type": "location",
                "id": _message_id(),
                "title": str(action.get("title") or "ตำแหน่งที่ปักหมุด")[:100],
                "address": str(action.get("address") or "")[:100],
                "latitude": _number(action.get("latitude"), -90, 90, "ละติจูด"),
                "longitude": _number(action.get("longitude"), -180, 180, "ลองจิจูด"),
            }
            event["message"] = message
            _user_bubble(user, message, via="message", now=now)
        elif kind == "image":
            data, content_type = _data_url_bytes(action.get("dataUrl"))
            message = {
                "type": "image",
                "id": _message_id(),
                "quoteToken": _quote_token(),
                "contentProvider": {"type": "line"},
            }
            event["message"] = message
            _user_bubble(user, message, via="message", now=now, content=data, content_type=content_type)
        elif kind == "postback":
            data_value = action.get("data")
            if not isinstance(data_value, str) or not data_value:
                raise SimulatorError("postback ต้องมี data")
            event["type"] = "postback"
            event["postback"] = {"data": data_value}
            display = action.get("displayText")
            if isinstance(display, str) and display:
                _user_bubble(user, {"type": "text", "text": display}, via="postback", now=now)
        elif kind == "follow":
            event["type"] = "follow"
            event["follow"] = {"isUnblocked": user.blocked}
            user.blocked = False
            user.save(update_fields=["blocked"])
            _system_line(user, "คุณได้เพิ่ม ESS Help Me เป็นเพื่อนแล้ว", now=now)
        elif kind == "unfollow":
            event["type"] = "unfollow"
            user.blocked = True
            user.loading_until = None
            user.save(update_fields=["blocked", "loading_until"])
            _system_line(user, "คุณบล็อก ESS Help Me แล้ว", now=now)
        else:
            raise SimulatorError("ไม่รู้จักชนิดของเหตุการณ์")
        if event["type"] != "unfollow":
            token = secrets.token_hex(16)
            SimReplyToken.objects.create(token=token, user=user, issued_at=now)
            event["replyToken"] = token
        SimEvent.objects.create(
            user=user, webhook_event_id=event["webhookEventId"], event=event, created_at=now
        )
    return _signed(event)


def event_redeliver(*, user: SimUser, webhook_event_id: str) -> SignedBody:
    """The same event again, as LINE's redelivery sends it: same webhookEventId (and reply token),
    ``deliveryContext.isRedelivery`` true, signed anew."""
    stored = SimEvent.objects.filter(user=user, webhook_event_id=webhook_event_id).first()
    if stored is None:
        raise SimulatorError("ไม่พบเหตุการณ์นี้")
    event = dict(stored.event)
    event["deliveryContext"] = {"isRedelivery": True}
    return _signed(event)


def _signed(event: dict[str, Any]) -> SignedBody:
    body = json.dumps(
        {"destination": DESTINATION, "events": [event]}, ensure_ascii=False, separators=(",", ":")
    )
    return {
        "body": body,
        "signature": signature_for(body.encode(), settings.LINE_CHANNEL_SECRET),
        "webhookEventId": event["webhookEventId"],
    }


def _user_bubble(
    user: SimUser,
    payload: dict[str, Any],
    *,
    via: str,
    now: datetime,
    content: bytes | None = None,
    content_type: str = "",
) -> None:
    SimMessage.objects.create(
        user=user,
        sender=SimMessage.Sender.USER,
        via=via,
        message_id=payload.get("id") or _message_id(),
        quote_token=payload.get("quoteToken", ""),
        payload=payload,
        content=content,
        content_type=content_type,
        created_at=now,
    )


def _system_line(user: SimUser, text: str, *, now: datetime) -> None:
    SimMessage.objects.create(
        user=user,
        sender=SimMessage.Sender.SYSTEM,
        message_id=_message_id(),
        payload={"type": "text", "text": text},
        created_at=now,
    )
