"""End the pairings left active past their end date (status ended, reason "到期结束"), so that
they stop counting against their mentor's capacity and scope. From now on the daily job
(`mentoring.services.pairings.pairings_end_expired`) does this; no history rows here."""

from django.db import migrations
from django.utils import timezone


def end_expired(apps, schema_editor):
    Pairing = apps.get_model("mentoring", "Pairing")
    Pairing.objects.filter(status="active", end_date__lt=timezone.localdate()).update(
        status="ended", end_reason="到期结束", updated_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0006_duties_self_reports")]

    operations = [migrations.RunPython(end_expired, migrations.RunPython.noop)]
