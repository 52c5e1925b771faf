"""The notifications page (站内通知): the user's own notifications only, paginated; opening one
marks it read and follows its link; one button marks all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import notifications
from core.paging import paginate


@login_required
def notification_list(request):
    rows = notifications.notifications_of(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page, querystring = paginate(request, rows)
    return render(
        request,
        "core/notifications.html",
        {"page": page, "querystring": querystring, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read, then go to its link (a local path only) or back to the list."""
    notification = get_object_or_404(notifications.notifications_of(request.user), pk=pk)
    notifications.mark_read(notification=notification, actor=request.user)
    target = notification.url if request.POST.get("follow") else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return redirect("notification_list")
