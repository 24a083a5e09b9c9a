"""Indexes of the statement store that no query reads, and that every INSERT kept up to date.

- ``user``'s own index: the (user, lesson, block_id) index starts with the same column, and
  PostgreSQL and SQLite answer ``user_id = ...`` (a person's statements, their erasure) from it.
- The PostgreSQL prefix indexes (``varchar_pattern_ops``, made beside each indexed text column)
  of ``actor_key``, ``activity_id`` and ``object_agent_key``: they serve only ``LIKE 'prefix%'``,
  and the LRS compares these columns whole (its ``related_*`` filters read other columns).
  Django still makes the columns' own indexes; only the prefix ones are dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "learning_xapistatement"
# Django's names for them (derived from the table and column names alone, the same everywhere).
PREFIX_INDEXES = {
    "learning_xapistatement_actor_key_dc789602_like": "actor_key",
    "learning_xapistatement_activity_id_7adeeb30_like": "activity_id",
    "learning_xapistatement_object_agent_key_eeee477e_like": "object_agent_key",
}


def prefix_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def prefix_indexes_make(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, column in PREFIX_INDEXES.items():
        columns = f"{quote(column)} varchar_pattern_ops"
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(TABLE)} ({columns})")


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_enrolment_profile"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="xapistatement",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="xapi_statements",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(prefix_indexes_drop, prefix_indexes_make),
    ]
