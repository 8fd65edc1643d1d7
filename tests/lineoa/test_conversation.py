from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from incidents.models import Category, Incident, IncidentEvent, ReporterRelation
from lineoa.models import Conversation, LineUser, OutboundMessage
from tests import line_events as ev
from tests.conftest import LineChat

pytestmark = pytest.mark.django_db

USER = "U" + "b" * 32
OFFICIAL_LABELS = [
    "ข่มขู่ว่าจะทำร้ายหรือทำร้าย",
    "กักขังหน่วงเหนี่ยว",
    "เสี่ยงถูกล่วงละเมิดทางเพศ",
    "ผู้คลุ้มคลั่งก่อให้เกิดเหตุร้าย",
    "มั่วสุมจนก่อให้เกิดเหตุร้าย",
]


def _report_until_confirm(line: LineChat, user: str = USER, phone: str = "081-234-5678") -> None:
    line.send(ev.postback(user, "action=report"))
    line.send(ev.postback(user, "action=category&value=detention"))
    line.send(ev.location(user, 14.05, 101.37, title="ตลาดเทศบาล", address="ต.หน้าเมือง อ.เมืองปราจีนบุรี"))
    line.send(ev.text(user, phone))
    line.send(ev.postback(user, "action=relation&value=relative"))


def test_follow_greets_with_privacy_notice_and_emergency_numbers(line: LineChat) -> None:
    line.send(ev.follow(USER))
    welcome, privacy = line.texts()
    assert "ESS Help Me" in welcome
    assert "1669" in welcome and "199" in welcome and "191" in welcome
    assert "PDPA" in privacy
    assert "ทุกครั้งที่มีผู้เปิดดูเบอร์โทร" in privacy
    assert LineUser.objects.get(line_user_id=USER).following is True


def test_rich_menu_postback_offers_the_five_official_problems(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    assert "เกิดเหตุอะไรขึ้น" in line.last_text()
    assert line.last_quick_labels() == [*OFFICIAL_LABELS, "ยกเลิก"]
    assert [c.label for c in Category] == OFFICIAL_LABELS


def test_quick_reply_labels_fit_lines_twenty_grapheme_limit(line: LineChat) -> None:
    import unicodedata

    def graphemes(label: str) -> int:
        # Thai marks above/below (Mn) and SARA AM join the previous character's cluster.
        return sum(1 for ch in label if unicodedata.category(ch) not in ("Mn", "Mc") and ch != "\u0e33")

    _report_until_confirm(line)
    for message in line.fake.delivered():
        for item in message.get("quickReply", {}).get("items", []):
            assert graphemes(item["action"]["label"]) <= 20, item["action"]["label"]


def test_typed_text_containing_report_word_starts_a_report(line: LineChat) -> None:
    line.send(ev.text(USER, "ต้องการแจ้งเหตุค่ะ"))
    assert "เกิดเหตุอะไรขึ้น" in line.last_text()
    assert Conversation.objects.get(line_user__line_user_id=USER).step == Conversation.Step.CATEGORY


def test_category_then_location_asks_for_phone(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    assert "ปักหมุด" in line.last_text()
    location_items = line.fake.delivered()[-1]["quickReply"]["items"]
    assert location_items[0]["action"] == {"type": "location", "label": "ปักหมุด / แชร์ตำแหน่ง"}
    line.send(ev.location(USER, 14.05, 101.37))
    assert "เบอร์โทร" in line.last_text()


def test_text_instead_of_location_is_asked_again(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    line.send(ev.text(USER, "อยู่หน้าตลาด"))
    assert "ยังไม่ได้รับตำแหน่ง" in line.last_text()


def test_location_outside_thailand_is_asked_again(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    line.send(ev.location(USER, 35.68, 139.69))
    assert "นอกประเทศไทย" in line.last_text()
    assert Conversation.objects.get(line_user__line_user_id=USER).step == Conversation.Step.LOCATION


@pytest.mark.parametrize("bad", ["12345", "0812", "hello", "+14155552671", "191", "08123456789012"])
def test_wrong_phone_number_is_asked_again_with_an_example(line: LineChat, bad: str) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    line.send(ev.location(USER, 14.05, 101.37))
    line.send(ev.text(USER, bad))
    assert "เบอร์โทรไม่ถูกต้อง" in line.last_text()
    assert "0812345678" in line.last_text()
    assert Conversation.objects.get(line_user__line_user_id=USER).step == Conversation.Step.PHONE


@pytest.mark.parametrize("typed", ["0812345678", "081-234-5678", "+66812345678", "๐๘๑๒๓๔๕๖๗๘"])
def test_thai_mobile_numbers_in_any_common_form_are_stored_in_e164(line: LineChat, typed: str) -> None:
    _report_until_confirm(line, phone=typed)
    convo = Conversation.objects.get(line_user__line_user_id=USER)
    assert convo.step == Conversation.Step.CONFIRM
    assert convo.data["phone"] == "+66812345678"


def test_summary_then_confirm_creates_the_incident_at_the_nearest_station(line: LineChat) -> None:
    _report_until_confirm(line)
    summary = line.last_text()
    assert "กักขังหน่วงเหนี่ยว" in summary
    assert "ตลาดเทศบาล" in summary
    assert "081 234 5678" in summary
    assert "ญาติหรือคนใกล้ชิด" in summary
    assert line.last_quick_labels() == ["ยืนยัน", "ยกเลิก"]

    line.send(ev.postback(USER, "action=confirm"))
    incident = Incident.objects.get()
    assert incident.station is not None
    assert incident.station.name_th == "สภ.เมืองปราจีนบุรี"
    assert incident.province.code == 25
    assert incident.category == Category.DETENTION
    assert incident.reporter_phone == "+66812345678"
    assert incident.reporter_relation == ReporterRelation.RELATIVE
    assert incident.status == Incident.Status.NEW
    done = line.last_text()
    assert incident.case_number in done
    assert "สภ.เมืองปราจีนบุรี" in done and "โทร 191" in done
    assert incident.case_number.startswith(f"ESS-{timezone.localtime().year + 543}-")
    assert IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.CREATED).exists()


def test_confirm_shows_the_loading_animation(line: LineChat) -> None:
    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    assert line.fake.calls("/v2/bot/chat/loading/start")[0].body["chatId"] == USER


def test_a_returning_reporter_may_reuse_the_last_number(line: LineChat) -> None:
    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    line.send(ev.location(USER, 14.05, 101.37))
    assert "ใช้เบอร์ 081 234 5678" in line.last_quick_labels()
    line.send(ev.postback(USER, "action=reuse_phone"))
    assert "เกี่ยวข้อง" in line.last_text()
    assert Conversation.objects.get(line_user__line_user_id=USER).data["phone"] == "+66812345678"


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 5])
def test_cancel_at_any_step_ends_the_report_without_an_incident(line: LineChat, steps: int) -> None:
    script = [
        ev.postback(USER, "action=report"),
        ev.postback(USER, "action=category&value=assault"),
        ev.location(USER, 14.05, 101.37),
        ev.text(USER, "0812345678"),
        ev.postback(USER, "action=relation&value=victim"),
    ]
    line.send(*script[:steps])
    line.send(ev.text(USER, "ยกเลิก") if steps % 2 else ev.postback(USER, "action=cancel"))
    assert "ยกเลิกการแจ้งเหตุแล้ว" in line.last_text()
    assert not Incident.objects.exists()
    assert Conversation.objects.get(line_user__line_user_id=USER).step == Conversation.Step.IDLE


def test_an_idle_conversation_expires_after_thirty_minutes(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    Conversation.objects.update(updated_at=timezone.now() - timedelta(minutes=31))
    line.send(ev.location(USER, 14.05, 101.37))
    assert "หมดเวลา" in line.last_text()
    assert Conversation.objects.get(line_user__line_user_id=USER).step == Conversation.Step.IDLE


def test_unexpected_text_when_idle_gets_a_helpful_answer(line: LineChat) -> None:
    line.send(ev.text(USER, "สวัสดีครับ"))
    assert "แจ้งเหตุ" in line.last_text()
    assert "191" in line.last_text()


def test_stickers_and_odd_messages_never_break_the_conversation(line: LineChat) -> None:
    sticker = ev.text(USER, "")
    sticker["message"] = {"id": "9", "type": "sticker", "packageId": "1", "stickerId": "2"}
    line.send(ev.postback(USER, "action=report"), sticker)
    assert "กรุณาเลือกเหตุ" in line.last_text()
    odd = ev.text(USER, "")
    odd["message"]["text"] = 12345
    line.send(odd)
    assert "กรุณาเลือกเหตุ" in line.last_text()


def test_messages_photos_and_locations_after_the_report_join_the_case(line: LineChat) -> None:
    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    incident = Incident.objects.get()
    line.send(ev.text(USER, "คนร้ายยังอยู่หน้าบ้าน"))
    assert incident.case_number in line.last_text()
    line.send(ev.image(USER))
    line.send(ev.location(USER, 14.06, 101.38, title="หน้าบ้าน"))
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", "note").order_by("pk"))
    assert (IncidentEvent.Kind.REPORTER_TEXT, "คนร้ายยังอยู่หน้าบ้าน") in kinds
    assert any(k == IncidentEvent.Kind.REPORTER_IMAGE for k, _ in kinds)
    assert (IncidentEvent.Kind.REPORTER_LOCATION, "หน้าบ้าน") in kinds


def test_unfollow_marks_the_reporter_unreachable(line: LineChat) -> None:
    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    line.send(ev.unfollow(USER))
    assert LineUser.objects.get(line_user_id=USER).following is False
    assert Incident.objects.get().reporter_unreachable is True


def test_replies_use_the_fresh_reply_token(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.SENT
    assert message.sent_via == "reply"
    assert not line.fake.calls("/v2/bot/message/push")


def test_a_stale_reply_token_falls_back_to_push_with_a_retry_key(line: LineChat) -> None:
    old = ev.postback(USER, "action=report")
    old["timestamp"] -= 5 * 60 * 1000  # processed five minutes after LINE sent it
    line.send(old)
    message = OutboundMessage.objects.get()
    assert message.sent_via == "push"
    push = line.fake.calls("/v2/bot/message/push")[0]
    assert push.body["to"] == USER
    assert push.headers["X-Line-Retry-Key"] == str(message.retry_key)
    assert not line.fake.calls("/v2/bot/message/reply")


def test_a_refused_reply_token_falls_back_to_push(line: LineChat) -> None:
    event = ev.postback(USER, "action=report")
    event["replyToken"] = "expired-token"
    line.send(event)
    message = OutboundMessage.objects.get()
    assert message.sent_via == "push"
    assert len(line.fake.delivered()) == 1


def test_a_reporter_can_call_off_an_open_case_before_officers_arrive(line: LineChat) -> None:
    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    incident = Incident.objects.get()
    line.send(ev.text(USER, "ยกเลิก"))
    assert f"ต้องการยกเลิกเรื่อง {incident.case_number}" in line.last_text()
    assert line.last_quick_labels() == ["ยกเลิกเรื่องนี้", "ไม่ยกเลิก"]
    data = line.fake.delivered()[-1]["quickReply"]["items"][0]["action"]["data"]
    line.send(ev.postback(USER, data))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CANCELLED
    assert f"ยกเลิกเรื่อง {incident.case_number} แล้ว" in line.last_text()
    event = incident.events.get(to_status=Incident.Status.CANCELLED)
    assert event.actor is None and "ผู้แจ้งยกเลิก" in event.note
    # Answered in the chat; no separate status push.
    assert not line.fake.calls("/v2/bot/message/push")


def test_a_case_with_officers_on_scene_cannot_be_called_off(line: LineChat, officer: Any) -> None:
    from incidents.services import incident_set_status

    _report_until_confirm(line)
    line.send(ev.postback(USER, "action=confirm"))
    incident = Incident.objects.get()
    for to in ("accepted", "on_scene"):
        incident_set_status(incident_id=incident.pk, actor=officer, to=to)
    line.send(ev.text(USER, "ยกเลิก"))
    assert "ต้องการยกเลิกเรื่อง" not in line.last_text()
    line.send(ev.postback(USER, f"action=cancel_case&case={incident.pk}"))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ON_SCENE
