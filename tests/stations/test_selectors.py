from __future__ import annotations

import pytest

from stations.geo import OutsideThailand, distance_km
from stations.models import Station
from stations.selectors import station_nearest


def test_prachin_buri_town_is_served_by_mueang_station_first(registry: None) -> None:
    nearest = station_nearest(14.05, 101.37)
    assert nearest[0].station.name_th == "สภ.เมืองปราจีนบุรี"
    assert len(nearest) == 5


def test_results_are_ordered_by_distance_and_distances_are_true(registry: None) -> None:
    nearest = station_nearest(13.7563, 100.5018, limit=10)
    distances = [n.distance_km for n in nearest]
    assert distances == sorted(distances)
    for n in nearest:
        assert n.distance_km == pytest.approx(
            distance_km(13.7563, 100.5018, n.station.latitude, n.station.longitude)
        )
    # Brute force over the whole registry agrees on the nearest ten.
    everything = sorted(
        Station.objects.filter(active=True),
        key=lambda s: distance_km(13.7563, 100.5018, s.latitude, s.longitude),
    )
    assert [n.station.pk for n in nearest] == [s.pk for s in everything[:10]]


def test_exclude_skips_stations_already_tried(registry: None) -> None:
    first = station_nearest(14.05, 101.37, limit=1)[0].station
    second = station_nearest(14.05, 101.37, exclude=[first.pk], limit=1)[0].station
    assert second.pk != first.pk
    assert second.pk == station_nearest(14.05, 101.37, limit=2)[1].station.pk


def test_inactive_stations_are_never_returned(registry: None) -> None:
    Station.objects.filter(code="DEMO-2501").update(active=False)
    names = [n.station.code for n in station_nearest(14.05, 101.37, limit=5)]
    assert "DEMO-2501" not in names


def test_remote_point_still_finds_stations(registry: None) -> None:
    # Ko Tao, far from most stations: the search widens until it has enough.
    nearest = station_nearest(10.09, 99.84, limit=3)
    assert len(nearest) == 3


def test_limit_larger_than_registry_returns_every_active_station(registry: None) -> None:
    Station.objects.exclude(province__code=25).update(active=False)
    active = Station.objects.filter(active=True).count()
    assert len(station_nearest(14.05, 101.37, limit=500)) == active


@pytest.mark.parametrize(("lat", "lng"), [(35.68, 139.69), (0.0, 0.0), (13.75, 96.0), (21.5, 100.0)])
def test_point_outside_thailand_is_a_domain_error(registry: None, lat: float, lng: float) -> None:
    with pytest.raises(OutsideThailand, match="นอกประเทศไทย"):
        station_nearest(lat, lng)
