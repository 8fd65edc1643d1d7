"""Great-circle geometry and Thailand's extent, without GDAL."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088

# Thailand's extent with a small margin for islands and border posts: Ko Lipe (6.49 N), Mae Sai
# (20.46 N), the Moei border (97.34 E) and Khong Chiam (105.64 E) all fall inside.
THAILAND_LAT = (5.5, 20.6)
THAILAND_LNG = (97.2, 105.7)


class OutsideThailand(ValueError):
    """A point that cannot be in Thailand: no Thai police station can be responsible for it."""

    def __init__(self, latitude: float, longitude: float) -> None:
        super().__init__(f"พิกัด ({latitude:.5f}, {longitude:.5f}) อยู่นอกประเทศไทย")
        self.latitude = latitude
        self.longitude = longitude


def in_thailand(latitude: float, longitude: float) -> bool:
    return THAILAND_LAT[0] <= latitude <= THAILAND_LAT[1] and THAILAND_LNG[0] <= longitude <= THAILAND_LNG[1]


def require_thailand(latitude: float, longitude: float) -> None:
    if not in_thailand(latitude, longitude):
        raise OutsideThailand(latitude, longitude)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi = phi2 - phi1
    dlmb = radians(lng2 - lng1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


KM_PER_DEGREE_LAT = 111.195
