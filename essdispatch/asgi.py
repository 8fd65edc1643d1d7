"""ASGI entry point: HTTP through Django, WebSockets through Channels (``/ws/dashboard/``)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essdispatch.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from essdispatch.routing import websocket_urlpatterns  # noqa: E402

if settings.EMBEDDED_SWEEPER:
    # Nothing else runs Celery beat on the embedded default, so this process sweeps.
    from essdispatch.jobs import start_embedded_sweeper
    from essdispatch.sweep import sweep_all

    start_embedded_sweeper(sweep_all)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
