from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from stations.models import Station
from stations.services import stations_import

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "data" / "demo_stations.csv"


class Command(BaseCommand):
    help = (
        "Load the demo station registry (one approximate station per district) into an empty "
        "registry. A registry that already has stations is left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = Station.objects.count()
        if count:
            self.stdout.write(f"station registry has {count} stations; demo registry not loaded")
            return
        result = stations_import(DEMO_REGISTRY)
        self.stdout.write(f"loaded the demo registry: {result.created} stations (approximate)")
