"""Build stations/data/demo_stations.csv, the demo station registry.

No open nationwide list of police stations with coordinates exists, so the demo registry has one
station per district, placed at the mean of the district's sub-district centre points (from the
MIT-licensed thai-province-data set in stations/data/thai-admin/) and marked approximate. Districts
without sub-district points (Bangkok's เขต and four others) take a hand-noted approximate centre from
district_centres_extra.csv; the two pseudo-districts with no sub-districts get no station.
The phone is 191 (police emergency) because the real stations' numbers are not in the data.

Run: python scripts/build_demo_registry.py
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "stations" / "data"
SOURCE = "demo: district centre from thai-province-data (MIT)"


def main() -> None:
    admin = DATA / "thai-admin"
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with (admin / "sub_districts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["lat"] and row["long"] and not row["deleted_at"]:
                points[row["district_id"]].append((float(row["lat"]), float(row["long"])))
    with (DATA / "district_centres_extra.csv").open(encoding="utf-8") as f:
        extra = {r["district_code"]: (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f)}

    out_rows = []
    with (admin / "districts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["id"]
            if row["deleted_at"] or row["name_th"].startswith("ท้องถิ่น"):
                continue
            if points[code]:
                lat = sum(p[0] for p in points[code]) / len(points[code])
                lng = sum(p[1] for p in points[code]) / len(points[code])
            elif code in extra:
                lat, lng = extra[code]
            else:
                raise SystemExit(f"district {code} {row['name_th']} has no centre point")
            bangkok = code.startswith("10")
            name = row["name_th"].removeprefix("เขต") if bangkok else row["name_th"]
            name_en = row["name_en"].removeprefix("Khet ").strip()
            kind = "สน." if bangkok else "สภ."
            out_rows.append(
                {
                    "code": f"DEMO-{code}",
                    "name_th": f"{kind}{name}",
                    "name_en": f"{name_en} Police Station",
                    "kind": kind,
                    "province_code": int(code) // 100,
                    "district_code": code,
                    "latitude": f"{lat:.5f}",
                    "longitude": f"{lng:.5f}",
                    "phone": "191",
                    "active": "1",
                    "source": SOURCE,
                    "location_accuracy": "approximate",
                }
            )
    with (DATA / "demo_stations.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(out_rows[0]))
        writer.writeheader()
        writer.writerows(out_rows)
    print(f"wrote {len(out_rows)} demo stations")


if __name__ == "__main__":
    main()
