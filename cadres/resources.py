"""django-import-export resources for the cadre roster (干部花名册) and the unit list.

The headers are those of ../shared/roster-template.md (`cadres.roster.COLUMNS`); the same
resources serve the admin, the staff import page, `manage.py import_roster` and the Celery
task, and their checks are the services' checks.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from cadres import choices, services
from cadres.ages import age_on
from cadres.models import Cadre
from cadres.pinyin import pinyin_keys
from cadres.unit_lookup import UnitLookup, UnitPathWidget
from core.history import history_snapshot
from core.import_widgets import (
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    YesNoWidget,
)
from core.importing import RosterResource

IMPORT_REASON = "花名册导入"


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
        self.units = UnitLookup(actor=actor, create=create_units)
        self.fields["unit"] = fields.Field("unit", "单位", widget=UnitPathWidget(self.units))
        self.today = timezone.localdate()

    # --- rows -------------------------------------------------------------------------------

    def row_check(self, instance, row):
        stored_unit = self._snapshot.get("unit")
        if stored_unit is not None and not self.units.in_scope(stored_unit):
            # The ID number belongs to a cadre outside the importer's units: never move them.
            return {"id_number": [_("该身份证号属于您管理范围以外的干部，不能通过导入修改。")]}
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
                created = Cadre.objects.bulk_create(self.create_instances, batch_size=batch_size)
                history_snapshot(
                    model=Cadre,
                    pks=[c.pk for c in created],
                    history_type="+",
                    user=self.actor,
                    reason=IMPORT_REASON,
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
                Cadre.objects.bulk_update(
                    self.update_instances, self.get_bulk_update_fields(), batch_size=batch_size
                )
                history_snapshot(
                    model=Cadre,
                    pks=[c.pk for c in self.update_instances],
                    history_type="~",
                    user=self.actor,
                    reason=IMPORT_REASON,
                )
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()
