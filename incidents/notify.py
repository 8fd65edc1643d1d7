"""The reporter hears about changes to their case through LINE, but ``incidents`` does not depend on
``lineoa``. The function that queues the message is named by the INCIDENT_REPORTER_NOTIFIER setting
and called inside the transaction of the change, so the message and the change commit together."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from incidents.models import Incident, IncidentEvent


def reporter_notify(incident: Incident, event: IncidentEvent) -> None:
    path = getattr(settings, "INCIDENT_REPORTER_NOTIFIER", "")
    if not path or not incident.reporter_line_id:
        return
    import_string(path)(incident, event)
