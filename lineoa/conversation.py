"""The reporting conversation: one step per webhook event, state in the ``Conversation`` row.

``conversation_step`` is called with the user's row locked (see ``services.inbox_process_user``), so
steps of one user never interleave, and it returns the messages to reply with.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from django.utils import timezone

from incidents.models import Category, Incident, IncidentEvent, ReporterRelation
from incidents.selectors import incident_open_for_reporter
from incidents.services import (
    IncidentError,
    incident_add_reporter_message,
    incident_create,
    incident_reopen,
    incident_set_status,
    incidents_mark_reporter_unreachable,
)
from lineoa import replies
from lineoa.models import Conversation, LineUser
from lineoa.phone import phone_display, phone_parse_thai
from stations.geo import OutsideThailand, in_thailand

logger = logging.getLogger(__name__)

Step = Conversation.Step
Event = dict[str, Any]


def conversation_step(line_user: LineUser, event: Event) -> list[replies.Message]:
    """Move ``line_user``'s conversation one step for ``event``; return the reply messages."""
    kind = event.get("type")
    if kind == "follow":
        line_user.following = True
        line_user.unfollowed_at = None
        line_user.save(update_fields=["following", "unfollowed_at"])
        return replies.welcome()
    if kind == "unfollow":
        line_user.following = False
        line_user.unfollowed_at = timezone.now()
        line_user.save(update_fields=["following", "unfollowed_at"])
        incidents_mark_reporter_unreachable(reporter_line_id=line_user.line_user_id)
        _conversation(line_user).reset()
        return []
    if kind not in {"message", "postback"}:
        return []  # joins, beacons, account links and the like are not part of reporting

    convo = _conversation(line_user)
    action, value = _postback(event)
    message = event.get("message") or {}
    typed = str(message.get("text") or "").strip() if message.get("type") == "text" else ""

    if action == "keep_case":
        return [replies.text("เรื่องของคุณยังดำเนินการต่อ เจ้าหน้าที่จะติดต่อกลับ หากอยู่ในอันตรายเฉพาะหน้า โทร 191")]
    if action == "cancel_case":
        return _cancel_case(user=line_user, case=_postback_field(event, "case"))
    if action == "cancel" or typed == replies.CANCEL:
        was_reporting = convo.step != Step.IDLE
        convo.reset()
        if was_reporting:
            return [replies.cancelled()]
        open_case = incident_open_for_reporter(line_user.line_user_id)
        if open_case is not None and open_case.status in CANCELLABLE:
            return [replies.ask_cancel_case(open_case.case_number, open_case.pk)]
        return [replies.idle_hint()]
    if action == "help":
        return replies.help_messages()
    if action == "welfare":
        return _welfare(user=line_user, value=value, case=_postback_field(event, "case"))
    if action == "report" or (typed and "แจ้งเหตุ" in typed and convo.step == Step.IDLE):
        convo.go(Step.CATEGORY, {})
        return [replies.ask_category()]

    if convo.step != Step.IDLE and convo.is_expired():
        convo.reset()
        if action or message:
            return [replies.expired()]

    handler = _STEPS.get(Step(convo.step), _idle)
    return handler(convo, line_user, action, value, message, typed)


# Steps ------------------------------------------------------------------------------------------


def _idle(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    incident = incident_open_for_reporter(user.line_user_id)
    if incident is None or not message:
        return [replies.idle_hint()]
    kind = message.get("type")
    if kind == "text":
        incident_add_reporter_message(incident=incident, kind=IncidentEvent.Kind.REPORTER_TEXT, text=typed)
    elif kind == "image":
        incident_add_reporter_message(
            incident=incident,
            kind=IncidentEvent.Kind.REPORTER_IMAGE,
            data={"line_message_id": str(message.get("id", ""))},
        )
    elif kind == "location":
        lat, lng = _coordinates(message)
        if lat is None or lng is None:
            return [replies.idle_hint()]
        incident_add_reporter_message(
            incident=incident,
            kind=IncidentEvent.Kind.REPORTER_LOCATION,
            text=_place(message),
            data={"latitude": lat, "longitude": lng},
        )
    else:
        return [replies.idle_hint()]
    return [replies.added_to_case(incident.case_number)]


def _category(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    chosen = value if action == "category" else _category_from_text(typed)
    if chosen not in Category.values:
        return [replies.ask_category("กรุณาเลือกเหตุจากปุ่มด้านล่าง\n")]
    convo.go(Step.LOCATION, {**convo.data, "category": chosen})
    return [replies.ask_location()]


def _location(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    if message.get("type") != "location":
        return [replies.ask_location("ยังไม่ได้รับตำแหน่ง\n")]
    lat, lng = _coordinates(message)
    if lat is None or lng is None:
        return [replies.ask_location("ตำแหน่งไม่ถูกต้อง\n")]
    if not in_thailand(lat, lng):
        return [replies.outside_thailand()]
    data = {**convo.data, "latitude": lat, "longitude": lng, "address": _place(message)}
    convo.go(Step.PHONE, data)
    return [replies.ask_phone(_last_phone(user))]


def _phone(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    if action == "reuse_phone" and user.last_phone:
        phone: str | None = user.last_phone
    elif typed:
        phone = phone_parse_thai(typed)
        if phone is None:
            return [replies.phone_invalid()]
    else:
        return [replies.ask_phone(_last_phone(user), "กรุณาพิมพ์เบอร์โทรเป็นตัวเลข\n")]
    convo.go(Step.RELATION, {**convo.data, "phone": phone})
    return [replies.ask_relation()]


def _relation(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    chosen = value if action == "relation" else _choice_from_text(typed, ReporterRelation)
    if chosen not in ReporterRelation.values:
        return [replies.ask_relation("กรุณาเลือกจากปุ่มด้านล่าง\n")]
    data = {**convo.data, "relation": chosen}
    convo.go(Step.CONFIRM, data)
    return [
        replies.confirm_summary(data["category"], _summary_place(data), phone_display(data["phone"]), chosen)
    ]


def _confirm(
    convo: Conversation, user: LineUser, action: str, value: str, message: Event, typed: str
) -> list[replies.Message]:
    data = convo.data
    if not (action == "confirm" or typed == replies.CONFIRM):
        return [
            replies.confirm_summary(
                data["category"], _summary_place(data), phone_display(data["phone"]), data["relation"]
            )
        ]
    try:
        incident = incident_create(
            category=data["category"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            address=data.get("address", ""),
            phone=data["phone"],
            relation=data["relation"],
            reporter_line_id=user.line_user_id,
        )
    except (IncidentError, OutsideThailand):
        logger.exception("report of %s could not be created", user.line_user_id)
        return [replies.report_failed()]
    user.last_phone = data["phone"]
    user.save(update_fields=["last_phone"])
    convo.reset()
    station = incident.station
    assert station is not None  # a new case always starts at a station
    return [replies.reported(incident.case_number, station.name_th, station.phone)]


# A reporter may call a case off until officers reach the scene.
CANCELLABLE = (Incident.Status.NEW, Incident.Status.ACCEPTED, Incident.Status.EN_ROUTE)


def _cancel_case(*, user: LineUser, case: str) -> list[replies.Message]:
    """The reporter confirmed calling off their open case (they get this reply, not a push too)."""
    incident = incident_open_for_reporter(user.line_user_id)
    if incident is None or str(incident.pk) != case:
        return [replies.idle_hint()]
    try:
        incident_set_status(
            incident_id=incident.pk,
            actor=None,
            to=Incident.Status.CANCELLED,
            note="ผู้แจ้งยกเลิกเรื่องทาง LINE",
        )
    except IncidentError:
        return [replies.text(f"ยกเลิกเรื่อง {incident.case_number} ไม่ได้แล้ว เจ้าหน้าที่ถึงที่เกิดเหตุแล้ว")]
    return [replies.text(f"ยกเลิกเรื่อง {incident.case_number} แล้ว แจ้งใหม่ได้ตลอดเวลา", [replies.START_ACTION])]


def _welfare(*, user: LineUser, value: str, case: str) -> list[replies.Message]:
    """The answer to "ปลอดภัยแล้วหรือยัง": still needing help reopens the case at its station."""
    if not case.isdigit():
        return [replies.idle_hint()]
    if value == "help":
        incident = incident_reopen(
            incident_id=int(case),
            reporter_line_id=user.line_user_id,
            reason="ผู้แจ้งตอบว่ายังต้องการความช่วยเหลือ",
        )
        if incident is None:
            return [replies.idle_hint()]
        where = incident.station.name_th if incident.station else "เจ้าหน้าที่ระดับจังหวัด"
        return [
            replies.text(
                f"เปิดเรื่อง {incident.case_number} อีกครั้งแล้ว {where} จะติดต่อกลับโดยเร็ว\n"
                "หากอยู่ในอันตรายเฉพาะหน้า โทร 191"
            )
        ]
    return [replies.text("ขอบคุณที่ตอบกลับ ดีใจที่คุณปลอดภัย\n" + replies.FURTHER_HELP)]


_STEPS = {
    Step.IDLE: _idle,
    Step.CATEGORY: _category,
    Step.LOCATION: _location,
    Step.PHONE: _phone,
    Step.RELATION: _relation,
    Step.CONFIRM: _confirm,
}


# Helpers ----------------------------------------------------------------------------------------


def _conversation(user: LineUser) -> Conversation:
    convo, _ = Conversation.objects.get_or_create(line_user=user, defaults={"updated_at": timezone.now()})
    return convo


def _postback(event: Event) -> tuple[str, str]:
    if event.get("type") != "postback":
        return "", ""
    data = str((event.get("postback") or {}).get("data", ""))
    parsed = parse_qs(data)
    return parsed.get("action", [""])[0], parsed.get("value", [""])[0]


def _postback_field(event: Event, name: str) -> str:
    data = str((event.get("postback") or {}).get("data", ""))
    return parse_qs(data).get(name, [""])[0]


def _category_from_text(typed: str) -> str:
    return _choice_from_text(typed, Category)


def _choice_from_text(typed: str, choices: Any) -> str:
    """Someone may type the label or its number instead of tapping."""
    for number, choice in enumerate(choices, start=1):
        if typed in (choice.label, str(number)):
            return str(choice.value)
    return ""


def _coordinates(message: Event) -> tuple[float | None, float | None]:
    try:
        return float(message["latitude"]), float(message["longitude"])
    except (KeyError, TypeError, ValueError):
        return None, None


def _place(message: Event) -> str:
    parts = [str(message.get("title") or "").strip(), str(message.get("address") or "").strip()]
    return " ".join(p for p in parts if p)[:500]


def _summary_place(data: dict[str, Any]) -> str:
    return data.get("address") or f"{data['latitude']:.5f}, {data['longitude']:.5f}"


def _last_phone(user: LineUser) -> str | None:
    return phone_display(user.last_phone) if user.last_phone else None
