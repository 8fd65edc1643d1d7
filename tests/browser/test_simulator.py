"""A reporter's whole report, tap by tap, on the LINE simulator page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Incident
from tests.browser.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each answer comes back through the simulator's LINE API stand-in and the page's 0.7 s poll.
BOT_TIMEOUT_MS = 10_000


def tap_quick_reply(page: Page, label: str) -> None:
    chip = page.locator("#quick-replies .chip", has_text=label)
    expect(chip).to_be_visible(timeout=BOT_TIMEOUT_MS)
    chip.click()


def expect_bot_says(page: Page, text: str) -> None:
    expect(page.locator("#chat-list .bubble-row.bot", has_text=text).last).to_be_visible(
        timeout=BOT_TIMEOUT_MS
    )


def report_tap_by_tap(page: Page, display_name: str = "สมหญิง") -> None:
    """On the simulator page: add a user, then make a whole report with taps (and one typed number)."""
    page.goto("/simulator/")

    page.fill("#sim-new-name", display_name)
    page.click("#sim-new-user button[type=submit]")
    expect_bot_says(page, "ESS Help Me")

    page.locator("#rich-menu button.area", has_text="แจ้งเหตุร้าย").click()
    expect_bot_says(page, "เกิดเหตุอะไรขึ้น")
    tap_quick_reply(page, "กักขังหน่วงเหนี่ยว")

    expect_bot_says(page, "ปักหมุดตำแหน่งที่เกิดเหตุ")
    tap_quick_reply(page, "ปักหมุด / แชร์ตำแหน่ง")
    expect(page.locator("#location-sheet")).to_be_visible()
    page.locator("#location-sheet .presets .chip", has_text="ตัวเมืองปราจีนบุรี").click()
    expect(page.locator("#loc-title")).to_have_value("ตัวเมืองปราจีนบุรี")
    page.click("#location-send")

    expect_bot_says(page, "เบอร์โทร")
    page.click("#to-keyboard")
    page.fill("#composer-text", "0812345678")
    page.click("#send-btn")

    expect_bot_says(page, "คุณเกี่ยวข้องกับเหตุการณ์นี้อย่างไร")
    tap_quick_reply(page, "ผู้ประสบเหตุเอง")
    expect_bot_says(page, "ตรวจสอบข้อมูลก่อนส่ง")
    tap_quick_reply(page, "ยืนยัน")
    expect_bot_says(page, "รับเรื่องแล้ว เลขที่ ESS-")


def test_simulator_whole_report_creates_a_case_at_the_nearest_station(
    page: Page, server: LiveServer, registry: None
) -> None:
    report_tap_by_tap(page)

    done = page.locator("#chat-list .bubble-row.bot", has_text="รับเรื่องแล้ว เลขที่ ESS-")
    expect(done).to_have_count(1)
    expect(done).to_contain_text("สภ.เมืองปราจีนบุรี")
    incident = Incident.objects.select_related("station").get()
    assert incident.station is not None
    assert incident.station.code == "DEMO-2501"
    assert incident.category == "detention"
    assert incident.reporter_phone == "+66812345678"
    assert incident.reporter_relation == "victim"
    expect(done).to_contain_text(incident.case_number)
    # The webhook log on the left saw only 200s.
    expect(page.locator("#sim-log .ok")).not_to_have_count(0)
    expect(page.locator("#sim-log .bad")).to_have_count(0)
