from __future__ import annotations

import pytest

from lineoa import richmenu
from lineoa.simulator.validation import grapheme_count, rich_menu_problems


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("abc", 3),
        ("น้ำ", 1),  # NO NU + MAI THO + SARA AM
        ("แจ้งเหตุร้าย", 9),
        ("ปักหมุด / แชร์ตำแหน่ง", 16),
        ("👍🏽", 1),  # skin-tone modifier
        ("👨\u200d👩\u200d👧", 1),  # zero-width-joiner family
        ("🇹🇭🇯🇵", 2),  # two flags
        ("\r\n", 1),
    ],
)
def test_grapheme_count_matches_what_a_reader_sees(text: str, clusters: int) -> None:
    assert grapheme_count(text) == clusters


def test_the_projects_rich_menu_passes_lines_checks() -> None:
    assert rich_menu_problems(richmenu.definition()) == []


def test_rich_menu_area_outside_the_menu_is_reported() -> None:
    definition = richmenu.definition()
    definition["areas"][0]["bounds"]["width"] = 9999

    assert [p["property"] for p in rich_menu_problems(definition)] == ["areas[0].bounds"]
