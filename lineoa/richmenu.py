"""The Official Account's rich menu: its definition and its image, drawn with Pillow.

The menu has one large button that starts a report, one for help and privacy, and one that dials
191. ``python manage.py line_richmenu`` installs it through :func:`lineoa.client.rich_menu_install`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

WIDTH = 2500
HEIGHT = 843
# The large report button takes the left 60 %; help and 191 share the right column.
_SPLIT_X = 1500
_SPLIT_Y = 421

REPORT_POSTBACK = "action=report"
HELP_POSTBACK = "action=help"

# Bold TLWG faces in order of preference; Loma is the one Thai phones' UI fonts resemble most.
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
FONT_CANDIDATES = (
    FONT_DIR / "Loma-Bold.ttf",
    FONT_DIR / "Garuda-Bold.ttf",
    FONT_DIR / "Kinnari-Bold.ttf",
)

# Navy and signal red, the colours of Thai public-safety signage; white for contrast.
NAVY = (11, 45, 91)
NAVY_DARK = (7, 30, 62)
RED = (200, 16, 46)
RED_DARK = (150, 10, 32)
WHITE = (255, 255, 255)
PALE = (232, 238, 247)
GOLD = (244, 196, 48)


class FontNotFound(RuntimeError):
    pass


def definition() -> dict[str, Any]:
    """The rich menu object as the Messaging API takes it (``POST /v2/bot/richmenu``)."""
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": "ESS Help Me main menu",
        "chatBarText": "เมนู",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": _SPLIT_X, "height": HEIGHT},
                "action": {
                    "type": "postback",
                    "label": "แจ้งเหตุร้าย",
                    "data": REPORT_POSTBACK,
                    "displayText": "แจ้งเหตุร้าย",
                },
            },
            {
                "bounds": {"x": _SPLIT_X, "y": 0, "width": WIDTH - _SPLIT_X, "height": _SPLIT_Y},
                "action": {
                    "type": "postback",
                    "label": "วิธีใช้",
                    "data": HELP_POSTBACK,
                    "displayText": "วิธีใช้",
                },
            },
            {
                "bounds": {
                    "x": _SPLIT_X,
                    "y": _SPLIT_Y,
                    "width": WIDTH - _SPLIT_X,
                    "height": HEIGHT - _SPLIT_Y,
                },
                "action": {"type": "uri", "label": "โทร 191", "uri": "tel:191"},
            },
        ],
    }


def find_font(candidates: tuple[Path, ...] = FONT_CANDIDATES, directory: Path = FONT_DIR) -> Path:
    """The first bold Thai font available, else any TLWG .ttf; :class:`FontNotFound` if none."""
    for path in candidates:
        if path.is_file():
            return path
    fallback = sorted(directory.glob("*.ttf")) if directory.is_dir() else []
    if fallback:
        return fallback[0]
    raise FontNotFound(
        f"No Thai font found (tried {', '.join(str(p) for p in candidates)} and any .ttf under "
        f"{directory}). Install the fonts-thai-tlwg package."
    )


def image_png(font_path: Path | None = None) -> bytes:
    """The menu image: a PNG of exactly 2500×843 pixels, well under LINE's 1 MB limit."""
    path = font_path or find_font()

    def font(size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(path), size)

    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)

    # Report: the red button with a location pin, the words that start a report and the slogan.
    draw.rectangle((0, 0, _SPLIT_X, HEIGHT), fill=RED)
    draw.rectangle((0, HEIGHT - 24, _SPLIT_X, HEIGHT), fill=RED_DARK)
    _draw_pin(draw, centre_x=300, top=215, size=380)
    title = _fitted(path, "แจ้งเหตุร้าย", max_size=190, max_width=_SPLIT_X - 560 - 70)
    draw.text((560, 310), "แจ้งเหตุร้าย", font=title, fill=WHITE, anchor="ls")
    draw.text((566, 470), "ปักหมุด หยุดเหตุ", font=font(96), fill=GOLD, anchor="ls")
    draw.text((566, 610), "แตะเพื่อเริ่มแจ้ง", font=font(72), fill=PALE, anchor="ls")
    draw.text((566, 700), "ใช้เวลาไม่ถึง 1 นาที", font=font(72), fill=PALE, anchor="ls")

    # Help and privacy: navy, an "i" badge.
    draw.rectangle((_SPLIT_X, 0, WIDTH, _SPLIT_Y), fill=NAVY)
    _draw_info_badge(draw, centre=(_SPLIT_X + 170, _SPLIT_Y // 2), radius=95, font=font(130))
    draw.text((_SPLIT_X + 310, 185), "วิธีใช้", font=font(110), fill=WHITE, anchor="ls")
    draw.text((_SPLIT_X + 312, 300), "ความเป็นส่วนตัว", font=font(76), fill=PALE, anchor="ls")

    # Call 191: the police emergency number, large.
    draw.rectangle((_SPLIT_X, _SPLIT_Y, WIDTH, HEIGHT), fill=NAVY_DARK)
    draw.text((_SPLIT_X + 80, _SPLIT_Y + 200), "โทร", font=font(110), fill=WHITE, anchor="ls")
    draw.text((_SPLIT_X + 330, _SPLIT_Y + 225), "191", font=font(210), fill=GOLD, anchor="ls")
    draw.text((_SPLIT_X + 82, _SPLIT_Y + 340), "เหตุด่วนเหตุร้าย ตำรวจ", font=font(68), fill=PALE, anchor="ls")

    # Dividers, as on a printed button panel.
    draw.rectangle((_SPLIT_X - 4, 0, _SPLIT_X + 4, HEIGHT), fill=WHITE)
    draw.rectangle((_SPLIT_X, _SPLIT_Y - 4, WIDTH, _SPLIT_Y + 4), fill=WHITE)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _fitted(path: Path, text: str, *, max_size: int, max_width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to ``max_size`` in which ``text`` fits ``max_width`` pixels (fonts differ
    in width, and the fallback font is not known in advance)."""
    size = max_size
    while True:
        candidate = ImageFont.truetype(str(path), size)
        if candidate.getlength(text) <= max_width or size <= 40:
            return candidate
        size -= 6


def _draw_pin(draw: ImageDraw.ImageDraw, *, centre_x: int, top: int, size: int) -> None:
    """A map pin: a circle head tapering to a point, with a hole."""
    radius = size * 0.32
    cy = top + radius
    draw.ellipse((centre_x - radius, cy - radius, centre_x + radius, cy + radius), fill=WHITE)
    tip = top + size
    draw.polygon(
        [
            (centre_x - radius * 0.86, cy + radius * 0.5),
            (centre_x + radius * 0.86, cy + radius * 0.5),
            (centre_x, tip),
        ],
        fill=WHITE,
    )
    hole = radius * 0.42
    draw.ellipse((centre_x - hole, cy - hole, centre_x + hole, cy + hole), fill=RED)


def _draw_info_badge(
    draw: ImageDraw.ImageDraw, *, centre: tuple[int, int], radius: int, font: ImageFont.FreeTypeFont
) -> None:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=WHITE, width=12)
    draw.text((x, y + 4), "i", font=font, fill=WHITE, anchor="mm")
