from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.roles import is_admin


class QingmiaoAdminSite(admin.AdminSite):
    """The back office: for administrators (role or Django staff flag), not for every role."""

    site_header = _("青苗 系统管理")
    site_title = _("青苗 系统管理")
    index_title = _("系统管理")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or is_admin(user))
