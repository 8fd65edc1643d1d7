"""The periodic sweep: every piece of background work is a database row, and this finds the rows
whose work is due or was lost (a crashed worker, a broker outage) and starts it again."""

from __future__ import annotations

import logging

from essdispatch.celery import app

logger = logging.getLogger(__name__)


def sweep_all() -> dict[str, int]:
    """Run every app's sweep once; one failing sweep does not stop the others."""
    from lineoa.sweeps import SWEEPS as LINE_SWEEPS

    results: dict[str, int] = {}
    for name, sweep in LINE_SWEEPS.items():
        try:
            results[name] = sweep()
        except Exception:
            logger.exception("sweep %s failed", name)
            results[name] = -1
    return results


@app.task(name="essdispatch.sweep", ignore_result=True)
def sweep_task() -> dict[str, int]:
    return sweep_all()
