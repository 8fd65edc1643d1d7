from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from essdispatch import health, views

admin.site.site_header = "ESS Dispatch"
admin.site.site_title = "ESS Dispatch"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("incidents.urls")),
    path("", include("lineoa.urls")),
]

if settings.LINE_SIMULATOR:
    urlpatterns.append(path("simulator/", include("lineoa.simulator.urls")))
