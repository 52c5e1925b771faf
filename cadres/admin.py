"""The back office. Every write goes through the same services as the pages and the API, so
a profile added here gets its pinyin keys, checked ID number and history like any other."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from cadres import services
from cadres.models import (
    Cadre,
    Cohort,
    EligibilityRule,
    Enrolment,
    PositionRecord,
    Programme,
    RewardSanction,
    Unit,
)
from cadres.resources import CadreRosterResource
from core.workbooks import NumberedXLSX


class UnitAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.all(), required=False
    )

    class Meta:
        model = Unit
        fields = ["name", "kind", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving a unit would re-scope every cadre below it: not a back-office click.
            del self.fields["parent"]

    def _post_clean(self):
        pass


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["full_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "full_name"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.unit_update(
                unit=obj, name=data["name"], kind=data["kind"], is_active=data["is_active"]
            )
        else:
            saved = services.unit_create(
                name=data["name"], kind=data["kind"], parent=data["parent"]
            )
        obj.__dict__.update(saved.__dict__)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return _with_service_check(form, _unit_check)


def _unit_check(form) -> None:
    if form.instance.pk:
        parent_full_name = services.unit_parent_full_name(form.instance)
    else:
        parent = form.cleaned_data.get("parent")
        parent_full_name = parent.full_name if parent else ""
    services.unit_name_check(
        name=form.cleaned_data.get("name") or "",
        parent_full_name=parent_full_name,
        exclude_pk=form.instance.pk,
    )


class PositionInline(admin.TabularInline):
    model = PositionRecord
    extra = 0


class RewardInline(admin.TabularInline):
    model = RewardSanction
    extra = 0


def _with_service_check(form_class, check):
    """Run `check(form)` in the form's clean, turning its ValidationError into field errors."""

    class Checked(form_class):
        def clean(self):
            cleaned = super().clean()
            if not self.errors:
                try:
                    check(self)
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
            return cleaned

    Checked.__name__ = form_class.__name__
    return Checked


def _cadre_check(form) -> None:
    fields = {f: form.cleaned_data.get(f) for f in services.CADRE_FIELDS if f in form.cleaned_data}
    services.cadre_check(fields, exclude_pk=form.instance.pk)


@admin.register(Cadre)
class CadreAdmin(ImportMixin, SimpleHistoryAdmin):
    # The roster import of the staff page and the CLI, offered in the back office too.
    resource_classes = [CadreRosterResource]
    import_formats = [NumberedXLSX]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing at the confirm step too, as on the staff page and the CLI.
        return {
            **super().get_import_data_kwargs(**kwargs),
            "use_transactions": True,
            "rollback_on_validation_errors": True,
        }

    list_display = ["name", "gender", "birth_date", "unit", "category", "is_reserve", "status"]

    list_filter = [
        "category",
        "status",
        "political_status",
        "education",
        "is_reserve",
        "in_talent_pool",
    ]
    search_fields = ["name", "name_pinyin", "name_initials", "id_number", "unit__full_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "user"]
    readonly_fields = ["name_pinyin", "name_initials", "photo", "created_at", "updated_at"]
    inlines = [PositionInline, RewardInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return _with_service_check(form, _cadre_check)

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in services.CADRE_FIELDS if f in form.cleaned_data}
        if change:
            saved = services.cadre_update(cadre=obj, actor=request.user, **fields)
        else:
            saved = services.cadre_create(actor=request.user, **fields)
        # The inlines are saved against `obj`: make it the stored row.
        obj.__dict__.update(saved.__dict__)


@admin.register(PositionRecord)
class PositionRecordAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "unit_name", "position", "start_date", "end_date", "is_promotion"]
    list_filter = ["is_promotion"]
    search_fields = ["cadre__name", "unit_name", "position"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]


@admin.register(RewardSanction)
class RewardSanctionAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "kind", "title", "level", "date"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "title"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]


class EligibilityInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_unit", "start_date", "end_date"]
    search_fields = ["name"]
    list_filter = ["start_date"]
    inlines = [EligibilityInline]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "category", "max_age"]
    list_filter = ["category"]
    search_fields = ["programme__name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "start_date", "end_date"]
    list_filter = ["programme"]
    search_fields = ["name", "programme__name"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Read-only here: enrolment checks eligibility and records exceptions (cohort page/API)."""

    list_display = ["cadre", "cohort", "joined_on", "left_on", "status", "age_at_enrolment"]
    list_filter = ["status", "cohort"]
    search_fields = ["cadre__name", "cadre__name_pinyin"]
    list_select_related = ["cadre", "cohort__programme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
