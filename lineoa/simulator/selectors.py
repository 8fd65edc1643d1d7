"""The LINE simulator's reads: profiles and content for the Messaging API stand-in, chats and the rich
menu for the chat page."""

from __future__ import annotations

from typing import Any, TypedDict

from django.urls import reverse
from django.utils import timezone

from lineoa import richmenu
from lineoa.simulator.models import SimMessage, SimRichMenu, SimUser


class ChatMessage(TypedDict):
    id: int
    sender: str
    via: str
    message: dict[str, Any]
    contentUrl: str | None
    at: str


class ChatUpdate(TypedDict):
    messages: list[ChatMessage]
    loading: bool
    blocked: bool
    richMenuId: str | None


class MenuForPage(TypedDict):
    richMenuId: str | None
    imageUrl: str | None
    definition: dict[str, Any]


def user_get(user_id: str) -> SimUser | None:
    return SimUser.objects.filter(user_id=user_id).first()


def user_list() -> list[SimUser]:
    return list(SimUser.objects.all()[:50])


def profile_get(user_id: str) -> dict[str, str] | None:
    """``GET /v2/bot/profile/{userId}``; LINE does not show a profile to an account it blocked."""
    user = SimUser.objects.filter(user_id=user_id, blocked=False).first()
    if user is None:
        return None
    return {"userId": user.user_id, "displayName": user.display_name, "language": "th"}


def content_get(message_id: str) -> tuple[bytes, str] | None:
    """The bytes and content type of an image a simulated user sent."""
    row = (
        SimMessage.objects.filter(message_id=message_id, sender=SimMessage.Sender.USER, content__isnull=False)
        .values_list("content", "content_type")
        .first()
    )
    if row is None or row[0] is None:
        return None
    return bytes(row[0]), row[1]


def rich_menu_get(rich_menu_id: str) -> SimRichMenu | None:
    return SimRichMenu.objects.filter(rich_menu_id=rich_menu_id).first()


def rich_menu_default() -> SimRichMenu | None:
    return SimRichMenu.objects.filter(is_default=True).first()


def rich_menu_object(menu: SimRichMenu) -> dict[str, Any]:
    """The rich menu as LINE returns it: the definition plus its id."""
    return {"richMenuId": menu.rich_menu_id, **menu.definition}


def rich_menu_list() -> list[dict[str, Any]]:
    return [rich_menu_object(menu) for menu in SimRichMenu.objects.order_by("created_at", "pk")]


def rich_menu_for_page() -> MenuForPage:
    """The default rich menu set through the API, or else the project's own definition (which the
    page draws as buttons, since no image has been uploaded)."""
    menu = rich_menu_default()
    if menu is None:
        return {"richMenuId": None, "imageUrl": None, "definition": richmenu.definition()}
    return {
        "richMenuId": menu.rich_menu_id,
        "imageUrl": reverse("simulator:richmenu_image", args=[menu.rich_menu_id]),
        "definition": menu.definition,
    }


def chat_update(user: SimUser, *, after: int = 0) -> ChatUpdate:
    """Bubbles after ``after`` (a bubble id) plus the chat's state, for the page's poll."""
    rows = SimMessage.objects.filter(user=user, pk__gt=after).defer("content").order_by("pk")[:200]
    messages: list[ChatMessage] = [
        {
            "id": row.pk,
            "sender": row.sender,
            "via": row.via,
            "message": row.payload,
            "contentUrl": (
                reverse("simulator:content", args=[row.message_id])
                if row.sender == SimMessage.Sender.USER and row.payload.get("type") == "image"
                else None
            ),
            "at": row.created_at.isoformat(),
        }
        for row in rows
    ]
    default = SimRichMenu.objects.filter(is_default=True).values_list("rich_menu_id", flat=True).first()
    return {
        "messages": messages,
        "loading": user.loading_until is not None and user.loading_until > timezone.now(),
        "blocked": user.blocked,
        "richMenuId": default,
    }
