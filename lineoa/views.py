from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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
