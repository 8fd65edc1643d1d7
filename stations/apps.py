from __future__ import annotations

from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = "สถานีตำรวจและพื้นที่"
