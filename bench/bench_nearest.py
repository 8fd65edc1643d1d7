"""station_nearest over the demo registry (927 stations), 1,500 stations and ten times the registry.

Queries are random points inside Thailand's populated extent, the same points for both sizes.
"""

from __future__ import annotations

import random
from typing import Any

from common import database_label, percentiles, setup_django, test_database, time_calls, write_result

QUERIES = 2000


def _cycle(fn: Any, points: list[tuple[float, float]], limit: int) -> Any:
    it = iter(points)
    return lambda: fn(*next(it), limit=limit)


def main() -> None:
    setup_django()
    from django.core.management import call_command

    from stations.models import Station
    from stations.selectors import station_nearest

    rng = random.Random(2569)
    stations_points = []
    with test_database():
        call_command("load_demo_registry", verbosity=0)
        base = list(Station.objects.all())
        stations_points = [(s.latitude, s.longitude) for s in base]
        points = [
            (lat + rng.uniform(-0.1, 0.1), lng + rng.uniform(-0.1, 0.1))
            for lat, lng in (rng.choice(stations_points) for _ in range(QUERIES))
        ]
        result: dict[str, object] = {"database": database_label()}
        # The demo registry, then clones jittered around real stations up to 1,500 and ten times.
        for label, target in (
            ("registry", len(base)),
            ("registry_1500", 1500),
            ("registry_x10", len(base) * 10),
        ):
            missing = target - Station.objects.count()
            clones = []
            for n in range(missing):
                s = base[n % len(base)]
                clones.append(
                    Station(
                        code=f"{s.code}-{label}-{n}",
                        name_th=s.name_th,
                        kind=s.kind,
                        province_id=s.province_id,
                        latitude=s.latitude + rng.uniform(-0.08, 0.08),
                        longitude=s.longitude + rng.uniform(-0.08, 0.08),
                        location_accuracy=s.location_accuracy,
                    )
                )
            Station.objects.bulk_create(clones, batch_size=1000)
            count = Station.objects.count()
            # Warm up the connection and caches, then measure.
            for lat, lng in points[:50]:
                station_nearest(lat, lng, limit=1)
            samples_1 = time_calls(_cycle(station_nearest, points, 1), QUERIES)
            samples_5 = time_calls(_cycle(station_nearest, points, 5), QUERIES)
            result[label] = {
                "stations": count,
                "limit_1": percentiles(samples_1),
                "limit_5": percentiles(samples_5),
            }
    write_result("nearest", result)


if __name__ == "__main__":
    main()
