"""The (cadre, day) index of the ledger also carries the points: standings sum each cadre's
entries of a period from the index alone (an index-only scan), without visiting the table.
The new index is built before the old one goes, so queries always have one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_evaluations_and_periods"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="pointentry",
            index=models.Index(
                fields=["cadre", "occurred_on"],
                include=["points"],
                name="point_entry_cadre_day_pts",
            ),
        ),
        migrations.RemoveIndex(
            model_name="pointentry",
            name="point_entry_cadre_day",
        ),
    ]
