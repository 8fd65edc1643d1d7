"""The officers' live dashboard in a real browser, against a real Daphne server."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from accounts.models import StaffProfile
from incidents.models import Incident, IncidentEvent
from lineoa.simulator import services as simulator
from stations.models import Station
from tests.browser.conftest import (
    LIVE_TIMEOUT_MS,
    Contexts,
    LiveServer,
    Reporter,
    login,
    make_incident,
    open_dashboard,
    wait_until,
)
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A report must reach the dashboard within this (DESIGN: "never miss a new case").
NEW_CASE_MS = 3_000

# Records, in the page, the wall-clock moment each list row first appears, so the test measures the
# delay itself rather than the granularity of its polling.
WATCH_LIST = """() => {
  window.__essSeen = {};
  window.__essNoReload = true;
  const list = document.querySelector('[data-testid=case-list]');
  const seen = () => list.querySelectorAll('li').forEach((li) => {
    const key = li.getAttribute('data-testid');
    if (!(key in window.__essSeen)) window.__essSeen[key] = Date.now();
  });
  seen();
  new MutationObserver(seen).observe(list, { childList: true });
}"""


def officer_of(station: Station, username: str) -> User:
    return make_staff(username, StaffProfile.Role.OFFICER, station=station)


def officer_page(
    contexts: Contexts, server: LiveServer, username: str, frames: list[str] | None = None
) -> Page:
    """A logged-in officer's dashboard, connected; what its WebSocket receives goes to ``frames``."""
    page = contexts.new_page()
    if frames is not None:
        # Before logging in: the login redirects to the dashboard, which connects at once.
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    login(page, server, username)
    open_dashboard(page, server)
    return page


def has_class(name: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def case_row(page: Page, incident: Incident) -> Any:
    return page.get_by_test_id(f"case-{incident.case_number}")


def open_case(page: Page, incident: Incident) -> None:
    case_row(page, incident).click()
    expect(page.locator("#case-panel")).to_have_attribute("data-incident-id", str(incident.pk))


def report_and_time_arrival(reporter: Reporter, page: Page) -> tuple[Incident, float]:
    """Make a whole report; return the incident and the milliseconds from the confirm postback to
    its row appearing on ``page`` (which must have run WATCH_LIST)."""
    reporter.send({"type": "postback", "data": "action=report"})
    reporter.send({"type": "postback", "data": "action=category&value=assault"})
    reporter.send({"type": "location", "latitude": 14.05, "longitude": 101.37, "title": "หน้าตลาด"})
    reporter.send({"type": "text", "text": "0812345678"})
    reporter.send({"type": "postback", "data": "action=relation&value=bystander"})
    sent_at_ms = time.time() * 1000
    reporter.send({"type": "postback", "data": "action=confirm"}, wait_reply=False)
    incident: Incident = wait_until(
        lambda: Incident.objects.filter(reporter_line_id=reporter.user.user_id).first()
    )
    row = case_row(page, incident)
    expect(row).to_be_visible(timeout=NEW_CASE_MS)
    seen_ms = page.evaluate(f"window.__essSeen['case-{incident.case_number}']")
    return incident, float(seen_ms) - sent_at_ms


def test_a_new_report_appears_on_the_officers_dashboard_without_reload(
    contexts: Contexts,
    server: LiveServer,
    station_mueang: Station,
    reporter_factory: Callable[[], Reporter],
) -> None:
    officer_of(station_mueang, "officer.mueang")
    page = officer_page(contexts, server, "officer.mueang")
    expect(page.get_by_test_id("open-count")).to_have_text("0")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate(WATCH_LIST)

    incident, delay_ms = report_and_time_arrival(reporter_factory(), page)

    print(f"\nnew case reached the dashboard {delay_ms:.0f} ms after the confirm postback")
    assert delay_ms < NEW_CASE_MS
    row = case_row(page, incident)
    expect(row).to_have_class(has_class("unaccepted"))
    expect(row).to_contain_text("ข่มขู่ว่าจะทำร้ายหรือทำร้าย")
    expect(row.locator(".badge")).to_have_text("รอรับเรื่อง")
    expect(page.get_by_test_id("open-count")).to_have_text("1")
    assert navigations == []
    assert page.evaluate("window.__essNoReload") is True
    assert page.title().startswith("(1) เรื่องใหม่")


def test_officer_accepts_sets_en_route_on_scene_and_closes(
    contexts: Contexts, server: LiveServer, station_mueang: Station
) -> None:
    reporter = simulator.user_create(display_name="ผู้แจ้ง")
    incident = make_incident(reporter_line_id=reporter.user_id, category="detention")
    officer = officer_of(station_mueang, "officer.mueang")
    page = officer_page(contexts, server, "officer.mueang")
    status = page.get_by_test_id("case-status")
    open_case(page, incident)
    expect(status).to_have_text("รอรับเรื่อง")

    for button, label in (
        ("รับเรื่อง", "รับเรื่องแล้ว"),
        ("กำลังเดินทาง", "กำลังเดินทาง"),
        ("ถึงที่เกิดเหตุ", "ถึงที่เกิดเหตุ"),
    ):
        page.locator("#case-panel .actions button", has_text=button).first.click()
        expect(status).to_have_text(label)
        expect(case_row(page, incident).locator(".badge")).to_have_text(label)
    expect(case_row(page, incident)).not_to_have_class(has_class("unaccepted"))
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("รอรับเรื่อง → รับเรื่องแล้ว")
    expect(timeline).to_contain_text("กำลังเดินทาง → ถึงที่เกิดเหตุ")

    page.locator("#case-panel details.close-form summary").click()
    page.select_option("#case-panel details.close-form select[name=outcome]", "referred_pmj")
    page.fill("#case-panel details.close-form textarea[name=note]", "ส่งต่อ พมจ. ปราจีนบุรี")
    page.locator("#case-panel button.act.close").click()

    expect(status).to_have_text("ปิดเรื่อง")
    expect(case_row(page, incident)).to_have_count(0)
    expect(page.get_by_test_id("open-count")).to_have_text("0")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.outcome == Incident.Outcome.REFERRED_PMJ
    assert incident.outcome_note == "ส่งต่อ พมจ. ปราจีนบุรี"
    steps = list(
        IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.STATUS).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert steps == [
        ("new", "accepted", officer.pk),
        ("accepted", "en_route", officer.pk),
        ("en_route", "on_scene", officer.pk),
        ("on_scene", "closed", officer.pk),
    ]


def test_an_officer_of_another_station_never_sees_the_case(
    contexts: Contexts,
    server: LiveServer,
    station_mueang: Station,
    station_kabin: Station,
    reporter_factory: Callable[[], Reporter],
) -> None:
    officer_of(station_mueang, "officer.mueang")
    officer_of(station_kabin, "officer.kabin")
    mueang = officer_page(contexts, server, "officer.mueang")
    frames: list[str] = []
    kabin = officer_page(contexts, server, "officer.kabin", frames)

    in_mueang = reporter_factory().report(latitude=14.05, longitude=101.37)
    expect(case_row(mueang, in_mueang)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(kabin.get_by_test_id("open-count")).to_have_text("0")

    # A case of Kabin's own proves its dashboard is live and has reloaded its snapshot since; the
    # Mueang case must still be missing from it, and from everything its WebSocket carried.
    in_kabin = reporter_factory().report(latitude=13.98, longitude=101.71)
    assert in_kabin.station_id == station_kabin.pk
    expect(case_row(kabin, in_kabin)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(kabin.get_by_test_id("case-list").locator("li")).to_have_count(1)
    expect(case_row(kabin, in_mueang)).to_have_count(0)
    assert any(in_kabin.case_number in f for f in frames), frames
    assert not any(in_mueang.case_number in f or f'"incident_id": {in_mueang.pk},' in f for f in frames)

    response = kabin.request.get(f"/dashboard/cases/{in_mueang.pk}/")
    assert response.status == 404
    snapshot = kabin.request.get("/dashboard/snapshot.json").json()
    assert [c["case_number"] for c in snapshot["cases"]] == [in_kabin.case_number]
    # Mueang's officer, for comparison, may open it.
    assert mueang.request.get(f"/dashboard/cases/{in_mueang.pk}/").status == 200


def test_two_officers_click_accept_at_once_one_wins_the_other_sees_why(
    contexts: Contexts, server: LiveServer, station_mueang: Station
) -> None:
    reporter = simulator.user_create(display_name="ผู้แจ้ง")
    incident = make_incident(reporter_line_id=reporter.user_id)
    first = officer_of(station_mueang, "officer.a")
    second = officer_of(station_mueang, "officer.b")
    frames: tuple[list[str], list[str]] = ([], [])
    pages = [
        officer_page(contexts, server, "officer.a", frames[0]),
        officer_page(contexts, server, "officer.b", frames[1]),
    ]
    for page in pages:
        open_case(page, incident)
        expect(page.locator("#case-panel button.act.accept")).to_be_visible()

    # Each click is one round trip to its page; both requests are in flight together.
    for page in pages:
        page.evaluate("document.querySelector('#case-panel button.act.accept').click()")

    incident = wait_until(lambda: Incident.objects.filter(pk=incident.pk, status="accepted").first())
    accepts = IncidentEvent.objects.filter(incident=incident, to_status=Incident.Status.ACCEPTED)
    assert accepts.count() == 1
    winner = accepts.get().actor_id
    assert winner in (first.pk, second.pk)
    won = 0 if winner == first.pk else 1
    winner_page, loser_page, loser_frames = pages[won], pages[1 - won], frames[1 - won]

    error = loser_page.get_by_test_id("case-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("รับเรื่องแล้ว")
    expect(error).to_contain_text(incident.case_number)
    expect(winner_page.get_by_test_id("case-status")).to_have_text("รับเรื่องแล้ว")
    expect(winner_page.get_by_test_id("case-error")).to_have_count(0)
    # The loser's panel shows the case as it now is, with the next step offered, not "accept".
    expect(loser_page.get_by_test_id("case-status")).to_have_text("รับเรื่องแล้ว")
    expect(loser_page.locator("#case-panel button.act.accept")).to_have_count(0)
    # The broadcast of the winner's accept reaches the loser's dashboard, which refreshes the open
    # panel; the refresh must not wipe the explanation away.
    wait_until(lambda: any('"incident.status"' in f for f in loser_frames))
    loser_page.wait_for_load_state("networkidle")
    expect(error).to_be_visible()
    expect(error).to_contain_text("รับเรื่องแล้ว")


def test_reporter_message_reaches_the_case_panel_live(
    contexts: Contexts,
    server: LiveServer,
    station_mueang: Station,
    reporter_factory: Callable[[], Reporter],
) -> None:
    officer_of(station_mueang, "officer.mueang")
    page = officer_page(contexts, server, "officer.mueang")
    reporter = reporter_factory()
    incident = reporter.report()
    expect(case_row(page, incident)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    open_case(page, incident)
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li")).to_have_count(1)

    started = time.monotonic()
    reporter.text("ตอนนี้หลบอยู่ในห้องน้ำชั้น 2 ค่ะ")
    message = timeline.locator("li.ev-reporter_text", has_text="ตอนนี้หลบอยู่ในห้องน้ำชั้น 2 ค่ะ")
    expect(message).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    print(f"\nreporter's message reached the open panel within {(time.monotonic() - started) * 1000:.0f} ms")
    expect(message).to_contain_text("ข้อความจากผู้แจ้ง")
    assert IncidentEvent.objects.filter(incident=incident, kind="reporter_text").count() == 1


def test_a_live_update_keeps_the_form_the_officer_is_filling_in(
    contexts: Contexts,
    server: LiveServer,
    station_mueang: Station,
    reporter_factory: Callable[[], Reporter],
) -> None:
    officer_of(station_mueang, "officer.mueang")
    page = officer_page(contexts, server, "officer.mueang")
    reporter = reporter_factory()
    incident = reporter.report()
    open_case(page, incident)
    page.locator("#case-panel details.close-form summary").click()
    page.select_option("#case-panel details.close-form select[name=outcome]", "not_located")
    note = page.locator("#case-panel details.close-form textarea[name=note]")
    note.fill("ไปถึงแล้วไม่พบผู้แจ้ง โทรกลับ")

    # The reporter writes meanwhile: the panel redraws with the new timeline line.
    reporter.text("ย้ายมาอยู่หน้าร้านสะดวกซื้อแล้ว")
    expect(page.get_by_test_id("timeline").locator("li.ev-reporter_text")).to_have_count(1)

    expect(page.locator("#case-panel details.close-form")).to_have_attribute("open", "")
    expect(page.locator("#case-panel details.close-form select[name=outcome]")).to_have_value("not_located")
    expect(note).to_have_value("ไปถึงแล้วไม่พบผู้แจ้ง โทรกลับ")
    expect(note).to_be_focused()
