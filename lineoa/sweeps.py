"""Sweeps of lineoa, in the order they should run."""

from __future__ import annotations

from collections.abc import Callable

from lineoa.services import inbox_sweep, outbound_sweep

SWEEPS: dict[str, Callable[[], int]] = {
    "inbox": inbox_sweep,
    "outbound": outbound_sweep,
}
