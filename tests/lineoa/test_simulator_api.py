"""The LINE simulator's Messaging API stand-in and its event builder, through the HTTP client (and,
for the SDK's view of it, through line-bot-sdk against a live server)."""

from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from lineoa import client as line_client
from lineoa.client import signature_valid
from lineoa.simulator.models import SimMessage, SimReplyToken, SimRetryKey, SimRichMenu, SimUser

pytestmark = [pytest.mark.urls("tests.lineoa.simulator_urls"), pytest.mark.django_db]

TOKEN = "simulator-test-access-token"
API = "/simulator/api/v2/bot"


@pytest.fixture(autouse=True)
def simulator_on(settings: Any) -> None:
    settings.LINE_SIMULATOR = True
    settings.LINE_CHANNEL_SECRET = "simulator-test-secret"
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN


def api(
    client: Client, method: str, path: str, body: Any = None, *, token: str = TOKEN, **headers: str
) -> Any:
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}", **headers}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"{API}/{path}", **kwargs)


def new_user(client: Client, name: str = "สมหญิง") -> str:
    response = client.post("/simulator/users", {"displayName": name}, content_type="application/json")
    assert response.status_code == 200
    user_id: str = response.json()["userId"]
    return user_id


def send(client: Client, user_id: str, **action: Any) -> dict[str, Any]:
    """What the chat page does: ask for a signed webhook body; returns the body's one event."""
    response = client.post(
        "/simulator/events", {"userId": user_id, **action}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    event: dict[str, Any] = json.loads(response.json()["body"])["events"][0]
    return event


def bot_texts(user_id: str) -> list[str]:
    return [
        m.payload.get("text", "")
        for m in SimMessage.objects.filter(user__user_id=user_id, sender=SimMessage.Sender.BOT)
    ]


def text(body: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": body, **extra}


# Reply tokens --------------------------------------------------------------------------------------


def test_reply_token_works_once_and_the_message_reaches_the_chat(client: Client) -> None:
    user_id = new_user(client)
    token = send(client, user_id, type="text", text="แจ้งเหตุ")["replyToken"]

    first = api(client, "post", "message/reply", {"replyToken": token, "messages": [text("รับทราบ")]})
    second = api(client, "post", "message/reply", {"replyToken": token, "messages": [text("อีกครั้ง")]})

    assert first.status_code == 200
    assert first.json()["sentMessages"][0]["id"].isdigit()
    assert second.status_code == 400
    assert second.json() == {"message": "Invalid reply token"}
    assert bot_texts(user_id) == ["รับทราบ"]


def test_reply_token_older_than_a_minute_is_refused(client: Client) -> None:
    user_id = new_user(client)
    token = send(client, user_id, type="postback", data="action=report")["replyToken"]
    SimReplyToken.objects.filter(token=token).update(issued_at=timezone.now() - timedelta(seconds=61))

    response = api(client, "post", "message/reply", {"replyToken": token, "messages": [text("ช้าไป")]})

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid reply token"
    assert bot_texts(user_id) == []


def test_reply_token_the_simulator_never_issued_is_refused(client: Client) -> None:
    response = api(client, "post", "message/reply", {"replyToken": "0" * 32, "messages": [text("สวัสดี")]})

    assert response.status_code == 400
    assert response.json() == {"message": "Invalid reply token"}


def test_invalid_messages_do_not_spend_the_reply_token(client: Client) -> None:
    user_id = new_user(client)
    token = send(client, user_id, type="text", text="สวัสดี")["replyToken"]

    bad = api(client, "post", "message/reply", {"replyToken": token, "messages": []})
    good = api(client, "post", "message/reply", {"replyToken": token, "messages": [text("สวัสดีค่ะ")]})

    assert bad.status_code == 400
    assert good.status_code == 200


# Push ----------------------------------------------------------------------------------------------


def test_push_with_repeated_retry_key_is_delivered_once(client: Client) -> None:
    user_id = new_user(client)
    key = str(uuid.uuid4())
    body = {"to": user_id, "messages": [text("เจ้าหน้าที่รับเรื่องแล้ว")]}

    first = api(client, "post", "message/push", body, **{"X-Line-Retry-Key": key})
    again = api(client, "post", "message/push", body, **{"X-Line-Retry-Key": key})

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["message"] == "The retry key is already accepted"
    assert again.json()["sentMessages"] == first.json()["sentMessages"]
    assert bot_texts(user_id) == ["เจ้าหน้าที่รับเรื่องแล้ว"]


def test_push_with_a_retry_key_older_than_a_day_is_delivered_again(client: Client) -> None:
    user_id = new_user(client)
    key = str(uuid.uuid4())
    body = {"to": user_id, "messages": [text("แจ้งสถานะ")]}
    api(client, "post", "message/push", body, **{"X-Line-Retry-Key": key})
    SimRetryKey.objects.update(accepted_at=timezone.now() - timedelta(hours=25))

    response = api(client, "post", "message/push", body, **{"X-Line-Retry-Key": key})

    assert response.status_code == 200
    assert bot_texts(user_id) == ["แจ้งสถานะ", "แจ้งสถานะ"]


def test_push_to_an_unknown_user_is_refused(client: Client) -> None:
    response = api(client, "post", "message/push", {"to": "U" + "0" * 32, "messages": [text("สวัสดี")]})

    assert response.status_code == 400
    assert response.json()["message"] == "Failed to send messages"


def test_push_to_a_user_who_blocked_the_account_fails(client: Client) -> None:
    user_id = new_user(client)
    send(client, user_id, type="unfollow")

    response = api(client, "post", "message/push", {"to": user_id, "messages": [text("สวัสดี")]})

    assert response.status_code == 400
    assert response.json()["message"] == "Failed to send messages"
    assert bot_texts(user_id) == []


def test_wrong_bearer_token_is_refused(client: Client) -> None:
    user_id = new_user(client)

    response = api(client, "post", "message/push", {"to": user_id, "messages": [text("x")]}, token="wrong")

    assert response.status_code == 401
    assert response.json()["message"].startswith("Authentication failed")
    assert bot_texts(user_id) == []


# Validation ----------------------------------------------------------------------------------------


def quick(label: str) -> dict[str, Any]:
    return {"items": [{"type": "action", "action": {"type": "postback", "label": label, "data": "x=1"}}]}


def test_action_label_of_21_grapheme_clusters_is_refused(client: Client) -> None:
    user_id = new_user(client)
    label = "ก" * 21

    response = api(
        client, "post", "message/push", {"to": user_id, "messages": [text("เลือก", quickReply=quick(label))]}
    )

    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "message": "Length must be between 0 and 20",
            "property": "messages[0].quickReply.items[0].action.label",
        }
    ]


def test_thai_label_counts_combining_marks_and_sara_am_with_their_base(client: Client) -> None:
    user_id = new_user(client)
    # 31 code points but 20 grapheme clusters: tone marks and vowels above or below do not count.
    label = "ผู้คลุ้มคลั่งก่อให้เกิดเหตุร้าย"
    assert len(label) > 20

    response = api(
        client, "post", "message/push", {"to": user_id, "messages": [text("เลือก", quickReply=quick(label))]}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("messages", "prop"),
    [
        ([text("x")] * 6, "messages"),
        ([text("ก" * 5001)], "messages[0].text"),
        ([text("x", quickReply={"items": quick("ปุ่ม")["items"] * 14})], "messages[0].quickReply.items"),
    ],
    ids=["six-messages", "long-text", "fourteen-quick-replies"],
)
def test_messages_beyond_lines_limits_are_refused(client: Client, messages: list[Any], prop: str) -> None:
    user_id = new_user(client)

    response = api(client, "post", "message/push", {"to": user_id, "messages": messages})

    assert response.status_code == 400
    assert prop in [d["property"] for d in response.json()["details"]]


# Loading, profile, content ----------------------------------------------------------------------------


def test_loading_animation_shows_until_the_next_message(client: Client) -> None:
    user_id = new_user(client)

    started = api(client, "post", "chat/loading/start", {"chatId": user_id, "loadingSeconds": 20})
    while_loading = client.get(f"/simulator/users/{user_id}/messages").json()["loading"]
    api(client, "post", "message/push", {"to": user_id, "messages": [text("เสร็จแล้ว")]})
    after_message = client.get(f"/simulator/users/{user_id}/messages").json()["loading"]

    assert (started.status_code, started.json()) == (202, {})
    assert while_loading is True
    assert after_message is False


def test_profile_of_a_simulated_user_and_of_an_unknown_one(client: Client) -> None:
    user_id = new_user(client, "สมชาย ใจดี")

    known = api(client, "get", f"profile/{user_id}")
    unknown = api(client, "get", f"profile/U{'f' * 32}")

    assert known.json() == {"userId": user_id, "displayName": "สมชาย ใจดี", "language": "th"}
    assert unknown.status_code == 404


def png_bytes(size: tuple[int, int], colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_sent_by_the_user_is_served_by_the_content_endpoint(client: Client) -> None:
    user_id = new_user(client)
    image = png_bytes((40, 30))
    data_url = "data:image/png;base64," + base64.b64encode(image).decode()

    event = send(client, user_id, type="image", dataUrl=data_url)
    response = api(client, "get", f"message/{event['message']['id']}/content")
    missing = api(client, "get", "message/123456789012345678/content")

    assert event["message"]["contentProvider"] == {"type": "line"}
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == image
    assert missing.status_code == 404


# Events ---------------------------------------------------------------------------------------------


def test_event_body_is_signed_with_the_channel_secret_and_shaped_like_lines(client: Client) -> None:
    user_id = new_user(client)

    response = client.post(
        "/simulator/events",
        {"userId": user_id, "type": "text", "text": "แจ้งเหตุ"},
        content_type="application/json",
    )
    signed = response.json()
    body = json.loads(signed["body"])
    event = body["events"][0]

    assert signature_valid(signed["body"].encode(), signed["signature"])
    assert body["destination"] == "Usimulatorbot"
    assert event["type"] == "message"
    assert event["mode"] == "active"
    assert event["source"] == {"type": "user", "userId": user_id}
    assert len(event["webhookEventId"]) == 26
    assert event["webhookEventId"].isupper()
    assert event["deliveryContext"] == {"isRedelivery": False}
    assert len(event["replyToken"]) == 32
    assert event["message"]["type"] == "text"
    assert event["message"]["text"] == "แจ้งเหตุ"
    assert event["message"]["quoteToken"]


def test_location_and_postback_events_carry_lines_fields(client: Client) -> None:
    user_id = new_user(client)

    location = send(client, user_id, type="location", latitude=14.05, longitude=101.37, title="ตัวเมืองปราจีนบุรี")
    postback = send(client, user_id, type="postback", data="action=report", displayText="แจ้งเหตุร้าย")

    assert location["message"]["latitude"] == 14.05
    assert location["message"]["longitude"] == 101.37
    assert location["message"]["title"] == "ตัวเมืองปราจีนบุรี"
    assert postback["type"] == "postback"
    assert postback["postback"] == {"data": "action=report"}
    # The displayText shows as the user's bubble, but is not part of the event.
    shown = SimMessage.objects.filter(user__user_id=user_id, sender=SimMessage.Sender.USER).last()
    assert shown is not None
    assert shown.payload["text"] == "แจ้งเหตุร้าย"


def test_unfollow_has_no_reply_token_and_follow_afterwards_is_an_unblock(client: Client) -> None:
    user_id = new_user(client)

    unfollow = send(client, user_id, type="unfollow")
    follow = send(client, user_id, type="follow")

    assert "replyToken" not in unfollow
    assert follow["follow"] == {"isUnblocked": True}
    assert SimUser.objects.get(user_id=user_id).blocked is False


def test_redelivery_repeats_the_event_id_with_is_redelivery_true(client: Client) -> None:
    user_id = new_user(client)
    original = send(client, user_id, type="text", text="ช่วยด้วย")

    response = client.post(
        "/simulator/events/redeliver",
        {"userId": user_id, "webhookEventId": original["webhookEventId"]},
        content_type="application/json",
    )
    signed = response.json()
    again = json.loads(signed["body"])["events"][0]

    assert signature_valid(signed["body"].encode(), signed["signature"])
    assert again["webhookEventId"] == original["webhookEventId"]
    assert again["deliveryContext"] == {"isRedelivery": True}
    assert again["message"] == original["message"]


def test_events_endpoint_is_csrf_protected(client: Client) -> None:
    user_id = new_user(client)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/simulator/events", {"userId": user_id, "type": "follow"}, content_type="application/json"
    )

    assert response.status_code == 403


# Rich menu ------------------------------------------------------------------------------------------


MENU = {
    "size": {"width": 2500, "height": 843},
    "selected": True,
    "name": "test menu",
    "chatBarText": "เมนู",
    "areas": [
        {
            "bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
            "action": {"type": "postback", "data": "action=report", "displayText": "แจ้งเหตุร้าย"},
        }
    ],
}


def upload(client: Client, menu_id: str, data: bytes) -> Any:
    return client.post(
        f"{API}/richmenu/{menu_id}/content",
        data=data,
        content_type="image/png",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def test_rich_menu_created_with_image_becomes_the_default(client: Client) -> None:
    created = api(client, "post", "richmenu", MENU)
    menu_id = created.json()["richMenuId"]

    uploaded = upload(client, menu_id, png_bytes((2500, 843)))
    made_default = api(client, "post", f"user/all/richmenu/{menu_id}")
    default = api(client, "get", "user/all/richmenu")
    listed = api(client, "get", "richmenu/list")

    assert menu_id.startswith("richmenu-")
    assert uploaded.status_code == 200
    assert made_default.status_code == 200
    assert default.json() == {"richMenuId": menu_id}
    assert [m["richMenuId"] for m in listed.json()["richmenus"]] == [menu_id]
    assert listed.json()["richmenus"][0]["chatBarText"] == "เมนู"
    page_menu = client.get("/simulator/richmenu").json()
    assert page_menu["richMenuId"] == menu_id
    assert client.get(page_menu["imageUrl"]).status_code == 200


def test_rich_menu_without_an_image_cannot_be_the_default(client: Client) -> None:
    menu_id = api(client, "post", "richmenu", MENU).json()["richMenuId"]

    response = api(client, "post", f"user/all/richmenu/{menu_id}")

    assert response.status_code == 400
    assert not SimRichMenu.objects.filter(is_default=True).exists()


def test_rich_menu_image_of_the_wrong_size_is_refused(client: Client) -> None:
    menu_id = api(client, "post", "richmenu", MENU).json()["richMenuId"]

    response = upload(client, menu_id, png_bytes((1200, 405)))

    assert response.status_code == 400
    assert SimRichMenu.objects.get(rich_menu_id=menu_id).image is None


# The page --------------------------------------------------------------------------------------------


def test_chat_page_shows_the_built_in_rich_menu_when_none_is_set(client: Client) -> None:
    response = client.get("/simulator/")

    assert response.status_code == 200
    assert "ESS Help Me" in response.content.decode()
    assert '"data": "action=report"' in response.content.decode()


def test_simulator_is_not_found_when_switched_off(client: Client, settings: Any) -> None:
    settings.LINE_SIMULATOR = False

    assert client.get("/simulator/").status_code == 404
    assert (
        api(client, "post", "message/push", {"to": "U" + "0" * 32, "messages": [text("x")]}).status_code
        == 404
    )


# Through line-bot-sdk ----------------------------------------------------------------------------------


def test_line_client_talks_to_the_simulator(live_server: Any, settings: Any, transactional_db: None) -> None:
    settings.LINE_API_BASE_URL = settings.LINE_API_DATA_BASE_URL = live_server.url + "/simulator/api"
    user = SimUser.objects.create(user_id="U" + "a" * 32, display_name="ทดสอบ", created_at=timezone.now())
    key = str(uuid.uuid4())

    line_client.show_loading(user.user_id, 10)
    line_client.push(user.user_id, [text("ข้อความแรก")], retry_key=key)
    line_client.push(user.user_id, [text("ข้อความแรก")], retry_key=key)  # 409 counts as sent
    profile = line_client.profile(user.user_id)
    with pytest.raises(line_client.LineError) as refused:
        line_client.reply("0" * 32, [text("x")])

    assert bot_texts(user.user_id) == ["ข้อความแรก"]
    assert profile.display_name == "ทดสอบ"
    assert refused.value.status == 400
    assert refused.value.transient is False
