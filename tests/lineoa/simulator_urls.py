"""The project's URLs with the LINE simulator included whatever ``LINE_SIMULATOR`` was at import time
(in CI, with ``DATABASE_URL`` and ``REDIS_URL`` set, the project leaves it out)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from essdispatch.urls import urlpatterns as project_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("simulator/", include("lineoa.simulator.urls")),
    *(p for p in project_urlpatterns if str(p.pattern) != "simulator/"),
]
