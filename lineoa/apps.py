from __future__ import annotations

from django.apps import AppConfig


class LineoaConfig(AppConfig):
    name = "lineoa"
