from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stations.services import ImportFailed, stations_import


class Command(BaseCommand):
    help = "Import police stations from a CSV or GeoJSON file (upsert by station code, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="recorded as each row's source when the row has none")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            result = stations_import(path, default_source=options["source"])
        except ImportFailed as exc:
            raise CommandError(f"นำเข้าไม่สำเร็จ ไม่มีการเปลี่ยนแปลงข้อมูล:\n{exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: created {result.created}, updated {result.updated}, "
                f"unchanged {result.unchanged}"
            )
        )
