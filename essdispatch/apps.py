from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule

# django-leaflet's own admin module imports GeoDjango, which needs the GDAL C library. This project
# stores plain latitude/longitude and draws its maps with Leaflet directly, so it skips that module.
_SKIP_ADMIN_OF = {"leaflet"}


class EssAdminConfig(SimpleAdminConfig):
    """The admin site, discovering every app's ``admin`` module except django-leaflet's."""

    def ready(self) -> None:
        super().ready()
        for config in apps.get_app_configs():
            if config.name in _SKIP_ADMIN_OF:
                continue
            if module_has_submodule(config.module, "admin"):
                import_module(f"{config.name}.admin")
