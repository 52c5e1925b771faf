from django import forms
from django.utils.translation import gettext_lazy as _

from cadres import choices
from cadres.models import Cadre, Cohort, PositionRecord, Programme, RewardSanction, Unit
from core.forms import BootstrapMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CadreForm(BootstrapMixin, forms.ModelForm):
    """Parses the profile form; the service does the cross-field checks."""

    photo_upload = forms.FileField(
        label=_("照片"), required=False, help_text=_("JPEG或PNG，2 MB以内")
    )
    change_reason = forms.CharField(label=_("变更说明"), required=False, max_length=100)

    class Meta:
        model = Cadre
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "political_status",
            "party_join_date", "education", "degree", "school", "elite_university", "major",
            "work_start_date", "unit", "position", "rank", "category", "phone", "is_reserve",
            "in_talent_pool", "status",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE_INPUT,
            "party_join_date": DATE_INPUT,
            "work_start_date": DATE_INPUT,
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("可留空，将按身份证号自动填写。")
        self.fields["gender"].required = False
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"

    def validate_unique(self):
        """Uniqueness is the service's job (it names the field in the user's language)."""

    def _post_clean(self):
        # Skip ModelForm's model.full_clean(): the service validates the complete object.
        pass

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    framework = forms.MultipleChoiceField(
        label=_("培养框架"),
        choices=choices.Framework.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=choices.Framework.values,
    )

    class Meta:
        model = Programme
        fields = ["name", "owner_unit", "start_date", "end_date", "framework", "description"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units

    def _post_clean(self):
        pass


class CohortForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def _post_clean(self):
        pass


class EnrolForm(BootstrapMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("干部"), queryset=Cadre.objects.none())
    joined_on = forms.DateField(label=_("加入日期"), widget=DATE_INPUT)
    exception_reason = forms.CharField(
        label=_("破格理由"),
        required=False,
        max_length=300,
        help_text=_("不符合年龄条件仍入选时必须填写。"),
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        # Chosen from the search results on the cohort page, so a 10,000-row select is never sent.
        self.fields["cadre"].queryset = cadres
        self.fields["cadre"].widget = forms.HiddenInput()


class EnrolmentEndForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("结束方式"),
        choices=[
            (c.value, c.label)
            for c in choices.EnrolmentStatus
            if c != choices.EnrolmentStatus.ACTIVE
        ],
    )
    left_on = forms.DateField(label=_("离开日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("原因"), required=False, max_length=300)


class UnitForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=choices.UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, units, allow_root: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units
        self.fields["parent"].required = not allow_root


class PositionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PositionRecord
        fields = ["unit_name", "position", "rank", "start_date", "end_date", "is_promotion", "note"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def _post_clean(self):
        pass


class RewardSanctionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RewardSanction
        fields = ["kind", "title", "level", "issuer", "date", "note"]
        widgets = {"date": DATE_INPUT}

    def _post_clean(self):
        pass


class EligibilityForm(BootstrapMixin, forms.Form):
    """One maximum age (full years at enrolment) per cadre category."""

    def __init__(self, *args, rules: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for category in choices.CadreCategory:
            self.fields[category.value] = forms.IntegerField(
                label=category.label,
                min_value=16,
                max_value=70,
                initial=rules.get(category.value),
                required=False,
                help_text=_("留空表示不限年龄"),
            )
