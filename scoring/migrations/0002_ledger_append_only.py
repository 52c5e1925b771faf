"""PostgreSQL refuses UPDATE and DELETE on the points ledger (积分明细只能追加).

TRUNCATE (used by test-database flushes and deliberate resets) is not a row operation and
stays possible for the database owner.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_pointentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scoring_pointentry is append-only: % refused (use a reversing entry)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS scoring_pointentry_append_only ON scoring_pointentry;
CREATE TRIGGER scoring_pointentry_append_only
    BEFORE UPDATE OR DELETE ON scoring_pointentry
    FOR EACH ROW EXECUTE FUNCTION scoring_pointentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS scoring_pointentry_append_only ON scoring_pointentry;
DROP FUNCTION IF EXISTS scoring_pointentry_append_only();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no params: the % in RAISE is literal

    return apply


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_rules_and_ledger")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
