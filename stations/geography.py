"""Load provinces and districts from the shipped thai-province-data files (MIT, see
stations/data/thai-admin/LICENSE). Used by the data migration, so every database has them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "thai-admin"


def load_geography(province_model: Any, district_model: Any) -> tuple[int, int]:
    """Upsert all provinces (by official code) and districts (by code); returns the counts."""
    with (DATA_DIR / "districts.csv").open(encoding="utf-8") as f:
        districts = [r for r in csv.DictReader(f) if not r["deleted_at"]]
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as f:
        provinces = [r for r in csv.DictReader(f) if not r["deleted_at"]]
    # The data set numbers provinces 1–77; the official two-digit code is a district id // 100.
    official = {d["province_id"]: int(d["id"]) // 100 for d in districts}
    by_source_id = {}
    for row in provinces:
        province, _ = province_model.objects.update_or_create(
            code=official[row["id"]],
            defaults={"name_th": row["name_th"], "name_en": row["name_en"]},
        )
        by_source_id[row["id"]] = province
    for row in districts:
        district_model.objects.update_or_create(
            code=int(row["id"]),
            defaults={
                "province": by_source_id[row["province_id"]],
                "name_th": row["name_th"],
                "name_en": row["name_en"],
            },
        )
    return len(provinces), len(districts)
