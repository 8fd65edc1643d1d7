"""Thai phone numbers as people type them, stored in E.164."""

from __future__ import annotations

import phonenumbers

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ACCEPTED_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def phone_parse_thai(text: str) -> str | None:
    """``0812345678``, ``081-234-5678``, ``+66812345678``, Thai digits: the E.164 form, or None."""
    cleaned = text.strip().translate(_THAI_DIGITS)
    if not cleaned or len(cleaned) > 24:
        return None
    try:
        number = phonenumbers.parse(cleaned, "TH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _ACCEPTED_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """The national form a Thai reader expects: ``081 234 5678``."""
    try:
        number = phonenumbers.parse(e164, "TH")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
