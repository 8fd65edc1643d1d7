"""Dashboard views for station officers (and provincial staff and admins, in their scope).

Every view goes through ``_scope_or_403`` or ``_incident_or_404``, so the permission checks live in
one place: a case outside the user's scope is a 404, exactly like a case that does not exist.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import StaffScope, staff_scope
from incidents.models import Incident, IncidentEvent
from incidents.selectors import dashboard_snapshot, incident_for_user, review_cases, review_summary
from incidents.services import (
    IncidentError,
    TransitionRefused,
    actions_for_status,
    incident_add_note,
    incident_reveal_phone,
    incident_set_status,
    incident_transfer,
)
from incidents.templatetags.thaidate import thai_datetime_text
from stations.selectors import station_nearest


def _scope_or_403(request: HttpRequest) -> StaffScope:
    scope = staff_scope(request.user)
    if scope is None:
        raise PermissionDenied("no staff role")
    return scope


def _incident_or_404(request: HttpRequest, incident_id: int) -> Incident:
    incident = incident_for_user(request.user, incident_id)
    if incident is None:
        raise Http404("no such case")
    return incident


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_403(request)
    context = {"scope": scope, "map_tile_url": settings.MAP_TILE_URL}
    return render(request, "incidents/dashboard.html", context)


@gzip_page  # a busy province's snapshot is megabytes of repetitive JSON; it holds no secrets
@login_required
@require_GET
def snapshot(request: HttpRequest) -> JsonResponse:
    scope = _scope_or_403(request)
    # Thai unescaped: \uXXXX escapes would double the size of every label.
    return JsonResponse(dashboard_snapshot(scope), json_dumps_params={"ensure_ascii": False})


def _panel(
    request: HttpRequest, incident: Incident, *, error: str = "", phone: str = "", status: int = 200
) -> HttpResponse:
    events = (
        IncidentEvent.objects.filter(incident=incident)
        .select_related("actor", "station")
        .order_by("created_at", "pk")
    )
    transfer_to = [
        n.station
        for n in station_nearest(
            incident.latitude, incident.longitude, exclude=[incident.station_id or 0], limit=8
        )
    ]
    context = {
        "incident": incident,
        "events": events,
        "actions": actions_for_status(incident.status),
        "outcomes": Incident.Outcome.choices,
        "transfer_to": transfer_to,
        "error": error,
        "phone": phone,
        "Status": Incident.Status,
    }
    return render(request, "incidents/case_panel.html", context, status=status)


@login_required
@require_GET
def case_panel(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _panel(request, _incident_or_404(request, incident_id))


def _act(request: HttpRequest, incident: Incident, action: Callable[[], object]) -> HttpResponse:
    """Run one status-machine action for the panel and answer with the panel as it is now: with the
    reason in Thai when the action was refused (409 when someone else changed the case first)."""
    try:
        action()
    except TransitionRefused as exc:
        return _panel(request, exc.incident, error=str(exc), status=409)
    except IncidentError as exc:
        return _panel(request, incident, error=str(exc), status=400)
    visible = incident_for_user(request.user, incident.pk)
    if visible is None:
        # Transferred to a station outside the user's scope: the case has left their dashboard.
        return HttpResponse(f"โอนเรื่อง {incident.case_number} แล้ว", status=200)
    return _panel(request, visible)


@login_required
@require_POST
def case_status(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident_or_404(request, incident_id)
    number = request.POST.get("duplicate_of", "").strip()
    duplicate_of = Incident.objects.filter(case_number=number).first() if number else None
    if number and duplicate_of is None:
        return _panel(request, incident, error=f"ไม่พบเรื่องเลขที่ {number}", status=400)
    to = request.POST.get("to", "")
    if to not in Incident.Status.values:
        return _panel(request, incident, error="ไม่รู้จักสถานะที่เลือก", status=400)
    return _act(
        request,
        incident,
        lambda: incident_set_status(
            incident_id=incident.pk,
            actor=request.user,
            to=to,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", "").strip(),
            duplicate_of=duplicate_of,
        ),
    )


@login_required
@require_POST
def case_transfer(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident_or_404(request, incident_id)
    station_id = request.POST.get("station_id", "")
    if not station_id.isdigit():
        return _panel(request, incident, error="เลือกสถานีปลายทาง", status=400)
    return _act(
        request,
        incident,
        lambda: incident_transfer(
            incident_id=incident.pk,
            actor=request.user,
            station_id=int(station_id),
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
def case_note(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident_or_404(request, incident_id)
    return _act(
        request,
        incident,
        lambda: incident_add_note(
            incident_id=incident.pk, actor=request.user, note=request.POST.get("note", "")
        ),
    )


@login_required
@require_POST
def case_phone(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Reveal the reporter's number (a POST, so that every reveal is deliberate and audited)."""
    incident = _incident_or_404(request, incident_id)
    phone = incident_reveal_phone(incident_id=incident.pk, actor=request.user)
    return _panel(request, incident, phone=phone)


# Provincial review ------------------------------------------------------------------------------

_REVIEW_DAYS = (7, 30, 90, 365)


def _reviewer_scope(request: HttpRequest) -> StaffScope:
    scope = _scope_or_403(request)
    if scope.role == "officer":
        raise PermissionDenied("review is for provincial staff and admins")
    return scope


def _review_filters(request: HttpRequest) -> tuple[int, str]:
    days = request.GET.get("days", "30")
    status = request.GET.get("status", "")
    return (int(days) if days.isdigit() and int(days) in _REVIEW_DAYS else 30), status


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Every case of the province: counts, time to accept, and the list to follow up from."""
    scope = _reviewer_scope(request)
    days, status = _review_filters(request)
    cases = review_cases(scope, days=days, status=status)
    context = {
        "scope": scope,
        "cases": cases.select_related("station", "province")[:500],
        "summary": review_summary(review_cases(scope, days=days)),
        "days": days,
        "status": status,
        "day_choices": _REVIEW_DAYS,
        "status_choices": Incident.Status.choices,
    }
    return render(request, "incidents/review.html", context)


@login_required
@require_GET
def review_export(request: HttpRequest) -> HttpResponse:
    """The review list as CSV (UTF-8 with BOM so Excel shows Thai). No phone numbers: exports leave
    the system, and a reporter's number is only shown, audited, on the case itself."""
    scope = _reviewer_scope(request)
    days, status = _review_filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ess-cases-{days}d.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["เลขที่เรื่อง", "รับแจ้ง", "ประเภทเหตุ", "สถานี", "จังหวัด", "สถานะ", "ผลการดำเนินการ", "นาทีถึงรับเรื่อง", "ผู้แจ้ง"]
    )
    for c in review_cases(scope, days=days, status=status).select_related("station", "province").iterator():
        minutes = round((c.accepted_at - c.received_at).total_seconds() / 60, 1) if c.accepted_at else ""
        writer.writerow(
            [
                c.case_number,
                thai_datetime_text(c.received_at),
                c.get_category_display(),
                c.station.name_th if c.station else "โต๊ะจังหวัด",
                c.province.name_th,
                c.get_status_display(),
                c.get_outcome_display(),
                minutes,
                c.get_reporter_relation_display(),
            ]
        )
    return response


@login_required
@require_GET
def review_case(request: HttpRequest, incident_id: int) -> HttpResponse:
    _reviewer_scope(request)
    incident = _incident_or_404(request, incident_id)
    return render(
        request,
        "incidents/review_case.html",
        {"incident": incident, "panel": _panel(request, incident).content.decode()},
    )
