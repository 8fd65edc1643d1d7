from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from incidents.models import Incident, IncidentEvent
from stations.models import Station
from tests.conftest import make_incident

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(client: Client) -> str:
    client.get("/dashboard/")
    return client.cookies["csrftoken"].value


def test_dashboard_requires_login(client: Client) -> None:
    for url in ("/dashboard/", "/dashboard/snapshot.json", "/dashboard/cases/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_dashboard_is_thai_even_for_an_english_browser(officer: User) -> None:
    client = _client(officer)
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "เรื่องที่เปิดอยู่" in response.content.decode()
    assert response["Content-Language"] == "th"


def test_english_is_available_through_the_switcher(officer: User) -> None:
    client = _client(officer)
    client.cookies["django_language"] = "en"
    response = client.get("/dashboard/")
    assert response["Content-Language"] == "en"


def test_snapshot_lists_only_the_officers_station_in_urgency_order(
    officer: User, other_officer: User, station_kabin: Station
) -> None:
    first = make_incident()
    second = make_incident()
    accepted = make_incident()
    from incidents.services import incident_set_status

    incident_set_status(incident_id=accepted.pk, actor=officer, to="accepted")
    elsewhere = make_incident(13.98, 101.71)  # Kabin Buri
    assert elsewhere.station_id == station_kabin.pk
    data = _client(officer).get("/dashboard/snapshot.json").json()
    assert [c["case_number"] for c in data["cases"]] == [
        first.case_number,
        second.case_number,
        accepted.case_number,
    ]
    assert data["cases"][0]["category_label"] == "ข่มขู่ว่าจะทำร้ายหรือทำร้าย"
    assert "reporter_phone" not in str(data)
    assert [s["name_th"] for s in data["stations"]] == ["สภ.เมืองปราจีนบุรี"]
    other = _client(other_officer).get("/dashboard/snapshot.json").json()
    assert [c["case_number"] for c in other["cases"]] == [elsewhere.case_number]


def test_provincial_staff_see_the_whole_province(provincial: User) -> None:
    make_incident()
    make_incident(13.98, 101.71)
    make_incident(13.7563, 100.5018)  # Bangkok
    data = _client(provincial).get("/dashboard/snapshot.json").json()
    assert len(data["cases"]) == 2
    assert len(data["stations"]) == Station.objects.filter(province__code=25).count()


def test_another_stations_case_is_404_by_url_and_form(officer: User, other_officer: User) -> None:
    incident = make_incident()
    client = _client(other_officer)
    token = _csrf(client)
    assert client.get(f"/dashboard/cases/{incident.pk}/").status_code == 404
    for action, data in (
        ("status", {"to": "accepted"}),
        ("note", {"note": "x"}),
        ("phone", {}),
        ("transfer", {"station_id": "1", "reason": "x"}),
    ):
        response = client.post(f"/dashboard/cases/{incident.pk}/{action}", data, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 404, action
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW
    assert not incident.events.exclude(kind=IncidentEvent.Kind.CREATED).exists()


def test_actions_need_a_csrf_token(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    response = client.post(f"/dashboard/cases/{incident.pk}/status", {"to": "accepted"})
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW


def test_panel_offers_only_valid_actions_and_accepting_works(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    token = _csrf(client)
    panel = client.get(f"/dashboard/cases/{incident.pk}/").content.decode()
    assert "รับเรื่อง" in panel and "กำลังเดินทาง" not in panel
    assert "ปิดเรื่อง" in panel and "โอนเรื่อง" in panel
    response = client.post(
        f"/dashboard/cases/{incident.pk}/status", {"to": "accepted"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    panel = response.content.decode()
    assert "กำลังเดินทาง" in panel and "ถึงที่เกิดเหตุ" in panel
    assert 'value="accepted"' not in panel
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ACCEPTED


def test_the_second_officer_to_click_sees_what_happened(officer: User, station_mueang: Station) -> None:
    from accounts.models import StaffProfile
    from tests.conftest import make_staff

    colleague = make_staff("colleague", StaffProfile.Role.OFFICER, station=station_mueang)
    incident = make_incident()
    first, second = _client(officer), _client(colleague)
    t1, t2 = _csrf(first), _csrf(second)
    assert (
        first.post(
            f"/dashboard/cases/{incident.pk}/status", {"to": "accepted"}, HTTP_X_CSRFTOKEN=t1
        ).status_code
        == 200
    )
    late = second.post(f"/dashboard/cases/{incident.pk}/status", {"to": "accepted"}, HTTP_X_CSRFTOKEN=t2)
    assert late.status_code == 409
    text = late.content.decode()
    assert "รับเรื่องแล้ว" in text
    assert officer.username in text or "ด.ต." in text or "รับเรื่องแล้ว" in text


def test_closing_without_outcome_is_refused_with_a_thai_message(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    token = _csrf(client)
    response = client.post(f"/dashboard/cases/{incident.pk}/status", {"to": "closed"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert "ต้องระบุผลการดำเนินการ" in response.content.decode()


def test_revealing_the_phone_shows_a_tel_link_and_is_audited(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    token = _csrf(client)
    panel = client.get(f"/dashboard/cases/{incident.pk}/").content.decode()
    assert "+66812345678" not in panel
    response = client.post(f"/dashboard/cases/{incident.pk}/phone", HTTP_X_CSRFTOKEN=token)
    assert 'href="tel:+66812345678"' in response.content.decode()
    assert incident.events.filter(kind=IncidentEvent.Kind.PHONE_REVEALED, actor=officer).count() == 1


def test_transfer_from_the_panel_moves_the_case_away(officer: User, station_kabin: Station) -> None:
    incident = make_incident()
    client = _client(officer)
    token = _csrf(client)
    response = client.post(
        f"/dashboard/cases/{incident.pk}/transfer",
        {"station_id": station_kabin.pk, "reason": "อยู่ในเขตกบินทร์บุรี"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert "โอนเรื่อง" in response.content.decode()
    assert client.get(f"/dashboard/cases/{incident.pk}/").status_code == 404


def test_photo_of_another_stations_case_is_404(other_officer: User) -> None:
    incident = make_incident()
    event = IncidentEvent.objects.create(
        incident=incident,
        kind=IncidentEvent.Kind.REPORTER_IMAGE,
        data={"line_message_id": "1"},
        created_at=incident.received_at,
    )
    assert _client(other_officer).get(f"/line/content/{event.pk}").status_code == 404


def test_review_is_for_provincial_staff_and_scoped_to_their_province(officer: User, provincial: User) -> None:
    here = make_incident()
    make_incident(13.7563, 100.5018)  # Bangkok: another province
    assert _client(officer).get("/review/").status_code == 403
    page = _client(provincial).get("/review/?days=30").content.decode()
    assert here.case_number in page
    assert page.count("ESS-") == 1
    assert "ข่มขู่ว่าจะทำร้ายหรือทำร้าย" in page


def test_review_export_is_a_thai_csv_without_phone_numbers(provincial: User) -> None:
    incident = make_incident()
    response = _client(provincial).get("/review/export.csv?days=7")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffเลขที่เรื่อง")
    assert incident.case_number in body
    assert "+668" not in body and "0812345678" not in body


def test_provincial_login_lands_on_review(provincial: User) -> None:
    response = _client(provincial).get("/")
    assert response["Location"] == "/review/"


def test_review_case_page_shows_the_panel(provincial: User) -> None:
    incident = make_incident()
    page = _client(provincial).get(f"/review/cases/{incident.pk}/").content.decode()
    assert incident.case_number in page and "ลำดับเหตุการณ์" in page


def test_the_english_dashboard_is_translated(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    client.cookies["django_language"] = "en"
    page = client.get("/dashboard/").content.decode()
    assert "Open cases" in page and "เรื่องที่เปิดอยู่" not in page
    panel = client.get(f"/dashboard/cases/{incident.pk}/").content.decode()
    assert "Accept" in panel and "Timeline" in panel
    assert "Threatened" not in panel  # the five problems keep their official Thai labels
    assert "ข่มขู่ว่าจะทำร้ายหรือทำร้าย" in panel


def test_closing_as_duplicate_of_an_unknown_case_is_refused(officer: User) -> None:
    incident = make_incident()
    client = _client(officer)
    token = _csrf(client)
    response = client.post(
        f"/dashboard/cases/{incident.pk}/status",
        {"to": "closed", "outcome": "duplicate", "duplicate_of": "ESS-2569-999999"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert "ไม่พบเรื่องเลขที่ ESS-2569-999999" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW
