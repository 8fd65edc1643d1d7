"""The whole loop in two browsers: a citizen reports in the LINE simulator, an officer accepts on the
dashboard, and the status message comes back to the citizen's chat."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from stations.models import Station
from tests.browser.conftest import Contexts, LiveServer
from tests.browser.test_dashboard import officer_of, officer_page, open_case
from tests.browser.test_simulator import BOT_TIMEOUT_MS, expect_bot_says, report_tap_by_tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_in_simulator_accept_on_dashboard_status_message_in_chat(
    contexts: Contexts, server: LiveServer, registry: None
) -> None:
    officer_of(Station.objects.get(code="DEMO-2501"), "e2e.officer")
    dashboard = officer_page(contexts, server, "e2e.officer")
    chat = contexts.new_page()

    report_tap_by_tap(chat, display_name="ผู้แจ้งทดสอบ")
    incident = Incident.objects.get()
    expect(dashboard.get_by_test_id(f"case-{incident.case_number}")).to_be_visible(timeout=5_000)

    open_case(dashboard, incident)
    dashboard.locator("#case-panel button.act.accept").click()
    expect(dashboard.get_by_test_id("case-status")).to_have_text("รับเรื่องแล้ว")

    expect_bot_says(chat, f"ESS Help Me · เรื่อง {incident.case_number}")
    status = chat.locator("#chat-list .bubble-row.bot", has_text="รับเรื่องของคุณแล้ว")
    expect(status).to_have_count(1, timeout=BOT_TIMEOUT_MS)
    expect(status).to_contain_text("สภ.เมืองปราจีนบุรี")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ACCEPTED
    assert incident.reporter_message_state == "sent"
