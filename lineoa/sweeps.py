"""Sweeps of lineoa and the apps below it, in the order they should run."""

from __future__ import annotations

from collections.abc import Callable

SWEEPS: dict[str, Callable[[], int]] = {}
