"""Forms of the evaluation pages (多维评价): they parse; the services decide what is valid."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.forms import BootstrapMixin, service_errors_to_form
from core.roles import GROUP_NAMES, Role
from scoring.choices import Dimension, EvaluatorGroup, RoundStatus
from scoring.models import EvaluationRound
from scoring.models.evaluations import (
    SCORE_MAX,
    default_dimension_weights,
    default_group_weights,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEIGHT_MAX = 1000
# Who may fill evaluation forms: every role but a plain cadre account, which never reaches
# the evaluation pages (anonymity toward the cadre).
EVALUATING_ROLES = (Role.ADMIN, Role.STAFF, Role.LEADER, Role.MENTOR, Role.EVALUATOR)


def evaluator_accounts() -> QuerySet:
    """Active accounts that may be assigned as evaluators (they can open their forms)."""
    names = [GROUP_NAMES[r] for r in EVALUATING_ROLES]
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name__in=names), is_active=True
    )
    return users.distinct().order_by("username")


def dimension_field(key: str) -> str:
    return f"dimension_{key}"


def group_field(key: str) -> str:
    return f"group_{key}"


def _weight_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=WEIGHT_MAX)


class RoundForm(BootstrapMixin, forms.ModelForm):
    """A round's settings. The six dimension and four group weights are whole-number fields
    (`dimension_<key>`, `group_<key>`) gathered into the dicts the service takes."""

    # Fixed once the round has opened (the service refuses changes to them).
    FIXED_ONCE_OPEN = ("unit", "cohort", "period_start", "period_end")

    class Meta:
        model = EvaluationRound
        fields = [
            "name", "kind", "unit", "cohort", "period_start", "period_end", "opens_on",
            "closes_on", "trim_extremes", "trim_min_ratings", "points_factor", "points_baseline",
        ]  # fmt: skip
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "opens_on": DATE_INPUT,
            "closes_on": DATE_INPUT,
        }

    def __init__(self, *args, units, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["cohort"].queryset = cohorts.select_related("programme")
        self.fields["points_factor"].widget.attrs.update(min=0, step="0.001")
        self.fields["points_baseline"].widget.attrs["step"] = "0.01"
        instance = self.instance
        dimension_weights = (
            instance.dimension_weights if instance.pk else default_dimension_weights()
        )
        group_weights = instance.group_weights if instance.pk else default_group_weights()
        for d in Dimension:
            self.fields[dimension_field(d.value)].initial = dimension_weights.get(d.value, 0)
        for g in EvaluatorGroup:
            self.fields[group_field(g.value)].initial = group_weights.get(g.value, 0)
        if instance.pk and instance.status != RoundStatus.DRAFT:
            for name in self.FIXED_ONCE_OPEN:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("评价已开始，不能再修改。")
        # Errors of a whole weight set (e.g. all zero), shown beside that set.
        self.weight_errors: dict[str, list[str]] = {}

    def _post_clean(self):
        # No model.full_clean(): the service validates the whole round.
        pass

    def setting_fields(self):
        return [self[name] for name in self.Meta.fields]

    def dimension_fields(self):
        return [self[dimension_field(d.value)] for d in Dimension]

    def group_fields(self):
        return [self[group_field(g.value)] for g in EvaluatorGroup]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["dimension_weights"] = {d.value: data[dimension_field(d.value)] for d in Dimension}
        fields["group_weights"] = {g.value: data[group_field(g.value)] for g in EvaluatorGroup}
        return fields

    def add_service_errors(self, exc) -> None:
        """A weight set's errors go to its box; the others beside their fields."""
        weights = ("dimension_weights", "group_weights")
        if hasattr(exc, "error_dict"):
            for field in weights:
                if field in exc.error_dict:
                    self.weight_errors.setdefault(field, []).extend(exc.message_dict[field])
            exc = ValidationError({k: v for k, v in exc.error_dict.items() if k not in weights})
        service_errors_to_form(self, exc)


RoundForm.base_fields.update(
    {dimension_field(d.value): _weight_field(d.label) for d in Dimension}
    | {group_field(g.value): _weight_field(g.label) for g in EvaluatorGroup}
)


def _account_label(user) -> str:
    return str(user)  # 姓名（账号）, surname first


class AssignForm(BootstrapMixin, forms.Form):
    """Evaluators × cadres in one group; `everyone` stands for the round's whole population."""

    everyone = forms.BooleanField(label=_("本轮全部评价对象"), required=False)
    cadres = forms.ModelMultipleChoiceField(
        label=_("被评价干部"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("未勾选“本轮全部评价对象”时从中选择，可按住Ctrl或Shift多选。"),
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("评价人"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("可按住Ctrl或Shift多选。"),
    )
    group = forms.ChoiceField(label=_("评价人类别"), choices=EvaluatorGroup.choices)

    def __init__(self, *args, cadres, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres.select_related("unit").order_by("name_pinyin", "pk")
        self.fields["cadres"].label_from_instance = lambda c: f"{c.name}（{c.unit.full_name}）"
        self.fields["evaluators"].queryset = evaluators
        self.fields["evaluators"].label_from_instance = _account_label
        for name in ("cadres", "evaluators"):
            self.fields[name].widget.attrs["size"] = 8


def _score_field(dimension: Dimension) -> forms.IntegerField:
    # Evaluated per request, in the user's language.
    invalid = lazy(
        lambda: (
            gettext("“%(label)s”请填写0到%(max)s的整数。")
            % {"label": dimension.label, "max": SCORE_MAX}
        ),
        str,
    )()
    required = lazy(lambda: gettext("请为“%(label)s”打分。") % {"label": dimension.label}, str)()
    return forms.IntegerField(
        label=dimension.label,
        min_value=0,
        max_value=SCORE_MAX,
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": invalid,
            "max_value": invalid,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )


class EvaluationForm(BootstrapMixin, forms.Form):
    """One evaluator's form: a whole score from 0 to 100 on each of the six dimensions."""

    comment = forms.CharField(
        label=_("评语（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def score_fields(self):
        return [self[d.value] for d in Dimension]

    def scores(self) -> dict[str, int]:
        return {d.value: self.cleaned_data[d.value] for d in Dimension}


# The scores come first, then the comment.
EvaluationForm.base_fields = {
    **{d.value: _score_field(d) for d in Dimension},
    **EvaluationForm.base_fields,
}
