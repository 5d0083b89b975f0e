"""On PostgreSQL the index patrol_recent also carries each patrol's segment and chief (INCLUDE), so that a
scoped list finds its page's keys from the index alone (wushui.keyset ``ids_first``). Other databases keep
the plain index: they have no covering indexes."""

from django.db import migrations

COVERING = (
    "DROP INDEX IF EXISTS patrol_recent; "
    "CREATE INDEX patrol_recent ON inspections_patrol (started_at DESC, id DESC) INCLUDE (segment_id, chief_id)"
)
PLAIN = "DROP INDEX IF EXISTS patrol_recent; CREATE INDEX patrol_recent ON inspections_patrol (started_at DESC, id DESC)"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("inspections", "0010_problem_alerts")]

    operations = [migrations.RunPython(run(COVERING), run(PLAIN))]
