"""Thin HTML views: parse, call a selector or service, render. Scoping comes from selectors."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres import selectors, services
from cadres.choices import EnrolmentStatus
from cadres.exports import cadres_xlsx
from cadres.filters import CadreFilter
from cadres.forms import (
    CadreForm,
    CohortForm,
    EligibilityForm,
    EnrolForm,
    EnrolmentEndForm,
    PositionForm,
    ProgrammeForm,
    RewardSanctionForm,
    UnitForm,
)
from core.forms import flash_service_errors, form_saved
from core.import_jobs import import_allowed
from core.roles import is_admin
from core.workbooks import xlsx_response


def _today() -> datetime.date:
    return timezone.localdate()


def _filtered_cadres(request) -> CadreFilter:
    base = selectors.cadre_list(user=request.user).order_by("name_pinyin", "id")
    return CadreFilter(request.GET or None, queryset=base, user=request.user)


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def cadre_list(request):
    cadre_filter = _filtered_cadres(request)
    paginator = Paginator(cadre_filter.qs, settings.QINGMIAO_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": cadre_filter,
        "page": page,
        "querystring": query.urlencode(),
        "can_export": request.user.has_perm("cadres.export_cadre"),
        "can_add": request.user.has_perm("cadres.add_cadre"),
        "can_import": import_allowed(request.user, "cadres"),
        "full_ids": request.user.has_perm("cadres.view_id_number"),
    }
    template = (
        "cadres/_cadre_table.html"
        if request.headers.get("HX-Request")
        else "cadres/cadre_list.html"
    )
    return render(request, template, context)


@login_required
@permission_required("cadres.export_cadre", raise_exception=True)
def cadre_export(request):
    cadre_filter = _filtered_cadres(request)
    content = cadres_xlsx(cadre_filter.qs, full_id=request.user.has_perm("cadres.view_id_number"))
    return xlsx_response(content, f"cadres-{_today():%Y%m%d}.xlsx")


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def cadre_detail(request, pk: int):
    cadre = get_object_or_404(
        selectors.cadres_visible_to(request.user).select_related("unit"), pk=pk
    )
    editable = _editable_units(request.user).filter(pk=cadre.unit_id).exists()
    user = request.user
    context = {
        "cadre": cadre,
        "full_id": selectors.cadre_may_see_full_id(request.user, cadre),
        "position_form": PositionForm(prefix="position")
        if editable and user.has_perm("cadres.add_positionrecord")
        else None,
        "reward_form": RewardSanctionForm(prefix="reward")
        if editable and user.has_perm("cadres.add_rewardsanction")
        else None,
        "positions": cadre.positions.all(),
        "rewards": cadre.rewards_sanctions.all(),
        "enrolments": cadre.enrolments.select_related("cohort__programme").order_by("-joined_on"),
        "can_edit": editable and user.has_perm("cadres.change_cadre"),
        "history": selectors.cadre_history(cadre=cadre)
        if request.user.has_perm("cadres.view_cadre_history")
        else None,
    }
    return render(request, "cadres/cadre_detail.html", context)


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def cadre_photo(request, pk: int):
    cadre = get_object_or_404(selectors.cadres_visible_to(request.user), pk=pk)
    if not cadre.photo:
        raise Http404
    response = FileResponse(cadre.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _save_cadre(request, form: CadreForm, cadre=None):
    """`form_saved` for the cadre form: create a cadre, or update `cadre` (read afresh)."""

    def save(**fields):
        fields = {k: v for k, v in fields.items() if k not in ("birth_date", "gender") or v}
        photo = form.cleaned_data.get("photo_upload")
        if cadre is None:
            return services.cadre_create(actor=request.user, photo=photo, **fields)
        return services.cadre_update(
            cadre=type(cadre).objects.get(pk=cadre.pk),
            actor=request.user,
            reason=form.cleaned_data["change_reason"],
            photo=photo,
            **fields,
        )

    return form_saved(request, form, save, rename={"photo": "photo_upload"})


@login_required
@permission_required("cadres.add_cadre", raise_exception=True)
def cadre_create(request):
    form = CadreForm(
        request.POST or None, request.FILES or None, units=_editable_units(request.user)
    )
    cadre = _save_cadre(request, form)
    if cadre is not None:
        messages.success(request, _("已新增干部档案：%(name)s") % {"name": cadre.name})
        return redirect("cadre_detail", pk=cadre.pk)
    return render(request, "cadres/cadre_form.html", {"form": form, "cadre": None})


@login_required
@permission_required("cadres.change_cadre", raise_exception=True)
def cadre_edit(request, pk: int):
    units = _editable_units(request.user)
    cadre = get_object_or_404(selectors.cadres_visible_to(request.user), pk=pk)
    if not units.filter(pk=cadre.unit_id).exists():
        raise PermissionDenied  # e.g. a mentor who may read but not edit this record
    form = CadreForm(request.POST or None, request.FILES or None, instance=cadre, units=units)
    saved = _save_cadre(request, form, cadre=cadre)
    if saved is not None:
        messages.success(request, _("已保存。"))
        return redirect("cadre_detail", pk=saved.pk)
    return render(request, "cadres/cadre_form.html", {"form": form, "cadre": cadre})


def _editable_units(user):
    return selectors.units_visible_to(user)


def _career_record_add(request, pk: int, form_class, service, prefix: str):
    cadre = get_object_or_404(selectors.cadres_visible_to(request.user), pk=pk)
    if not _editable_units(request.user).filter(pk=cadre.unit_id).exists():
        raise PermissionDenied
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(cadre=cadre, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(request, _("已添加。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}：{message}" if label else message)
    return redirect("cadre_detail", pk=cadre.pk)


@login_required
@require_POST
@permission_required("cadres.add_positionrecord", raise_exception=True)
def position_add(request, pk: int):
    return _career_record_add(request, pk, PositionForm, services.position_add, "position")


@login_required
@require_POST
@permission_required("cadres.add_rewardsanction", raise_exception=True)
def reward_add(request, pk: int):
    return _career_record_add(
        request, pk, RewardSanctionForm, services.reward_sanction_add, "reward"
    )


# --- units -----------------------------------------------------------------------------------


@login_required
@permission_required("cadres.view_unit", raise_exception=True)
def unit_tree(request):
    units = (
        selectors.units_visible_to(request.user)
        .annotate(cadre_count=Count("cadres", filter=Q(cadres__status="active")))
        .order_by("path")
    )
    form = None
    if request.user.has_perm("cadres.add_unit"):
        form = UnitForm(
            request.POST or None,
            units=selectors.units_visible_to(request.user),
            allow_root=is_admin(request.user),
        )
        if request.method == "POST" and form.is_valid():
            try:
                unit = services.unit_create(
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    parent=form.cleaned_data["parent"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已新增单位：%(name)s") % {"name": unit.full_name})
                return redirect("unit_tree")
    elif request.method == "POST":
        raise PermissionDenied
    context = {"units": units, "form": form, "can_import": import_allowed(request.user, "units")}
    return render(request, "cadres/unit_tree.html", context)


@login_required
@permission_required("cadres.export_cadre", raise_exception=True)
def unit_export(request):
    from cadres.unit_resources import units_xlsx

    content = units_xlsx(selectors.units_visible_to(request.user).order_by("path"))
    return xlsx_response(content, f"units-{_today():%Y%m%d}.xlsx")


# --- programmes, cohorts, enrolments ---------------------------------------------------------


@login_required
@permission_required("cadres.view_programme", raise_exception=True)
def programme_list(request):
    programmes = (
        selectors.programmes_visible_to(request.user)
        .select_related("owner_unit")
        .annotate(cohort_count=Count("cohorts", distinct=True))
    )
    form = None
    if request.user.has_perm("cadres.add_programme"):
        form = ProgrammeForm(request.POST or None, units=selectors.units_visible_to(request.user))
        if request.method == "POST" and form.is_valid():
            try:
                programme = services.programme_create(**form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已创建培养计划：%(name)s") % {"name": programme.name})
                return redirect("programme_detail", pk=programme.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "cadres/programme_list.html", {"programmes": programmes, "form": form})


@login_required
@permission_required("cadres.view_programme", raise_exception=True)
def programme_detail(request, pk: int):
    programme = get_object_or_404(
        selectors.programmes_visible_to(request.user).select_related("owner_unit"), pk=pk
    )
    visible = selectors.cadres_visible_to(request.user).values("pk")
    cohorts = programme.cohorts.annotate(
        active=Count(
            "enrolments",
            filter=Q(enrolments__status=EnrolmentStatus.ACTIVE, enrolments__cadre__in=visible),
        )
    )
    managed = selectors.programmes_managed_by(request.user).filter(pk=programme.pk).exists()
    form = None
    if managed and request.user.has_perm("cadres.add_cohort"):
        form = CohortForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cohort = services.cohort_create(programme=programme, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已创建批次：%(name)s") % {"name": cohort.name})
                return redirect("cohort_detail", pk=cohort.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "programme": programme,
        "cohorts": cohorts,
        "rules": programme.eligibility.all(),
        "form": form,
        "rules_form": EligibilityForm(
            rules=dict(programme.eligibility.values_list("category", "max_age"))
        )
        if managed and request.user.has_perm("cadres.change_eligibilityrule")
        else None,
    }
    return render(request, "cadres/programme_detail.html", context)


@login_required
@require_POST
@permission_required("cadres.change_eligibilityrule", raise_exception=True)
def programme_rules(request, pk: int):
    programme = get_object_or_404(selectors.programmes_managed_by(request.user), pk=pk)
    rules = dict(programme.eligibility.values_list("category", "max_age"))
    form = EligibilityForm(request.POST, rules=rules)
    if form.is_valid():
        services.eligibility_rules_set(
            programme=programme, max_ages=form.cleaned_data, actor=request.user
        )
        messages.success(request, _("年龄条件已更新，适用于此后的入选。"))
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label}：{message}")
    return redirect("programme_detail", pk=programme.pk)


@login_required
@permission_required("cadres.view_cohort", raise_exception=True)
def cohort_detail(request, pk: int):
    cohort = get_object_or_404(
        selectors.cohorts_visible_to(request.user).select_related("programme"), pk=pk
    )
    managed = selectors.cohorts_managed_by(request.user).filter(pk=cohort.pk).exists()
    form = None
    if managed and request.user.has_perm("cadres.add_enrolment"):
        enrollable = selectors.serving_cadres_visible_to(request.user)
        form = EnrolForm(request.POST or None, cadres=enrollable, initial={"joined_on": _today()})
        if request.method == "POST" and form.is_valid():
            try:
                enrolment = services.enrolment_create(
                    cohort=cohort, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("%(name)s已加入本批次。") % {"name": enrolment.cadre.name}
                )
                return redirect("cohort_detail", pk=cohort.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "cohort": cohort,
        "today": _today(),
        "members": Paginator(
            selectors.cohort_members(cohort=cohort, user=request.user), settings.QINGMIAO_PAGE_SIZE
        ).get_page(request.GET.get("page")),
        "form": form,
        "end_form": EnrolmentEndForm(initial={"left_on": _today()}),
        "can_end": managed and request.user.has_perm("cadres.change_enrolment"),
    }
    return render(request, "cadres/cohort_detail.html", context)


@login_required
@permission_required("cadres.add_enrolment", raise_exception=True)
def cohort_candidates(request, pk: int):
    """htmx partial: cadres matching the search who could join this cohort."""
    cohort = get_object_or_404(
        selectors.cohorts_managed_by(request.user).select_related("programme"), pk=pk
    )
    rows = selectors.enrolment_candidates(
        cohort=cohort, user=request.user, search=request.GET.get("q", ""), on=_today()
    )
    context = {
        "cohort": cohort,
        "rows": rows,
        "today": _today(),
        "searched": bool(request.GET.get("q")),
    }
    return render(request, "cadres/_enrol_candidates.html", context)


@login_required
@require_POST
@permission_required("cadres.change_enrolment", raise_exception=True)
def enrolment_end(request, pk: int):
    enrolment = get_object_or_404(
        selectors.enrolments_visible_to(request.user).filter(
            cohort__in=selectors.cohorts_managed_by(request.user)
        ),
        pk=pk,
    )
    form = EnrolmentEndForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_end(enrolment=enrolment, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(
                request, _("已更新%(name)s的培养状态。") % {"name": enrolment.cadre.name}
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("cohort_detail", pk=enrolment.cohort_id)
