"""The documents' search vector with English stemming (was 'simple'): recomputed in place, so
"seizures" finds a paper about a seizure. PostgreSQL only; SQLite keeps no vector."""

from django.db import migrations


def _rebuild(config):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "UPDATE meetings_document SET search_vector = to_tsvector(%s, "
                "coalesce(title, '') || ' ' || coalesce(search_text, '')) "
                "WHERE search_vector IS NOT NULL",
                [config],
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_nomination_reminders")]

    operations = [migrations.RunPython(_rebuild("english"), _rebuild("simple"), elidable=False)]
