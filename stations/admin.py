from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from stations.models import District, Province, Station


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin[Province]):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["name_th", "name_en", "code"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["code", "name_th", "name_en", "province"]
    list_filter = ["province"]
    search_fields = ["name_th", "name_en", "code"]
    list_select_related = ["province"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin[Station]):
    """Stations, with a Leaflet map on the change form: the marker shows the station and a click
    or drag moves it (plain latitude/longitude fields, so no GDAL is needed)."""

    list_display = ["code", "name_th", "kind", "province", "phone", "active", "location_accuracy"]
    list_filter = ["active", "kind", "location_accuracy", "province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]
    autocomplete_fields = ["province", "district"]
    change_form_template = "admin/stations/station/change_form.html"
    fieldsets = [
        (None, {"fields": ["code", "name_th", "name_en", "kind", "phone", "active"]}),
        ("พื้นที่", {"fields": ["province", "district"]}),
        ("ตำแหน่ง", {"fields": ["latitude", "longitude", "location_accuracy", "source"]}),
    ]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        context["map_tile_url"] = settings.MAP_TILE_URL
        return super().render_change_form(request, context, *args, **kwargs)
