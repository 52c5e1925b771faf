"""django-import-export resources for the cadre roster (干部花名册) and the unit list.

The headers are those of ../shared/roster-template.md (`cadres.roster.COLUMNS`); the same
resources serve the admin, the staff import page, `manage.py import_roster` and the Celery
task, and their checks are the services' checks.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadres import choices, services
from cadres.ages import age_on
from cadres.models import Cadre, Unit
from cadres.pinyin import pinyin_keys
from cadres.selectors import units_visible_to
from core.import_widgets import (
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    YesNoWidget,
)
from core.importing import RosterResource
from core.roles import is_admin

IMPORT_REASON = "花名册导入"


class UnitPathWidget(TextWidget):
    """`金城镇/党政办` (or a unit name that is unique) → the Unit.

    Units are looked up in a dictionary loaded once per import. Unknown paths are an error,
    or are created (inside the import's transaction) when the import is told to.
    """

    def __init__(self, resource: "CadreRosterResource"):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        path = "/".join(p.strip() for p in super().clean(value).split("/") if p.strip())
        if not path:
            raise ValueError(_("不能为空。"))
        return self.resource.unit_for(path)

    def render(self, value, obj=None, **kwargs):
        return value.full_name if value else ""


class CadreRosterResource(RosterResource):
    key = "id_number"
    required_headers = (
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "政治面貌",
        "学历",
        "单位",
        "干部类别",
    )

    name = fields.Field("name", "姓名", widget=TextWidget(max_length=30, squeeze=True))
    gender = fields.Field(
        "gender",
        "性别",
        widget=ChoiceWidget(choices.Gender.choices, aliases={"男性": "M", "女性": "F"}),
    )
    ethnicity = fields.Field("ethnicity", "民族", widget=TextWidget(max_length=20, squeeze=True))
    birth_date = fields.Field("birth_date", "出生日期", widget=DateWidget(required=True))
    id_number = fields.Field("id_number", "身份证号", widget=IdNumberWidget())
    political_status = fields.Field(
        "political_status",
        "政治面貌",
        widget=ChoiceWidget(
            choices.PoliticalStatus.choices,
            aliases={"党员": "party_member", "预备党员": "probationary", "团员": "league"},
        ),
    )
    party_join_date = fields.Field("party_join_date", "入党时间", widget=DateWidget())
    education = fields.Field(
        "education",
        "学历",
        widget=ChoiceWidget(
            choices.Education.choices,
            aliases={
                "本科": "bachelor",
                "大专": "junior_college",
                "专科": "junior_college",
                "硕士研究生": "postgraduate",
                "博士研究生": "postgraduate",
                "高中": "high_school",
            },
        ),
    )
    degree = fields.Field(
        "degree", "学位", widget=ChoiceWidget(choices.Degree.choices, required=False)
    )
    school = fields.Field("school", "毕业院校", widget=TextWidget(max_length=100))
    major = fields.Field("major", "专业", widget=TextWidget(max_length=100))
    work_start_date = fields.Field("work_start_date", "参加工作时间", widget=DateWidget())
    position = fields.Field("position", "职务", widget=TextWidget(max_length=100))
    rank = fields.Field("rank", "职级", widget=TextWidget(max_length=30, squeeze=True))
    category = fields.Field(
        "category",
        "干部类别",
        widget=ChoiceWidget(
            choices.CadreCategory.choices,
            aliases={"村(社区)": "village", "村": "village", "社区": "village"},
        ),
    )
    phone = fields.Field("phone", "手机号码", widget=PhoneWidget())
    is_reserve = fields.Field("is_reserve", "是否后备干部", widget=YesNoWidget())

    class Meta:
        model = Cadre
        import_id_fields = ["id_number"]
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "political_status",
            "party_join_date", "education", "degree", "school", "major", "work_start_date",
            "unit", "position", "rank", "category", "phone", "is_reserve",
        ]  # fmt: skip
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, actor=None, create_units: bool = False, progress=None):
        super().__init__(actor=actor, progress=progress)
        self.create_units = create_units
        self.fields["unit"] = fields.Field("unit", "单位", widget=UnitPathWidget(self))
        self._units: dict[str, Unit] | None = None
        self._leaf_names: dict[str, list[Unit]] = {}
        self._allowed_ids: set[int] | None = None
        self.today = timezone.localdate()

    # --- units ------------------------------------------------------------------------------

    def _load_units(self) -> None:
        self._units = {u.full_name: u for u in Unit.objects.all()}
        for unit in self._units.values():
            self._leaf_names.setdefault(unit.name, []).append(unit)
        if self.actor is not None and not is_admin(self.actor):
            self._allowed_ids = set(units_visible_to(self.actor).values_list("pk", flat=True))

    def unit_for(self, path: str) -> Unit:
        if self._units is None:
            self._load_units()
        unit = self._units.get(path)
        if unit is None and "/" not in path:
            same_name = self._leaf_names.get(path, [])
            if len(same_name) == 1:
                unit = same_name[0]
            elif len(same_name) > 1:
                raise ValueError(
                    _("有多个单位名为“%(p)s”，请填写完整路径（如“金城镇/%(p)s”）。") % {"p": path}
                )
        if unit is None:
            if not self.create_units:
                raise ValueError(
                    _("单位“%(p)s”不存在（可先导入单位，或选择自动创建单位）。") % {"p": path}
                )
            unit = self._unit_create(path)
        if self._allowed_ids is not None and unit.pk not in self._allowed_ids:
            raise ValueError(_("单位“%(p)s”不在您管理的范围内。") % {"p": unit.full_name})
        return unit

    def _unit_create(self, path: str) -> Unit:
        if self._allowed_ids is not None:
            # Staff may create units only below a unit they manage.
            parent_path = path.rsplit("/", 1)[0] if "/" in path else ""
            parent = self._units.get(parent_path)
            if parent is None or parent.pk not in self._allowed_ids:
                raise ValueError(_("单位“%(p)s”不在您管理的范围内。") % {"p": path})
        try:
            unit = services.unit_get_or_create_path(path=path)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None
        for created in Unit.objects.filter(full_name__in=_prefixes(path)):
            self._units[created.full_name] = created
            if self._allowed_ids is not None:
                self._allowed_ids.add(created.pk)
        return unit

    # --- rows -------------------------------------------------------------------------------

    def row_check(self, instance, row):
        # getattr with a default: a unit the widget refused is simply missing here.
        values = {a: getattr(instance, a, None) for a in services.CADRE_FIELDS if a != "user"}
        try:
            cleaned = services.cadre_fields_clean(values)
        except ValidationError as exc:
            return exc.message_dict
        instance.name = cleaned["name"]
        instance.phone = cleaned["phone"]
        return {}

    def row_warnings(self, instance, row):
        max_age = services.DEFAULT_MAX_AGES.get(instance.category)
        if instance.birth_date and max_age is not None:
            age = age_on(instance.birth_date, self.today)
            if age > max_age:
                return [
                    (
                        "birth_date",
                        _(
                            "%(age)d周岁，超过“%(category)s”类培养对象的默认年龄上限%(max)d周岁（仍会导入）。"
                        )
                        % {"age": age, "category": instance.get_category_display(), "max": max_age},
                    )
                ]
        return []

    def existing_for(self, keys):
        return Cadre.objects.filter(id_number__in=keys).select_related("unit")

    def before_save_instance(self, instance, row, **kwargs):
        instance.name_pinyin, instance.name_initials = pinyin_keys(instance.name)

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "name_pinyin", "name_initials", "updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_with_history(
                    self.create_instances,
                    Cadre,
                    batch_size=batch_size,
                    default_user=self.actor,
                    default_change_reason=IMPORT_REASON,
                )
            except Exception as exc:  # reported as a file error; the transaction rolls back
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            now = timezone.now()
            for instance in self.update_instances:
                instance.updated_at = now
            try:
                bulk_update_with_history(
                    self.update_instances,
                    Cadre,
                    self.get_bulk_update_fields(),
                    batch_size=batch_size,
                    default_user=self.actor,
                    default_change_reason=IMPORT_REASON,
                )
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
