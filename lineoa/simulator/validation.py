"""The checks LINE's Messaging API applies to message and rich-menu objects, as far as the simulator
needs them to catch what the real API would refuse: counts, lengths and action labels.

Errors are collected, not raised one at a time, so a 400 lists every problem with its property path
the way LINE does (``messages[0].quickReply.items[13]``).
"""

from __future__ import annotations

import unicodedata
from typing import Any, TypedDict


class Detail(TypedDict):
    message: str
    property: str


MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
# Flex Message buttons allow longer labels than quick replies, templates and rich menus.
MAX_FLEX_LABEL = 40
MAX_ALT_TEXT = 400

MESSAGE_TYPES = {
    "text",
    "textV2",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
}
ACTION_TYPES = {
    "message",
    "postback",
    "uri",
    "location",
    "camera",
    "cameraRoll",
    "datetimepicker",
    "richmenuswitch",
    "clipboard",
}

# Characters that never start a grapheme cluster of their own (UAX #29 Extend and SpacingMark,
# approximated by general category) plus the few Thai and Lao vowels that Unicode lists as
# SpacingMark although their category is Lo.
_SPACING_MARKS = {"\u0e33", "\u0eb3"}
_ZWJ = "\u200d"


def grapheme_count(text: str) -> int:
    """User-perceived characters in ``text``, as LINE counts action labels.

    Combining marks (Thai tone marks and above/below vowels), SARA AM, variation selectors and
    emoji skin-tone modifiers join the preceding character; a character after a zero-width joiner
    continues an emoji sequence; a pair of regional indicators is one flag; CR LF is one. This is
    the extended grapheme cluster rule for every script a Thai user will type, without pulling in a
    full Unicode segmentation library.
    """
    count = 0
    previous = ""
    regional_run = 0
    for char in text:
        category = unicodedata.category(char)
        is_regional = "\U0001f1e6" <= char <= "\U0001f1ff"
        joins = (
            category in {"Mn", "Me", "Mc"}
            or char in _SPACING_MARKS
            or char == _ZWJ
            or "\U0001f3fb" <= char <= "\U0001f3ff"
            or previous == _ZWJ
            or (previous == "\r" and char == "\n")
            or (is_regional and regional_run % 2 == 1)
        )
        if not joins or not previous:
            count += 1
        regional_run = regional_run + 1 if is_regional else 0
        previous = char
    return count


class _Checker:
    def __init__(self) -> None:
        self.details: list[Detail] = []

    def fail(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    def text(self, prop: str, value: Any, *, maximum: int, required: bool = True) -> None:
        if value is None:
            if required:
                self.fail(prop, "must be specified")
            return
        if not isinstance(value, str):
            self.fail(prop, "must be a string")
        elif required and not value:
            self.fail(prop, "must not be empty")
        elif len(value) > maximum:
            self.fail(prop, f"Length must be between 0 and {maximum}")

    def label(self, prop: str, value: Any, *, maximum: int, required: bool) -> None:
        if value is None:
            if required:
                self.fail(prop, "must be specified")
            return
        if not isinstance(value, str):
            self.fail(prop, "must be a string")
        elif grapheme_count(value) > maximum:
            self.fail(prop, f"Length must be between 0 and {maximum}")

    def action(self, prop: str, action: Any, *, label_max: int = MAX_LABEL, label_required: bool) -> None:
        if not isinstance(action, dict):
            self.fail(prop, "must be specified")
            return
        kind = action.get("type")
        if kind not in ACTION_TYPES:
            self.fail(f"{prop}.type", "invalid action type")
            return
        self.label(f"{prop}.label", action.get("label"), maximum=label_max, required=label_required)
        if kind == "message":
            self.text(f"{prop}.text", action.get("text"), maximum=300)
        elif kind == "postback":
            self.text(f"{prop}.data", action.get("data"), maximum=300)
            self.text(f"{prop}.displayText", action.get("displayText"), maximum=300, required=False)
        elif kind == "uri":
            self.text(f"{prop}.uri", action.get("uri"), maximum=1000)

    def quick_reply(self, prop: str, quick_reply: Any) -> None:
        items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
        if not isinstance(items, list) or not items:
            self.fail(f"{prop}.items", "must be specified")
            return
        if len(items) > MAX_QUICK_REPLY_ITEMS:
            self.fail(f"{prop}.items", f"Size must be between 1 and {MAX_QUICK_REPLY_ITEMS}")
        for i, item in enumerate(items):
            action = item.get("action") if isinstance(item, dict) else None
            self.action(f"{prop}.items[{i}].action", action, label_required=True)

    def template(self, prop: str, template: Any) -> None:
        if not isinstance(template, dict):
            self.fail(prop, "must be specified")
            return
        kind = template.get("type")
        if kind == "buttons":
            self.text(f"{prop}.text", template.get("text"), maximum=160)
            self._actions(f"{prop}.actions", template.get("actions"), maximum=4)
        elif kind == "confirm":
            self.text(f"{prop}.text", template.get("text"), maximum=240)
            self._actions(f"{prop}.actions", template.get("actions"), minimum=2, maximum=2)
        elif kind == "carousel":
            columns = template.get("columns")
            if not isinstance(columns, list) or not 1 <= len(columns) <= 10:
                self.fail(f"{prop}.columns", "Size must be between 1 and 10")
                return
            for i, column in enumerate(columns):
                if isinstance(column, dict):
                    self.text(f"{prop}.columns[{i}].text", column.get("text"), maximum=120)
                    self._actions(f"{prop}.columns[{i}].actions", column.get("actions"), maximum=3)
        else:
            self.fail(f"{prop}.type", "invalid template type")

    def _actions(self, prop: str, actions: Any, *, minimum: int = 1, maximum: int) -> None:
        if not isinstance(actions, list) or not minimum <= len(actions) <= maximum:
            self.fail(prop, f"Size must be between {minimum} and {maximum}")
            return
        for i, action in enumerate(actions):
            self.action(f"{prop}[{i}]", action, label_required=True)

    def flex_actions(self, prop: str, node: Any) -> None:
        """Every ``action`` anywhere inside a Flex container."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "action":
                    self.action(f"{prop}.action", value, label_max=MAX_FLEX_LABEL, label_required=False)
                else:
                    self.flex_actions(f"{prop}.{key}", value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self.flex_actions(f"{prop}[{i}]", value)

    def message(self, prop: str, message: Any) -> None:
        if not isinstance(message, dict):
            self.fail(prop, "must be an object")
            return
        kind = message.get("type")
        if kind not in MESSAGE_TYPES:
            self.fail(f"{prop}.type", "invalid message type")
            return
        if kind in {"text", "textV2"}:
            self.text(f"{prop}.text", message.get("text"), maximum=MAX_TEXT)
        elif kind == "sticker":
            self.text(f"{prop}.packageId", message.get("packageId"), maximum=100)
            self.text(f"{prop}.stickerId", message.get("stickerId"), maximum=100)
        elif kind == "image":
            self.text(f"{prop}.originalContentUrl", message.get("originalContentUrl"), maximum=2000)
            self.text(f"{prop}.previewImageUrl", message.get("previewImageUrl"), maximum=2000)
        elif kind == "location":
            self.text(f"{prop}.title", message.get("title"), maximum=100)
            self.text(f"{prop}.address", message.get("address"), maximum=100)
        elif kind == "template":
            self.text(f"{prop}.altText", message.get("altText"), maximum=MAX_ALT_TEXT)
            self.template(f"{prop}.template", message.get("template"))
        elif kind == "flex":
            self.text(f"{prop}.altText", message.get("altText"), maximum=MAX_ALT_TEXT)
            if not isinstance(message.get("contents"), dict):
                self.fail(f"{prop}.contents", "must be specified")
            self.flex_actions(f"{prop}.contents", message.get("contents"))
        if "quickReply" in message:
            self.quick_reply(f"{prop}.quickReply", message["quickReply"])


def messages_problems(messages: Any) -> list[Detail]:
    """What LINE would refuse in the ``messages`` of a reply or push; empty when all is well."""
    checker = _Checker()
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        checker.fail("messages", f"Size must be between 1 and {MAX_MESSAGES}")
        return checker.details
    for i, message in enumerate(messages):
        checker.message(f"messages[{i}]", message)
    return checker.details


def rich_menu_problems(definition: Any) -> list[Detail]:
    """What LINE would refuse in a rich menu object (``POST /v2/bot/richmenu``)."""
    checker = _Checker()
    if not isinstance(definition, dict):
        checker.fail("", "must be an object")
        return checker.details
    size = definition.get("size")
    width = size.get("width") if isinstance(size, dict) else None
    height = size.get("height") if isinstance(size, dict) else None
    if not isinstance(width, int) or not isinstance(height, int):
        checker.fail("size", "must be specified")
        width = height = 0
    elif not (800 <= width <= 2500 and height >= 250 and width / height >= 1.45):
        checker.fail("size", "width must be 800-2500, height at least 250, width/height at least 1.45")
    if not isinstance(definition.get("selected"), bool):
        checker.fail("selected", "must be specified")
    checker.text("name", definition.get("name"), maximum=300)
    checker.text("chatBarText", definition.get("chatBarText"), maximum=14)
    areas = definition.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        checker.fail("areas", "Size must be between 1 and 20")
        return checker.details
    for i, area in enumerate(areas):
        bounds = area.get("bounds") if isinstance(area, dict) else None
        try:
            assert isinstance(bounds, dict)
            x, y, w, h = (int(bounds[k]) for k in ("x", "y", "width", "height"))
        except (AssertionError, KeyError, TypeError, ValueError):
            checker.fail(f"areas[{i}].bounds", "must be specified")
            continue
        if width and (x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height):
            checker.fail(f"areas[{i}].bounds", "must lie inside the rich menu")
        checker.action(f"areas[{i}].action", area.get("action"), label_required=False)
    return checker.details
