from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineoa import client, richmenu


class Command(BaseCommand):
    help = (
        "Draw the rich menu image and install the rich menu as every user's default through the "
        "Messaging API at LINE_API_BASE_URL (the simulator's in development). Prints its id. "
        "With --output, only write the image."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="FILE.png", help="write the PNG here and install nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            png = richmenu.image_png()
        except richmenu.FontNotFound as exc:
            raise CommandError(str(exc)) from None
        output: str | None = options["output"]
        if output:
            Path(output).write_bytes(png)
            self.stdout.write(f"wrote {output} ({richmenu.WIDTH}×{richmenu.HEIGHT}, {len(png)} bytes)")
            return
        if not settings.LINE_CHANNEL_ACCESS_TOKEN:
            raise CommandError("LINE_CHANNEL_ACCESS_TOKEN is not set")
        try:
            menu_id = client.rich_menu_install(richmenu.definition(), png)
        except client.LineError as exc:
            raise CommandError(f"could not install the rich menu: {exc}") from None
        self.stdout.write(menu_id)
