from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from incidents.models import IncidentEvent
from incidents.selectors import incident_for_user
from lineoa import client
from lineoa.client import signature_valid
from lineoa.services import MalformedWebhook, inbox_store

logger = logging.getLogger(__name__)


@csrf_exempt  # LINE signs the body instead; the signature is checked before anything else.
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Receive LINE webhook events: verify, store in the inbox, answer 200; work happens after."""
    length = request.headers.get("Content-Length", "0")
    if not length.isdigit() or int(length) > settings.LINE_WEBHOOK_MAX_BYTES:
        return HttpResponse("body too large", status=413, content_type="text/plain")
    body = request.body
    signature = request.headers.get("X-Line-Signature", "")
    if not signature:
        return HttpResponse("missing signature", status=400, content_type="text/plain")
    if not signature_valid(body, signature):
        logger.warning("webhook with a bad signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponse("bad signature", status=401, content_type="text/plain")
    try:
        payload = json.loads(body)
        inbox_store(payload)
    except (ValueError, MalformedWebhook) as exc:  # JSONDecodeError is a ValueError
        logger.warning("malformed webhook body: %s", exc)
        return HttpResponse("malformed body", status=400, content_type="text/plain")
    return HttpResponse(status=200)


@login_required
@require_GET
def content(request: HttpRequest, event_id: int) -> HttpResponse:
    """A photo the reporter sent, fetched from LINE for staff who may see its case."""
    event = IncidentEvent.objects.filter(pk=event_id, kind=IncidentEvent.Kind.REPORTER_IMAGE).first()
    if event is None or incident_for_user(request.user, event.incident_id) is None:
        raise Http404("no such photo")
    message_id = str(event.data.get("line_message_id", ""))
    try:
        data = client.message_content(message_id)
    except client.LineError as exc:
        logger.warning("photo %s not fetched: %s", message_id, exc)
        return HttpResponse(
            "ดึงรูปจาก LINE ไม่สำเร็จ ลองใหม่ภายหลัง", status=502, content_type="text/plain; charset=utf-8"
        )
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    return response
