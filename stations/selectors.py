"""Reads of the station registry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import cos, radians

from stations.geo import KM_PER_DEGREE_LAT, distance_km, require_thailand
from stations.models import Station

# The search starts with stations within this radius and doubles it until it has enough; the
# largest radius covers the whole country from any point in it.
_START_RADIUS_KM = 25.0
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
    2. Ask the database for active stations in a box around the point whose half-size is the search
       radius (an indexed range scan on latitude), skipping ``exclude`` (station ids).
    3. Keep those whose true distance is within the radius: every station nearer than the radius
       lies inside the box, so once ``limit`` stations are within it they are the nearest ones.
    4. Otherwise double the radius and ask again.
    """
    require_thailand(latitude, longitude)
    excluded = set(exclude)
    radius = _START_RADIUS_KM
    while True:
        dlat = radius / KM_PER_DEGREE_LAT
        dlng = radius / (KM_PER_DEGREE_LAT * max(cos(radians(latitude)), 0.2))
        candidates = Station.objects.filter(
            active=True,
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        ).select_related("province")
        if excluded:
            candidates = candidates.exclude(pk__in=excluded)
        found = [
            NearbyStation(s, distance_km(latitude, longitude, s.latitude, s.longitude)) for s in candidates
        ]
        within = sorted((n for n in found if n.distance_km <= radius), key=_order)
        if len(within) >= limit or radius >= _MAX_RADIUS_KM:
            return within[:limit] if len(within) >= limit else sorted(found, key=_order)[:limit]
        radius *= 2


def _order(nearby: NearbyStation) -> tuple[float, str]:
    return (nearby.distance_km, nearby.station.code)
