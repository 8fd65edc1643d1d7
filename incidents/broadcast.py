"""The one module that sends to the channel layer: small JSON hints for the dashboards.

A WebSocket event is a hint, never the only copy of the truth: clients reload their snapshot on
(re)connect, so a dropped message (channels-redis drops on a full channel) costs nothing lasting.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from incidents.models import Incident

logger = logging.getLogger(__name__)

NATIONAL_GROUP = "dashboard.national"


def station_group(station_id: int) -> str:
    return f"dashboard.station.{station_id}"


def province_group(province_id: int) -> str:
    return f"dashboard.province.{province_id}"


def groups_for(incident: Incident, extra_station_ids: tuple[int, ...] = ()) -> list[str]:
    groups = [NATIONAL_GROUP, province_group(incident.province_id)]
    station_ids = {*extra_station_ids, *([incident.station_id] if incident.station_id else [])}
    groups.extend(station_group(sid) for sid in sorted(station_ids))
    return groups


def incident_event_on_commit(
    incident: Incident, event_type: str, *, previous_station_id: int | None = None
) -> None:
    """After commit, tell every dashboard that may show ``incident`` that it changed.

    ``previous_station_id`` also tells the station a case left (a transfer or an escalation), so
    its dashboard drops the case.
    """
    message: dict[str, Any] = {
        "type": "incident.event",
        "event": event_type,
        "incident_id": incident.pk,
        "case_number": incident.case_number,
        "status": incident.status,
        "station_id": incident.station_id,
        "province_id": incident.province_id,
    }
    extra = (previous_station_id,) if previous_station_id else ()
    groups = groups_for(incident, extra)
    transaction.on_commit(lambda: _send(groups, message))


def _send(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # One event loop for all groups: channels-redis keeps its connections per loop.
        async_to_sync(_send_all)(layer, groups, message)
    except Exception:
        # The change is committed; dashboards will see it on their next snapshot.
        logger.exception("could not broadcast %s to %s", message["event"], groups)


async def _send_all(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    for group in groups:
        await layer.group_send(group, message)
