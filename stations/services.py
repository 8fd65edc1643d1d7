"""Writes to the station registry: the idempotent import of a registry file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from stations.geo import in_thailand
from stations.models import District, Province, Station

FIELDS = (
    "code",
    "name_th",
    "name_en",
    "kind",
    "province_code",
    "district_code",
    "latitude",
    "longitude",
    "phone",
    "active",
    "source",
    "location_accuracy",
)
REQUIRED = ("code", "name_th", "province_code", "latitude", "longitude")
_TRUE = {"1", "true", "yes", "y", "t", "ใช่"}
_FALSE = {"0", "false", "no", "n", "f", "ไม่"}
MAX_ERRORS_SHOWN = 20


class ImportFailed(Exception):
    """The file has bad rows; nothing was changed. ``errors`` names each place and reason."""

    def __init__(self, errors: list[str]) -> None:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n… และอีก {more} แถว" if more else "")
        super().__init__(text)
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    where: str
    values: dict[str, Any]


def stations_import(path: Path, *, default_source: str | None = None) -> ImportResult:
    """Upsert the stations of a CSV or GeoJSON file by station code, all or nothing.

    1. Read every row (CSV line or GeoJSON feature) into plain values.
    2. Validate every row: required fields, coordinates inside Thailand, a known province (and a
       district of that province), the station kind, a unique code within the file. Any error
       raises :class:`ImportFailed` naming each bad line, before anything is written.
    3. In one transaction, create new codes, update changed ones and count the unchanged.
    """
    source = default_source if default_source is not None else path.name
    rows = list(_read(path))
    provinces = {p.code: p for p in Province.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    errors: list[str] = []
    cleaned: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for row in rows:
        try:
            values = _clean(row.values, provinces, districts, source)
        except ValueError as exc:
            errors.append(f"{row.where}: {exc}")
            continue
        if values["code"] in seen:
            errors.append(f"{row.where}: รหัสสถานี {values['code']} ซ้ำกับ{seen[values['code']]}")
            continue
        seen[values["code"]] = row.where
        cleaned.append((row.where, values))
    if not rows:
        errors.append("ไม่พบข้อมูลสถานีในไฟล์")
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    with transaction.atomic():
        existing = {s.code: s for s in Station.objects.select_for_update()}
        for _where, values in cleaned:
            code = values["code"]
            result.codes.append(code)
            station = existing.get(code)
            if station is None:
                Station.objects.create(**values)
                result.created += 1
                continue
            changed = [k for k, v in values.items() if getattr(station, k) != v]
            if not changed:
                result.unchanged += 1
                continue
            for key in changed:
                setattr(station, key, values[key])
            station.save(update_fields=[*changed, "updated_at"])
            result.updated += 1
    return result


def _read(path: Path) -> Iterator[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([f"{path.name}: ไฟล์ต้องเป็น UTF-8 ({exc.reason})"]) from None
    except OSError as exc:
        raise ImportFailed([f"{path}: เปิดไฟล์ไม่ได้ ({exc.strerror})"]) from None
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        yield from _read_geojson(text, path.name)
    elif suffix == ".csv":
        yield from _read_csv(text, path.name)
    else:
        raise ImportFailed([f"{path.name}: รองรับเฉพาะไฟล์ .csv และ .geojson"])


def _read_csv(text: str, name: str) -> Iterator[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise ImportFailed([f"{name} บรรทัด 1: ไม่มีคอลัมน์ {', '.join(missing)}"])
    for record in reader:
        # line_num counts physical lines, so a quoted value with a newline still points right.
        where = f"{name} บรรทัด {reader.line_num}"
        if None in record:
            yield _Row(where, {"__error__": "จำนวนคอลัมน์เกินหัวตาราง"})
            continue
        yield _Row(where, {k: (v or "").strip() for k, v in record.items()})


def _read_geojson(text: str, name: str) -> Iterator[_Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([f"{name} บรรทัด {exc.lineno}: JSON ไม่ถูกต้อง ({exc.msg})"]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed([f"{name}: ต้องเป็น GeoJSON FeatureCollection"])
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportFailed([f"{name}: ไม่มีรายการ features"])
    for index, feature in enumerate(features, start=1):
        where = f"{name} feature ที่ {index}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not isinstance(geometry, dict):
            yield _Row(where, {"__error__": "feature ต้องมี properties และ geometry"})
            continue
        coords = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            yield _Row(where, {"__error__": "geometry ต้องเป็น Point [ลองจิจูด, ละติจูด]"})
            continue
        values = {k: "" if v is None else str(v).strip() for k, v in props.items()}
        values["longitude"], values["latitude"] = str(coords[0]), str(coords[1])
        yield _Row(where, values)


def _clean(
    raw: dict[str, str],
    provinces: dict[int, Province],
    districts: dict[int, District],
    source: str,
) -> dict[str, Any]:
    if "__error__" in raw:
        raise ValueError(raw["__error__"])
    for name in REQUIRED:
        if not raw.get(name):
            raise ValueError(f"ต้องระบุ {name}")
    code = raw["code"]
    if len(code) > 32:
        raise ValueError("รหัสสถานียาวเกิน 32 ตัวอักษร")
    try:
        latitude = float(raw["latitude"])
        longitude = float(raw["longitude"])
    except ValueError:
        raise ValueError("latitude/longitude ต้องเป็นตัวเลข") from None
    if not in_thailand(latitude, longitude):
        raise ValueError(f"พิกัด ({latitude}, {longitude}) อยู่นอกประเทศไทย")
    province = provinces.get(_int(raw["province_code"], "province_code"))
    if province is None:
        raise ValueError(f"ไม่รู้จักรหัสจังหวัด {raw['province_code']}")
    district = None
    if raw.get("district_code"):
        district = districts.get(_int(raw["district_code"], "district_code"))
        if district is None or district.province_id != province.pk:
            raise ValueError(f"รหัสอำเภอ {raw['district_code']} ไม่อยู่ในจังหวัด{province.name_th}")
    default_kind = Station.Kind.METROPOLITAN if province.code == 10 else Station.Kind.PROVINCIAL
    kind = raw.get("kind") or default_kind
    if kind not in Station.Kind.values:
        raise ValueError(f"ประเภทสถานีต้องเป็น สภ. หรือ สน. ไม่ใช่ {kind!r}")
    accuracy = raw.get("location_accuracy") or Station.Accuracy.SURVEYED
    if accuracy not in Station.Accuracy.values:
        raise ValueError(f"location_accuracy ต้องเป็น surveyed หรือ approximate ไม่ใช่ {accuracy!r}")
    active_raw = (raw.get("active") or "1").lower()
    if active_raw not in _TRUE | _FALSE:
        raise ValueError(f"active ต้องเป็น 1/0 หรือ true/false ไม่ใช่ {raw['active']!r}")
    return {
        "code": code,
        "name_th": raw["name_th"][:200],
        "name_en": raw.get("name_en", "")[:200],
        "kind": kind,
        "province_id": province.pk,
        "district_id": district.pk if district else None,
        "latitude": latitude,
        "longitude": longitude,
        "phone": raw.get("phone", "")[:32],
        "active": active_raw in _TRUE,
        "source": (raw.get("source") or source)[:200],
        "location_accuracy": accuracy,
    }


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} ต้องเป็นตัวเลข ไม่ใช่ {value!r}") from None
