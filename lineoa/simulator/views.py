"""LINE simulator views: the Messaging API stand-in (``api/…``, bearer-token, no CSRF) and the chat
page with its JSON helpers (session and CSRF like any page). Logic lives in services and selectors."""

from __future__ import annotations

import functools
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineoa.simulator import selectors, services
from lineoa.simulator.models import SimUser
from lineoa.simulator.services import ApiError, SimulatorError

View = Callable[..., HttpResponse]

AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."

# Places a tester reaches for: the demo province (Prachin Buri) and central Bangkok.
PRESET_PLACES = [
    {"title": "ตัวเมืองปราจีนบุรี", "address": "อ.เมืองปราจีนบุรี จ.ปราจีนบุรี", "lat": 14.0500, "lng": 101.3700},
    {"title": "อ.กบินทร์บุรี", "address": "อ.กบินทร์บุรี จ.ปราจีนบุรี", "lat": 13.9800, "lng": 101.7100},
    {
        "title": "สนามหลวง กรุงเทพฯ",
        "address": "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร",
        "lat": 13.7550,
        "lng": 100.4930,
    },
]


def _simulator_on() -> None:
    # The URLs are only included when the simulator is on; this guards against someone including
    # them anyway in a deployment.
    if not settings.LINE_SIMULATOR:
        raise Http404


def _line_json(status: int, body: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["X-Line-Request-Id"] = secrets.token_hex(16)
    return response


def line_api(view: View) -> View:
    """A Messaging API endpoint: no CSRF (server to server), the channel access token as a bearer,
    the JSON body parsed into ``request.line_json``, :class:`ApiError` answered in LINE's shape."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _simulator_on()
        expected = f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"
        given = request.headers.get("Authorization", "")
        if not settings.LINE_CHANNEL_ACCESS_TOKEN or not hmac.compare_digest(
            given.encode(), expected.encode()
        ):
            return _line_json(401, {"message": AUTH_FAILED})
        try:
            return view(request, *args, **kwargs)
        except ApiError as exc:
            return _line_json(exc.status, exc.body())

    return wrapped


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, "The request body has 1 error(s)", [{"message": "invalid JSON", "property": ""}]
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            400, "The request body has 1 error(s)", [{"message": "must be an object", "property": ""}]
        )
    return body


# Messaging API stand-in -------------------------------------------------------------------------------


@line_api
@require_POST
def api_reply(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    sent = services.reply_deliver(reply_token=body.get("replyToken"), messages=body.get("messages"))
    return _line_json(200, {"sentMessages": sent})


@line_api
@require_POST
def api_push(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    sent = services.push_deliver(
        to=body.get("to"), messages=body.get("messages"), retry_key=request.headers.get("X-Line-Retry-Key")
    )
    return _line_json(200, {"sentMessages": sent})


@line_api
@require_POST
def api_loading_start(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    services.loading_start(chat_id=body.get("chatId"), seconds=body.get("loadingSeconds"))
    return _line_json(202, {})


@line_api
@require_GET
def api_profile(request: HttpRequest, user_id: str) -> HttpResponse:
    profile = selectors.profile_get(user_id)
    if profile is None:
        raise ApiError(404, "Not found")
    return _line_json(200, profile)


@line_api
@require_GET
def api_message_content(request: HttpRequest, message_id: str) -> HttpResponse:
    content = selectors.content_get(message_id)
    if content is None:
        raise ApiError(404, "Not found")
    data, content_type = content
    return HttpResponse(data, content_type=content_type)


@line_api
@require_POST
def api_rich_menu_create(request: HttpRequest) -> HttpResponse:
    return _line_json(200, {"richMenuId": services.rich_menu_create(_json_body(request))})


@line_api
@require_GET
def api_rich_menu_list(request: HttpRequest) -> HttpResponse:
    return _line_json(200, {"richmenus": selectors.rich_menu_list()})


@line_api
@require_http_methods(["GET", "DELETE"])
def api_rich_menu(request: HttpRequest, rich_menu_id: str) -> HttpResponse:
    if request.method == "DELETE":
        services.rich_menu_delete(rich_menu_id)
        return _line_json(200, {})
    menu = selectors.rich_menu_get(rich_menu_id)
    if menu is None:
        raise ApiError(404, "Not found")
    return _line_json(200, selectors.rich_menu_object(menu))


@line_api
@require_http_methods(["GET", "POST"])
def api_rich_menu_content(request: HttpRequest, rich_menu_id: str) -> HttpResponse:
    if request.method == "POST":
        services.rich_menu_image_set(
            rich_menu_id=rich_menu_id, image=request.body, content_type=request.content_type or ""
        )
        return _line_json(200, {})
    menu = selectors.rich_menu_get(rich_menu_id)
    if menu is None or menu.image is None:
        raise ApiError(404, "Not found")
    return HttpResponse(bytes(menu.image), content_type=menu.image_content_type)


@line_api
@require_POST
def api_default_rich_menu_set(request: HttpRequest, rich_menu_id: str) -> HttpResponse:
    services.rich_menu_default_set(rich_menu_id)
    return _line_json(200, {})


@line_api
@require_http_methods(["GET", "DELETE"])
def api_default_rich_menu(request: HttpRequest) -> HttpResponse:
    if request.method == "DELETE":
        services.rich_menu_default_clear()
        return _line_json(200, {})
    menu = selectors.rich_menu_default()
    if menu is None:
        raise ApiError(404, "no default richmenu")
    return _line_json(200, {"richMenuId": menu.rich_menu_id})


# The chat page -----------------------------------------------------------------------------------------


def _page_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _page_json(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise SimulatorError("JSON ไม่ถูกต้อง") from None
    if not isinstance(body, dict):
        raise SimulatorError("JSON ไม่ถูกต้อง")
    return body


def _user_or_404(user_id: Any) -> SimUser:
    user = selectors.user_get(str(user_id or ""))
    if user is None:
        raise Http404
    return user


@require_GET
def chat(request: HttpRequest) -> HttpResponse:
    _simulator_on()
    context = {
        "users": selectors.user_list(),
        "presets": PRESET_PLACES,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "menu": selectors.rich_menu_for_page(),
    }
    return render(request, "simulator/chat.html", context)


@require_POST
def user_create(request: HttpRequest) -> HttpResponse:
    _simulator_on()
    try:
        user = services.user_create(display_name=str(_page_json(request).get("displayName") or ""))
    except SimulatorError as exc:
        return _page_error(str(exc))
    return JsonResponse({"userId": user.user_id, "displayName": user.display_name, "blocked": user.blocked})


@require_GET
def user_messages(request: HttpRequest, user_id: str) -> HttpResponse:
    _simulator_on()
    user = _user_or_404(user_id)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    return JsonResponse(selectors.chat_update(user, after=after), json_dumps_params={"ensure_ascii": False})


@require_POST
def event_create(request: HttpRequest) -> HttpResponse:
    """Build and sign the webhook body for what the user did; the page posts it to the webhook."""
    _simulator_on()
    try:
        body = _page_json(request)
        user = _user_or_404(body.get("userId"))
        signed = services.event_build(user=user, action=body)
    except SimulatorError as exc:
        return _page_error(str(exc))
    return JsonResponse(signed)


@require_POST
def event_redeliver(request: HttpRequest) -> HttpResponse:
    _simulator_on()
    try:
        body = _page_json(request)
        user = _user_or_404(body.get("userId"))
        signed = services.event_redeliver(user=user, webhook_event_id=str(body.get("webhookEventId") or ""))
    except SimulatorError as exc:
        return _page_error(str(exc))
    return JsonResponse(signed)


@require_GET
def content(request: HttpRequest, message_id: str) -> HttpResponse:
    _simulator_on()
    found = selectors.content_get(message_id)
    if found is None:
        raise Http404
    return HttpResponse(found[0], content_type=found[1])


@require_GET
def rich_menu(request: HttpRequest) -> HttpResponse:
    _simulator_on()
    return JsonResponse(selectors.rich_menu_for_page(), json_dumps_params={"ensure_ascii": False})


@require_GET
def rich_menu_image(request: HttpRequest, rich_menu_id: str) -> HttpResponse:
    _simulator_on()
    menu = selectors.rich_menu_get(rich_menu_id)
    if menu is None or menu.image is None:
        raise Http404
    response = HttpResponse(bytes(menu.image), content_type=menu.image_content_type)
    response["Cache-Control"] = "max-age=3600"
    return response
