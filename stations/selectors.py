"""Reads of the station registry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import cos, radians

from stations.geo import KM_PER_DEGREE_LAT, distance_km, require_thailand
from stations.models import Station

# The search starts with stations within this radius and doubles it until it has enough; the
# largest radius covers the whole country from any point in it.
_START_RADIUS_KM = 30.0
_MAX_RADIUS_KM = 3200.0


@dataclass(frozen=True)
class NearbyStation:
    station: Station
    distance_km: float


def station_nearest(
    latitude: float,
    longitude: float,
    *,
    exclude: Iterable[int] = (),
    limit: int = 5,
) -> list[NearbyStation]:
    """Active stations nearest to a point, nearest first, with their great-circle distance.

    1. Refuse a point outside Thailand (:class:`stations.geo.OutsideThailand`).
    2. Ask the database for the ids and coordinates of active stations in a box around the point
       whose half-size is the search radius (an indexed range scan), skipping ``exclude`` (ids).
    3. Keep those whose true distance is within the radius: every station nearer than the radius
       lies inside the box, so once ``limit`` stations are within it they are the nearest ones.
       Otherwise double the radius and ask again.
    4. Load only the ``limit`` winners as model instances.
    """
    require_thailand(latitude, longitude)
    excluded = set(exclude)
    radius = _START_RADIUS_KM
    while True:
        dlat = radius / KM_PER_DEGREE_LAT
        dlng = radius / (KM_PER_DEGREE_LAT * max(cos(radians(latitude)), 0.2))
        rows = Station.objects.filter(
            active=True,
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        ).values_list("pk", "latitude", "longitude")
        found = sorted(
            (distance_km(latitude, longitude, lat, lng), pk) for pk, lat, lng in rows if pk not in excluded
        )
        within = [item for item in found if item[0] <= radius]
        if len(within) >= limit or radius >= _MAX_RADIUS_KM:
            winners = (within if len(within) >= limit else found)[:limit]
            break
        radius *= 2
    stations = Station.objects.select_related("province").in_bulk([pk for _, pk in winners])
    return [NearbyStation(stations[pk], dist) for dist, pk in winners]
