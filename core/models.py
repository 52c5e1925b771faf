from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """An account. Staff and leaders are attached to a unit and see its whole subtree."""

    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("组织部门工作人员和领导小组成员可查看该单位及其下级单位的干部。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return f"{full}（{self.username}）" if full else self.username


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    import uuid

    # Random names: uploads are reachable only through the job's page, never by guessing.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):  # Excel 导入任务
    """One uploaded workbook on its way through preview and confirmation.

    Small files run inline; large ones run as Celery tasks that update `done`/`total`.
    The file is deleted once it cannot be confirmed any more (done, failed or invalid).
    """

    class Kind(models.TextChoices):
        CADRES = "cadres", _("干部花名册")
        UNITS = "units", _("单位")
        MENTORS = "mentors", _("导师库")

    class Status(models.TextChoices):
        PREVIEW_QUEUED = "preview_queued", _("等待预检")
        PREVIEWING = "previewing", _("正在预检")
        PREVIEWED = "previewed", _("预检完成")
        IMPORT_QUEUED = "import_queued", _("等待导入")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("导入完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PREVIEW_QUEUED
    )
    file = models.FileField(_("文件"), upload_to=import_upload_to, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    create_units = models.BooleanField(_("自动创建不存在的单位"), default=False)
    # Messages in the report are written in the uploader's language, also by a worker.
    language = models.CharField(_("语言"), max_length=10, blank=True, default="")
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    report = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    uploaded_by = models.ForeignKey(
        "core.User",
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def running(self) -> bool:
        return self.status in (
            self.Status.PREVIEW_QUEUED,
            self.Status.PREVIEWING,
            self.Status.IMPORT_QUEUED,
            self.Status.IMPORTING,
        )


class Notification(models.Model):  # 站内通知
    """One message to one user, e.g. a reminder that a monthly report is overdue.

    `key` names what the message is about, e.g.
    `training.monthlyreport:<posting>:<yyyy-mm>:overdue`: unique per user, so a reminder job
    run twice (or re-delivered) never sends the same message twice."""

    class Level(models.TextChoices):
        INFO = "info", _("提示")
        WARNING = "warning", _("警示")

    user = models.ForeignKey(
        "core.User",
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("标识"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, default=Level.INFO)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key_unique")
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
        ]

    def __str__(self) -> str:
        return self.title
