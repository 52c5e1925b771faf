from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.roles import is_admin


class QingmiaoAdminSite(admin.AdminSite):
    """The back office, for administrators only. The Django staff flag alone is not enough:
    the admin is not scoped, so a unit's staff member given the flag would see every town."""

    site_header = _("青苗 系统管理")
    site_title = _("青苗 系统管理")
    index_title = _("系统管理")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and is_admin(user)
