"""Patrols stored before the minimum distance was capped by the segment's length were judged by
the rule's own minimum: record it as the distance they were required to walk."""

from django.db import migrations


def record_required_distance(apps, schema_editor):
    Patrol = apps.get_model("inspections", "Patrol")
    batch = []
    for patrol in Patrol.objects.only("id", "rules").iterator(chunk_size=2000):
        if "required_distance_m" not in patrol.rules and "min_distance_m" in patrol.rules:
            patrol.rules["required_distance_m"] = patrol.rules["min_distance_m"]
            batch.append(patrol)
        if len(batch) >= 2000:
            Patrol.objects.bulk_update(batch, ["rules"])
            batch = []
    Patrol.objects.bulk_update(batch, ["rules"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_photo_client_key")]

    operations = [migrations.RunPython(record_required_distance, migrations.RunPython.noop)]
