"""The README's screenshots, made with the browser-test set-up (a Daphne server, Chromium):

    .venv/bin/pytest tests/browser/screenshots.py

pytest collects this file only when it is named (it is not ``test_*.py``), so the normal suite never
rewrites docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import StaffProfile
from incidents.models import Incident, IncidentEvent
from incidents.services import incident_set_status
from lineoa.simulator import services as simulator
from stations.models import Station
from tests.browser.conftest import (
    LIVE_TIMEOUT_MS,
    Contexts,
    LiveServer,
    Reporter,
    login,
    make_incident,
    off_the_loop,
    open_dashboard,
)
from tests.browser.test_simulator import report_tap_by_tap
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

# Open cases around Prachin Buri town: (category, lat, lng, address, minutes ago, status reached).
CASES = [
    ("gang_gathering", 14.0628, 101.3915, "ลานจอดรถหลังตลาดสดเทศบาล ต.หน้าเมือง", 4, "new"),
    ("deranged_person", 14.0412, 101.3555, "ซอยวัดแก้วพิจิตร ต.หน้าเมือง", 11, "accepted"),
    ("sexual_abuse_risk", 14.0705, 101.3598, "หอพักใกล้วิทยาลัยเทคนิค ต.ไม้เค็ด", 23, "en_route"),
    ("assault", 14.0310, 101.4020, "บ้านเลขที่ 45 หมู่ 3 ต.บางบริบูรณ์", 38, "on_scene"),
]


def _backdate(incident: Incident, minutes: int) -> None:
    when = timezone.now() - timedelta(minutes=minutes)
    Incident.objects.filter(pk=incident.pk).update(received_at=when, routed_at=when)
    IncidentEvent.objects.filter(incident=incident, kind="created").update(created_at=when)


def _advance(incident: Incident, officer: User, status: str) -> None:
    for step in ("accepted", "en_route", "on_scene"):
        if Incident.objects.get(pk=incident.pk).status == status:
            return
        off_the_loop(incident_set_status, incident_id=incident.pk, actor=officer, to=step)


def _shoot(page: Page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    page.screenshot(path=str(path))
    size_kb = path.stat().st_size / 1024
    print(f"{path} {size_kb:.0f} KB")
    assert size_kb < 400, f"{name} is {size_kb:.0f} KB"
    return path


def test_readme_screenshots(
    contexts: Contexts,
    server: LiveServer,
    station_mueang: Station,
    reporter_factory: Callable[[], Reporter],
) -> None:
    officer = make_staff("somchai.j", StaffProfile.Role.OFFICER, station=station_mueang)
    User.objects.filter(pk=officer.pk).update(first_name="ร.ต.อ.สมชาย", last_name="ใจดี")
    officer.refresh_from_db()
    for category, lat, lng, address, minutes, status in CASES:
        sim_user = simulator.user_create(display_name="ผู้แจ้ง")
        incident = make_incident(
            category=category,
            latitude=lat,
            longitude=lng,
            address=address,
            relation="bystander",
            reporter_line_id=sim_user.user_id,
        )
        assert incident.station_id == station_mueang.pk
        _backdate(incident, minutes)
        _advance(incident, officer, status)

    # One case reported through LINE, accepted, then the reporter writes again.
    reporter = reporter_factory()
    talking = reporter.report(category="detention", latitude=14.0495, longitude=101.3712)
    _advance(talking, officer, "accepted")
    reporter.text("ตอนนี้หลบอยู่ในห้องน้ำชั้น 2 ค่ะ เขายังอยู่ในบ้าน ไม่กล้าโทร")

    page = contexts.new_page(viewport=VIEWPORT)
    login(page, server, "somchai.j")
    open_dashboard(page, server)
    expect(page.get_by_test_id("open-count")).to_have_text(str(len(CASES) + 1))
    page.get_by_test_id(f"case-{talking.case_number}").click()
    expect(page.get_by_test_id("timeline").locator("li.ev-reporter_text")).to_have_count(1)
    page.locator("#enable-alerts").blur()
    _shoot(page, "dashboard.png")

    # A new case arriving while the officer watches: highlighted at the top of the list.
    page.locator("#panel").evaluate("(el) => { el.innerHTML = ''; }")
    newcomer = reporter_factory()
    fresh = newcomer.report(category="sexual_abuse_risk", latitude=14.0565, longitude=101.3830)
    row = page.get_by_test_id(f"case-{fresh.case_number}")
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    expect(page.locator("#case-panel button.act.accept")).to_be_visible()
    page.mouse.move(700, 700)
    _shoot(page, "dashboard-new-case.png")

    # The simulator after a whole report, tapped through on its page.
    sim = contexts.new_page(viewport=VIEWPORT)
    report_tap_by_tap(sim, "สมหญิง")
    sim.locator("#chat-list .bubble-row.bot", has_text="รับเรื่องแล้ว เลขที่").scroll_into_view_if_needed()
    _shoot(sim, "simulator.png")
