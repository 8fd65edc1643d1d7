"""The Celery application: ``celery -A essdispatch worker`` and ``celery -A essdispatch beat``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essdispatch.settings")

app = Celery("essdispatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["essdispatch"], related_name="sweep")


@app.on_after_finalize.connect
def _schedule_sweeps(sender: Celery, **_: object) -> None:
    from django.conf import settings

    interval = float(settings.SWEEP_INTERVAL_SECONDS)
    sender.add_periodic_task(interval, sender.signature("essdispatch.sweep"), name="sweep")
