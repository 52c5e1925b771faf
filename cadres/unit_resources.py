"""Import and export of unit lists (单位): one unit per row, by its full path.

| 单位 | 类型 |
|---|---|
| 金城镇 | 乡镇（街道） |
| 金城镇/党政办公室 | 党政机关 |

A unit that exists with the same kind is "unchanged"; a new path is created with any missing
parent (a parent listed in a later row gets that row's kind); a different kind is an update.
An empty 类型 keeps an existing unit's kind, and gives new units the default (乡镇（街道） for
top-level units, 党政机关 below). Units are tree nodes, so rows are saved one by one through
the services, not in bulk; the import is still all-or-nothing.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields

from cadres import choices, services
from cadres.models import Unit
from cadres.unit_lookup import UnitLookup, default_kind, path_normalise
from core.import_widgets import OptionalChoiceWidget, TextWidget, neutralise
from core.importing import RosterResource
from core.workbooks import xlsx_bytes

UNIT_HEADER = "单位"
KIND_HEADER = "类型"
HEADERS = (UNIT_HEADER, KIND_HEADER)


class UnitPathKeyWidget(TextWidget):
    """The 单位 cell of a unit list: a full path the actor may use or create."""

    def __init__(self, lookup: UnitLookup):
        super().__init__()
        self.lookup = lookup

    def clean(self, value, row=None, **kwargs):
        path = path_normalise(value)
        self.lookup.path_check(path)
        self.lookup.scope_check(path)
        return path

    def render(self, value, obj=None, **kwargs):
        return neutralise(value or "")


class UnitRosterResource(RosterResource):
    key = "full_name"
    required_headers = (UNIT_HEADER,)

    kind = fields.Field(
        "kind",
        KIND_HEADER,
        widget=OptionalChoiceWidget(
            choices.UnitKind.choices,
            aliases={"县": "county", "区": "county", "乡镇": "town", "镇": "town", "街道": "town"},
        ),
        saves_null_values=False,
    )

    class Meta:
        model = Unit
        fields = ["full_name", "kind"]
        import_id_fields = ["full_name"]
        use_bulk = False  # tree nodes: each insert moves the parent's numchild
        skip_diff = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, actor=None, progress=None):
        super().__init__(actor=actor, progress=progress)
        self.units = UnitLookup(actor=actor, create=True)
        self.fields["full_name"] = fields.Field(
            "full_name", UNIT_HEADER, widget=UnitPathKeyWidget(self.units)
        )
        self.declared_kinds: dict[str, str] = {}

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # A parent created for an earlier row takes the kind a later row gives it.
        if KIND_HEADER in dataset.headers:
            for values in dataset.dict:
                try:
                    path = self.fields["full_name"].clean(values)
                    kind = self.fields["kind"].clean(values)
                except ValueError:
                    continue
                if kind:
                    self.declared_kinds.setdefault(path, kind)

    def init_instance(self, row=None):
        try:
            path = self.fields["full_name"].clean(row)
        except (ValueError, KeyError):
            path = ""
        return Unit(kind=default_kind(path))

    def do_instance_save(self, instance, is_create):
        if is_create:
            unit = self.units.find(instance.full_name)
            if unit is None:
                unit = self.units.create(instance.full_name, kinds=self.declared_kinds)
            if unit.kind != instance.kind:  # created earlier as a parent, with a default kind
                unit = services.unit_update(
                    unit=unit, name=unit.name, kind=instance.kind, is_active=unit.is_active
                )
        else:
            unit = services.unit_update(
                unit=instance, name=instance.name, kind=instance.kind, is_active=instance.is_active
            )
        for model_field in Unit._meta.concrete_fields:
            setattr(instance, model_field.attname, getattr(unit, model_field.attname))


def units_xlsx(units) -> bytes:
    """The units (any iterable or queryset) as a unit list that re-imports as unchanged."""
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in choices.UnitKind.choices}
    if hasattr(units, "order_by"):
        units = units.order_by("path")
    rows = ([neutralise(unit.full_name), labels.get(unit.kind, "")] for unit in units)
    return xlsx_bytes(
        title=_("单位"), headers=list(HEADERS), rows=rows, widths={UNIT_HEADER: 36, KIND_HEADER: 16}
    )
