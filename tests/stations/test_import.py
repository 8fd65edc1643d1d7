from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stations.models import Station
from stations.services import ImportFailed, stations_import

HEADER = "code,name_th,name_en,kind,province_code,district_code,latitude,longitude,phone,active\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        "stations.csv",
        HEADER
        + "PCB-01,สภ.เมืองปราจีนบุรี (จริง),Mueang,สภ.,25,2501,14.0509,101.3717,037-211-000,1\n"
        + "PCB-02,สภ.โคกมะกอก,Khok Makok,สภ.,25,2501,14.0800,101.4200,037-200-111,true\n",
    )


def test_it_creates_stations_from_csv(registry: None, good_csv: Path) -> None:
    result = stations_import(good_csv)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    station = Station.objects.get(code="PCB-01")
    assert station.name_th == "สภ.เมืองปราจีนบุรี (จริง)"
    assert station.province.code == 25
    assert station.district is not None and station.district.code == 2501
    assert station.location_accuracy == Station.Accuracy.SURVEYED
    assert station.source == "stations.csv"
    assert station.active is True


def test_reimport_creates_no_duplicates_and_counts_unchanged(registry: None, good_csv: Path) -> None:
    stations_import(good_csv)
    before = Station.objects.count()
    result = stations_import(good_csv)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Station.objects.count() == before


def test_reimport_updates_changed_rows(registry: None, good_csv: Path, tmp_path: Path) -> None:
    stations_import(good_csv)
    changed = _write(
        tmp_path,
        "v2.csv",
        HEADER + "PCB-01,สภ.เมืองปราจีนบุรี,Mueang,สภ.,25,2501,14.0509,101.3717,037-999-999,0\n",
    )
    result = stations_import(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    station = Station.objects.get(code="PCB-01")
    assert station.phone == "037-999-999"
    assert station.active is False


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("BAD,สภ.ไกล,Far,สภ.,25,,35.68,139.69,,1", "นอกประเทศไทย"),
        ("BAD,สภ.ไม่รู้,X,สภ.,99,,14.0,101.0,,1", "ไม่รู้จักรหัสจังหวัด 99"),
        ("BAD,,X,สภ.,25,,14.0,101.0,,1", "ต้องระบุ name_th"),
        ("BAD,สภ.ผิด,X,สภ.,25,1001,14.0,101.0,,1", "รหัสอำเภอ 1001 ไม่อยู่ในจังหวัดปราจีนบุรี"),
        ("BAD,สภ.ผิด,X,ตำรวจ,25,,14.0,101.0,,1", "ประเภทสถานีต้องเป็น"),
        ("BAD,สภ.ผิด,X,สภ.,25,,abc,101.0,,1", "ต้องเป็นตัวเลข"),
        ("PCB-01,สภ.ซ้ำ,X,สภ.,25,,14.0,101.0,,1", "ซ้ำกับ"),
    ],
)
def test_one_bad_row_changes_nothing_and_names_its_line(
    registry: None, tmp_path: Path, row: str, reason: str
) -> None:
    path = _write(
        tmp_path,
        "mixed.csv",
        HEADER
        + "PCB-01,สภ.ดี,Good,สภ.,25,2501,14.05,101.37,,1\n"
        + row
        + "\n"
        + "PCB-03,สภ.ดีอีก,Good,สภ.,25,2501,14.06,101.38,,1\n",
    )
    before = set(Station.objects.values_list("code", "updated_at"))
    with pytest.raises(ImportFailed) as caught:
        stations_import(path)
    assert "mixed.csv บรรทัด 3" in str(caught.value)
    assert reason in str(caught.value)
    assert set(Station.objects.values_list("code", "updated_at")) == before


def test_geojson_points_are_imported(registry: None, tmp_path: Path) -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [100.5018, 13.7563]},
                "properties": {"code": "BKK-01", "name_th": "สน.ชนะสงคราม", "province_code": 10},
            }
        ],
    }
    path = _write(tmp_path, "bkk.geojson", json.dumps(data, ensure_ascii=False))
    result = stations_import(path)
    assert result.created == 1
    station = Station.objects.get(code="BKK-01")
    assert (station.latitude, station.longitude) == (13.7563, 100.5018)
    assert station.kind == Station.Kind.METROPOLITAN


def test_geojson_bad_feature_is_named(registry: None, tmp_path: Path) -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": []},
                "properties": {"code": "X"},
            },
        ],
    }
    path = _write(tmp_path, "bad.geojson", json.dumps(data))
    with pytest.raises(ImportFailed, match="feature ที่ 1: geometry ต้องเป็น Point"):
        stations_import(path)


def test_command_reports_counts_and_fails_cleanly(
    registry: None, good_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_stations", str(good_csv))
    assert "created 2, updated 0, unchanged 0" in capsys.readouterr().out
    bad = _write(tmp_path, "bad.csv", "code,name\nx,y\n")
    with pytest.raises(CommandError, match="ไม่มีคอลัมน์"):
        call_command("import_stations", str(bad))


def test_demo_registry_has_one_station_per_district_marked_approximate(registry: None) -> None:
    assert Station.objects.count() == 927
    assert not Station.objects.exclude(location_accuracy=Station.Accuracy.APPROXIMATE).exists()
    assert Station.objects.get(code="DEMO-1001").name_th == "สน.พระนคร"
