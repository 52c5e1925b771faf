"""Forms of written output (信息宣传): they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin, ServiceModelForm
from training.choices import AdoptionLevel, Review, WritingKind
from training.forms import DATE_INPUT
from training.models import Writing
from training.services.writing import WRITING_FIELDS

# 未采用 is stored as "", which a filter's "全部" also uses: the filter says "none".
NOT_ADOPTED = "none"


class WritingForm(ServiceModelForm):
    """Submit or change a piece. `cadres` are those the user may submit for; with only their
    own profile the field is hidden and fixed."""

    service_field_names = WRITING_FIELDS  # the cadre and the file are passed apart

    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、JPEG或PNG，不超过10 MB；填写了采用层级的必须上传。"),
    )

    class Meta:
        model = Writing
        fields = ["cadre", *WRITING_FIELDS]
        widgets = {"published_on": DATE_INPUT}

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["level"].required = False
        if self.instance.pk or len(cadres[:2]) == 1:
            # A piece keeps its cadre; a cadre submits only their own.
            self.fields["cadre"].widget = forms.HiddenInput()
            if not self.instance.pk:
                self.initial["cadre"] = cadres[0].pk
            self.fields["cadre"].disabled = bool(self.instance.pk)
        for name in ("title", "outlet"):
            self.fields[name].required = False  # the service names what is missing


class WritingFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *WritingKind.choices]
    )
    level = forms.ChoiceField(
        label=_("采用层级"),
        required=False,
        choices=[
            ("", _("全部")),
            *[(c.value or NOT_ADOPTED, c.label) for c in AdoptionLevel],
        ],
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Review.choices]
    )
    unit = forms.ModelChoiceField(label=_("单位（含下级）"), required=False, queryset=None)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("干部"), required=False, max_length=40)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["q"].widget.attrs["placeholder"] = _("姓名 / 拼音 / 首字母")

    def filter(self, writings, *, user):
        from cadres.selectors import cadre_search_q

        if not self.is_valid():
            return writings.none()
        data = self.cleaned_data
        if data["kind"]:
            writings = writings.filter(kind=data["kind"])
        if data["level"]:
            writings = writings.filter(level="" if data["level"] == NOT_ADOPTED else data["level"])
        if data["status"]:
            writings = writings.filter(status=data["status"])
        if data["unit"]:
            writings = writings.filter(data["unit"].subtree_q("cadre__unit__"))
        if data["year"]:
            writings = writings.filter(published_on__year=data["year"])
        if data["q"].strip():
            from cadres.models import Cadre

            writings = writings.filter(
                cadre__in=Cadre.objects.filter(cadre_search_q(data["q"], user=user))
            )
        return writings


class VerifyForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("认定采用层级"), required=False, choices=AdoptionLevel.choices
    )
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=300)


class ReturnForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("退回意见"), required=False, max_length=300)
