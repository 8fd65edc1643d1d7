from __future__ import annotations

from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "lineoa.simulator"
    label = "linesim"
    verbose_name = "LINE simulator"
