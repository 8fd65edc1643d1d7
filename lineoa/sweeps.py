"""Sweeps of lineoa, in the order they should run."""

from __future__ import annotations

from collections.abc import Callable

from incidents.services import escalation_sweep, incidents_anonymize_expired
from lineoa.notify import welfare_sweep
from lineoa.services import inbox_sweep, line_records_purge, outbound_sweep

# Inbox first (new reports), escalation before outbound so its messages go out in the same run.
SWEEPS: dict[str, Callable[[], int]] = {
    "inbox": inbox_sweep,
    "escalation": escalation_sweep,
    "welfare": welfare_sweep,
    "outbound": outbound_sweep,
    "retention": incidents_anonymize_expired,
    "line_records": line_records_purge,
}
