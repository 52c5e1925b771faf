"""Thin HTML views of mentor duties "四个一" (导师履职): the mentor's "我的履职" (each current
pairing with its duties' status), a pairing's duties per period with their records, the
mobile-first record / edit forms, deletion and the scoped attachment download.
Outside scope → 404; missing permission → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import flash_service_errors, form_saved
from core.uploads import file_download
from mentoring.forms_duties import DutyRecordForm
from mentoring.selectors import duties as selectors
from mentoring.services import duties as services


@login_required
@permission_required("mentoring.add_dutyrecord", raise_exception=True)
def my_duties(request):
    today = timezone.localdate()
    rows = selectors.my_duties(request.user, today)
    return render(request, "mentoring/duties/mine.html", {"rows": rows, "today": today})


@login_required
@permission_required("mentoring.view_dutyrecord", raise_exception=True)
def pairing_duties(request, pk: int):
    pairing = get_object_or_404(selectors.pairings_with_duties_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    statuses = selectors.duty_standings([pairing], today, with_records=True)[pairing.pk]
    user = request.user
    staff = services.is_duty_staff(pairing, user)
    may_record = staff or services.is_duty_mentor(pairing, user, today)
    may_delete = user.has_perm("mentoring.delete_dutyrecord")
    context = {
        "pairing": pairing,
        "statuses": statuses,
        "may_record": may_record and user.has_perm("mentoring.add_dutyrecord"),
        "may_change": may_record and user.has_perm("mentoring.change_dutyrecord"),
        "deletable": {
            r.pk
            for s in statuses
            for row in s.periods
            for r in row.records
            if may_delete and services.may_delete(r, user, staff=staff)
        },
    }
    return render(request, "mentoring/duties/pairing.html", context)


@login_required
@permission_required("mentoring.add_dutyrecord", raise_exception=True)
def duty_create(request, pk: int):
    pairing = get_object_or_404(selectors.pairings_with_duties_visible_to(request.user), pk=pk)
    if not services.may_record(pairing, request.user):
        raise PermissionDenied
    initial = {"done_on": timezone.localdate()}
    if request.GET.get("kind") in selectors.duty_kinds():
        initial["kind"] = request.GET["kind"]
    form = DutyRecordForm(request.POST or None, request.FILES or None, initial=initial)

    def save(**fields):
        return services.duty_record(pairing=pairing, actor=request.user, **fields)

    record = form_saved(request, form, save)
    if record is not None:
        messages.success(
            request,
            _("已记录对%(name)s的%(duty)s。")
            % {"name": pairing.cadre.name, "duty": record.get_kind_display()},
        )
        return redirect("pairing_duties", pk=pairing.pk)
    return render(
        request, "mentoring/duties/form.html", {"form": form, "pairing": pairing, "record": None}
    )


@login_required
@permission_required("mentoring.change_dutyrecord", raise_exception=True)
def duty_edit(request, pk: int):
    record = get_object_or_404(selectors.duty_record_list(request.user), pk=pk)
    pairing = record.pairing
    if not services.may_record(pairing, request.user):
        raise PermissionDenied
    initial = {
        "kind": record.kind, "done_on": record.done_on, "title": record.title,
        "summary": record.summary,
    }  # fmt: skip
    form = DutyRecordForm(request.POST or None, request.FILES or None, initial=initial)

    def save(**fields):
        return services.duty_update(record=record, actor=request.user, **fields)

    if form_saved(request, form, save) is not None:
        messages.success(request, _("履职记录已修改。"))
        return redirect("pairing_duties", pk=pairing.pk)
    return render(
        request, "mentoring/duties/form.html", {"form": form, "pairing": pairing, "record": record}
    )


@login_required
@require_POST
@permission_required("mentoring.delete_dutyrecord", raise_exception=True)
def duty_delete(request, pk: int):
    record = get_object_or_404(selectors.duty_record_list(request.user), pk=pk)
    try:
        services.duty_delete(record=record, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("履职记录已删除。"))
    return redirect("pairing_duties", pk=record.pairing_id)


@login_required
@permission_required("mentoring.view_dutyrecord", raise_exception=True)
def duty_attachment(request, pk: int):
    record = get_object_or_404(selectors.duty_records_visible_to(request.user), pk=pk)
    return file_download(record.attachment, filename=f"duty-{record.pk}")
