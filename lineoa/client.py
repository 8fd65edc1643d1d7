"""The one module that talks to LINE's Messaging API (through line-bot-sdk v3).

Its hosts come from ``LINE_API_BASE_URL`` and ``LINE_API_DATA_BASE_URL``, so the LINE simulator or a
test's fake server can stand in for LINE. Every call has a timeout. Errors come back as
:class:`LineError` with ``transient`` telling the caller whether a retry can help.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException

# A reply token is good for about a minute; after this long we push instead.
REPLY_TOKEN_SECONDS = 50


class LineError(Exception):
    """A Messaging API call failed. ``transient``: 429, 5xx, timeouts, connection errors."""

    def __init__(self, message: str, *, status: int | None, transient: bool) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class LineProfile:
    user_id: str
    display_name: str


def signature_for(body: bytes, secret: str | None = None) -> str:
    """``X-Line-Signature`` for ``body``: base64 of HMAC-SHA256 with the channel secret."""
    key = (secret if secret is not None else settings.LINE_CHANNEL_SECRET).encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def signature_valid(body: bytes, signature: str) -> bool:
    if not settings.LINE_CHANNEL_SECRET or not signature:
        return False
    return hmac.compare_digest(signature_for(body), signature)


@contextmanager
def _api_client(host: str) -> Iterator[ApiClient]:
    config = Configuration(host=host, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)
    with ApiClient(config) as client:
        yield client


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except ApiException as exc:
        status = exc.status or None
        transient = status is None or status == 429 or status >= 500
        raise LineError(
            f"LINE API {status}: {exc.body or exc.reason}", status=status, transient=transient
        ) from None
    except Exception as exc:  # urllib3 timeouts and connection errors
        raise LineError(f"LINE API unreachable: {exc}", status=None, transient=True) from None


def _timeout() -> float:
    return float(settings.LINE_API_TIMEOUT_SECONDS)


def reply(reply_token: str, messages: list[dict[str, Any]]) -> None:
    request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
    with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
        MessagingApi(client).reply_message(request, _request_timeout=_timeout())


def push(to: str, messages: list[dict[str, Any]], *, retry_key: str) -> None:
    """Push with ``X-Line-Retry-Key``; LINE answers 409 to a key it has already accepted, which
    means the message was delivered, so 409 counts as success."""
    request = PushMessageRequest.from_dict({"to": to, "messages": messages})
    try:
        with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
            MessagingApi(client).push_message(
                request, x_line_retry_key=retry_key, _request_timeout=_timeout()
            )
    except LineError as exc:
        if exc.status != 409:
            raise


def show_loading(user_id: str, seconds: int = 5) -> None:
    request = ShowLoadingAnimationRequest.from_dict({"chatId": user_id, "loadingSeconds": seconds})
    with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
        MessagingApi(client).show_loading_animation(request, _request_timeout=_timeout())


def profile(user_id: str) -> LineProfile:
    with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
        result = MessagingApi(client).get_profile(user_id, _request_timeout=_timeout())
    return LineProfile(user_id=result.user_id, display_name=result.display_name)


def message_content(message_id: str) -> bytes:
    """The bytes of an image (or other media) the user sent."""
    with _api_client(settings.LINE_API_DATA_BASE_URL) as client, _translated_errors():
        data = MessagingApiBlob(client).get_message_content(message_id, _request_timeout=_timeout())
    return bytes(data)


def rich_menu_install(definition: dict[str, Any], image_png: bytes) -> str:
    """Create a rich menu, upload its image and make it every user's default; returns its id."""
    with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
        api = MessagingApi(client)
        created = api.create_rich_menu(RichMenuRequest.from_dict(definition), _request_timeout=_timeout())
        menu_id: str = created.rich_menu_id
    with _api_client(settings.LINE_API_DATA_BASE_URL) as client, _translated_errors():
        MessagingApiBlob(client).set_rich_menu_image(
            menu_id,
            image_png,
            _headers={"Content-Type": "image/png"},
            _request_timeout=_timeout(),
        )
    with _api_client(settings.LINE_API_BASE_URL) as client, _translated_errors():
        MessagingApi(client).set_default_rich_menu(menu_id, _request_timeout=_timeout())
    return menu_id
