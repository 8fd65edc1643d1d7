"""``/ws/dashboard/``: live hints for the dashboards. It never writes to the database."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.selectors import StaffScope, staff_scope
from incidents.broadcast import NATIONAL_GROUP, province_group, station_group


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    """Authenticate in ``connect``, join the groups of the user's scope, forward events."""

    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        scope: StaffScope | None = await database_sync_to_async(staff_scope)(user) if user else None
        if scope is None:
            await self.close(code=4403)
            return
        if scope.national:
            self.groups_joined = [NATIONAL_GROUP]
        elif scope.role == "officer" and scope.station_id:
            self.groups_joined = [station_group(scope.station_id)]
        elif scope.province_id:
            self.groups_joined = [province_group(scope.province_id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "groups": len(self.groups_joined)})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Clients only listen; a ping keeps proxies from closing an idle socket.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def incident_event(self, message: dict[str, Any]) -> None:
        payload = {k: v for k, v in message.items() if k != "type"}
        await self.send_json({"type": "incident", **payload})
