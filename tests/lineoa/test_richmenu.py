from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image

from lineoa import richmenu
from lineoa.simulator.models import SimRichMenu


def test_rich_menu_image_is_a_png_of_lines_size_under_a_megabyte() -> None:
    png = richmenu.image_png()
    image = Image.open(io.BytesIO(png))

    assert image.format == "PNG"
    assert image.size == (2500, 843)
    assert len(png) < 1024 * 1024


def test_rich_menu_areas_start_a_report_show_help_and_dial_191() -> None:
    actions = [area["action"] for area in richmenu.definition()["areas"]]

    assert actions[0] == {
        "type": "postback",
        "label": "แจ้งเหตุร้าย",
        "data": "action=report",
        "displayText": "แจ้งเหตุร้าย",
    }
    assert actions[1]["data"] == "action=help"
    assert actions[1]["displayText"] == "วิธีใช้"
    assert actions[2]["uri"] == "tel:191"


def test_missing_thai_fonts_give_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(richmenu.FontNotFound, match="fonts-thai-tlwg"):
        richmenu.find_font(candidates=(tmp_path / "Nope.ttf",), directory=tmp_path)


def test_any_tlwg_font_is_a_fallback(tmp_path: Path) -> None:
    (tmp_path / "Umpush.ttf").write_bytes(b"")

    assert (
        richmenu.find_font(candidates=(tmp_path / "Loma-Bold.ttf",), directory=tmp_path).name == "Umpush.ttf"
    )


def test_output_option_only_writes_the_image(tmp_path: Path, db: None) -> None:
    target = tmp_path / "menu.png"

    call_command("line_richmenu", output=str(target), stdout=io.StringIO())

    assert Image.open(target).size == (2500, 843)
    assert not SimRichMenu.objects.exists()


@pytest.mark.urls("tests.lineoa.simulator_urls")
def test_command_installs_the_default_rich_menu_in_the_simulator(
    live_server: Any, settings: Any, transactional_db: None
) -> None:
    settings.LINE_SIMULATOR = True
    settings.LINE_CHANNEL_ACCESS_TOKEN = "richmenu-test-token"
    settings.LINE_API_BASE_URL = settings.LINE_API_DATA_BASE_URL = live_server.url + "/simulator/api"
    out = io.StringIO()

    call_command("line_richmenu", stdout=out)

    menu = SimRichMenu.objects.get(is_default=True)
    assert out.getvalue().strip() == menu.rich_menu_id
    assert menu.definition["chatBarText"] == "เมนู"
    assert bytes(menu.image or b"")[:8] == b"\x89PNG\r\n\x1a\n"
