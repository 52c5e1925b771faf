from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Role groups need the permission rows, which Django creates in post_migrate too.
        post_migrate.connect(_sync_roles, dispatch_uid="core.roles_sync")


def _sync_roles(sender, app_config=None, using="default", **kwargs) -> None:
    if app_config is None or app_config.label != "reports":  # the last of our apps
        return
    from core.roles import roles_sync

    roles_sync(using=using)


class QingmiaoAdminConfig(admin_apps.AdminConfig):
    default = False  # CoreConfig stays this module's default app config
    default_site = "core.admin_site.QingmiaoAdminSite"
