"""What the bot says, as LINE message objects. Thai first; wording is discreet, because a message's
first line shows on the lock screen where someone else may read it."""

from __future__ import annotations

from typing import Any

from incidents.models import Category, ReporterRelation

Message = dict[str, Any]

EMERGENCY_NUMBERS = "เจ็บป่วยฉุกเฉิน โทร 1669 · ไฟไหม้ โทร 199 · เหตุด่วนเหตุร้าย โทร 191"
FURTHER_HELP = "ต้องการความช่วยเหลือเพิ่มเติม ปรึกษาได้ที่ศูนย์ช่วยเหลือสังคม โทร 1300 (ตลอด 24 ชั่วโมง)"
LOCATION_BUTTON = "ปักหมุด / แชร์ตำแหน่ง"
CONFIRM = "ยืนยัน"
CANCEL = "ยกเลิก"
START = "แจ้งเหตุร้าย"

WELCOME = (
    "สวัสดีค่ะ ESS Help Me “ปักหมุด หยุดเหตุ” ช่องทางแจ้งเหตุร้ายทางสังคม "
    "ส่งถึงสถานีตำรวจที่ใกล้ที่สุดทันที\n\n"
    "ใช้แจ้งเมื่อมีการข่มขู่หรือทำร้าย กักขังหน่วงเหนี่ยว เสี่ยงถูกล่วงละเมิดทางเพศ "
    "ผู้คลุ้มคลั่งก่อเหตุ หรือการมั่วสุมก่อเหตุร้าย\n\n"
    "วิธีแจ้ง: กดปุ่ม “แจ้งเหตุร้าย” ที่เมนูด้านล่าง เลือกเหตุ ปักหมุดตำแหน่ง และให้เบอร์โทร "
    "ใช้เวลาไม่ถึง 1 นาที\n\n" + EMERGENCY_NUMBERS
)
PRIVACY = (
    "ความเป็นส่วนตัวของคุณ (PDPA)\n"
    "• เราเก็บประเภทเหตุ ตำแหน่ง เบอร์โทร และข้อความหรือรูปที่คุณส่ง "
    "เพื่อส่งเรื่องให้ตำรวจและ พมจ. ในพื้นที่ช่วยเหลือคุณเท่านั้น\n"
    "• เห็นได้เฉพาะเจ้าหน้าที่สถานีตำรวจและ พมจ. ที่รับผิดชอบเรื่องของคุณ "
    "ทุกครั้งที่มีผู้เปิดดูเบอร์โทรของคุณจะถูกบันทึกไว้\n"
    "• ข้อมูลเก็บไว้ไม่เกิน 2 ปีหลังปิดเรื่อง แล้วลบหรือทำให้ระบุตัวตนไม่ได้\n"
    "• สอบถามหรือขอลบข้อมูล ติดต่อศูนย์ช่วยเหลือสังคม โทร 1300"
)


def text(body: str, quick: list[dict[str, Any]] | None = None) -> Message:
    message: Message = {"type": "text", "text": body}
    if quick:
        message["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick]}
    return message


def postback(label: str, data: str, display: str | None = None) -> dict[str, Any]:
    return {"type": "postback", "label": label, "data": data, "displayText": display or label}


CANCEL_ACTION = postback(CANCEL, "action=cancel")
START_ACTION = postback(START, "action=report")


def welcome() -> list[Message]:
    return [text(WELCOME, [START_ACTION]), text(PRIVACY)]


def help_messages() -> list[Message]:
    return welcome()


def ask_category(prefix: str = "") -> Message:
    actions = [postback(c.label, f"action=category&value={c.value}") for c in Category]
    body = "เกิดเหตุอะไรขึ้น? เลือกจากปุ่มด้านล่าง"
    return text(prefix + body, [*actions, CANCEL_ACTION])


def ask_location(prefix: str = "") -> Message:
    body = f"ปักหมุดตำแหน่งที่เกิดเหตุ: กดปุ่ม “{LOCATION_BUTTON}” ด้านล่าง แล้วเลือกจุดบนแผนที่"
    return text(prefix + body, [{"type": "location", "label": LOCATION_BUTTON}, CANCEL_ACTION])


def ask_phone(last_phone_display: str | None, prefix: str = "") -> Message:
    body = "ขอเบอร์โทรที่เจ้าหน้าที่ติดต่อกลับได้ พิมพ์เบอร์โทรในช่องแชต เช่น 0812345678"
    quick = [CANCEL_ACTION]
    if last_phone_display:
        quick.insert(0, postback(f"ใช้เบอร์ {last_phone_display}", "action=reuse_phone"))
    return text(prefix + body, quick)


def phone_invalid() -> Message:
    return text(
        "เบอร์โทรไม่ถูกต้อง กรุณาพิมพ์ใหม่ เช่น 0812345678 (มือถือ) หรือ 021234567 (บ้าน/ที่ทำงาน)",
        [CANCEL_ACTION],
    )


def ask_relation(prefix: str = "") -> Message:
    actions = [postback(r.label, f"action=relation&value={r.value}") for r in ReporterRelation]
    return text(prefix + "คุณเกี่ยวข้องกับเหตุการณ์นี้อย่างไร?", [*actions, CANCEL_ACTION])


def confirm_summary(category: str, place: str, phone: str, relation: str) -> Message:
    body = (
        "ตรวจสอบข้อมูลก่อนส่ง\n"
        f"• เหตุ: {Category(category).label}\n"
        f"• ตำแหน่ง: {place}\n"
        f"• เบอร์โทร: {phone}\n"
        f"• ผู้แจ้ง: {ReporterRelation(relation).label}\n\n"
        f"กด “{CONFIRM}” เพื่อส่งเรื่องถึงสถานีตำรวจ"
    )
    return text(body, [postback(CONFIRM, "action=confirm"), CANCEL_ACTION])


def reported(case_number: str, station_name: str, station_phone: str) -> Message:
    phone = f" โทร {station_phone}" if station_phone else ""
    return text(
        f"รับเรื่องแล้ว เลขที่ {case_number}\n"
        f"สถานีที่รับผิดชอบ: {station_name}{phone}\n\n"
        "เจ้าหน้าที่จะติดต่อกลับโดยเร็ว ส่งข้อความ รูปภาพ หรือตำแหน่งใหม่เพิ่มเติมได้ในแชตนี้\n"
        "หากอยู่ในอันตรายเฉพาะหน้า โทร 191"
    )


def cancelled() -> Message:
    return text(f"ยกเลิกการแจ้งเหตุแล้ว แจ้งใหม่ได้ตลอดเวลาโดยกด “{START}”", [START_ACTION])


def ask_cancel_case(case_number: str, incident_id: int) -> Message:
    return text(
        f"ต้องการยกเลิกเรื่อง {case_number} ใช่ไหม? ยกเลิกแล้วเจ้าหน้าที่จะไม่เดินทางไป",
        [
            postback("ยกเลิกเรื่องนี้", f"action=cancel_case&case={incident_id}"),
            postback("ไม่ยกเลิก", "action=keep_case"),
        ],
    )


def expired() -> Message:
    return text(f"การแจ้งเหตุที่ค้างไว้หมดเวลาแล้ว (เกิน 30 นาที) กรุณาเริ่มใหม่โดยกด “{START}”", [START_ACTION])


def outside_thailand() -> Message:
    return ask_location("ตำแหน่งนี้อยู่นอกประเทศไทย ระบบส่งเรื่องได้เฉพาะในประเทศไทย\n")


def added_to_case(case_number: str) -> Message:
    return text(f"ได้รับแล้ว ส่งต่อให้เจ้าหน้าที่ของเรื่อง {case_number} แล้ว")


def idle_hint() -> Message:
    return text(f"หากต้องการแจ้งเหตุ พิมพ์ “แจ้งเหตุ” หรือกดปุ่ม “{START}”\n{EMERGENCY_NUMBERS}", [START_ACTION])


def report_failed() -> Message:
    return text(
        f"ขออภัย ระบบส่งเรื่องไม่สำเร็จในขณะนี้ ข้อมูลของคุณยังอยู่ กรุณากด “{CONFIRM}” อีกครั้ง หรือโทร 191",
        [postback(CONFIRM, "action=confirm"), CANCEL_ACTION],
    )
