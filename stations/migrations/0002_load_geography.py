from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from stations.geography import load_geography

    load_geography(apps.get_model("stations", "Province"), apps.get_model("stations", "District"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
