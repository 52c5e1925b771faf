"""Roles (角色) are Django groups with a fixed set of permissions.

The groups are (re)synchronised after every `migrate`, so a fresh database has them and a
changed permission list reaches existing installations. Code checks roles through
`roles_of(user)`, which costs one query per request and is cached on the user object.
"""

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    STAFF = "staff", _("组织部门工作人员")
    LEADER = "leader", _("领导小组")
    MENTOR = "mentor", _("导师")
    EVALUATOR = "evaluator", _("评价人")
    CADRE = "cadre", _("干部")


# Training records the staff manage and everyone else with a cadre scope reads.
_TRAINING_MANAGED = (
    "activity",
    "participant",
    "forum",
    "taskforce",
    "posting",
    "researchtopic",
    "defense",
    "collectiveactivity",
    "budget",
    "spending",
)
_TRAINING_SEEN = (
    "activity",
    "participant",
    "tripreport",
    "forum",
    "taskforce",
    "posting",
    "monthlyreport",
    "researchtopic",
    "writing",
    "collectiveactivity",
)

# Guidance logs (帮带记录): mentors write them for their mentees; the cadre answers (a
# service checks that it is their own log); staff and leaders read their subtree's.
_GUIDANCE_WRITE = [f"mentoring.{a}_guidancelog" for a in ("view", "add", "change", "delete")]
_GUIDANCE_READ = ["mentoring.view_guidancelog"]
# Mentor duties (导师履职): mentors record them for their pairings, staff may record and
# correct for their subtree's; leaders and the cadre read them.
_DUTY_WRITE = [f"mentoring.{a}_dutyrecord" for a in ("view", "add", "change", "delete")]
_DUTY_READ = ["mentoring.view_dutyrecord"]

_VIEW_PROGRAMME = ["cadres.view_programme", "cadres.view_cohort", "cadres.view_enrolment"]
_CADRE_DATA = [
    "cadres.%s_cadre",
    "cadres.%s_positionrecord",
    "cadres.%s_rewardsanction",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: [
        *(p % a for p in _CADRE_DATA for a in ("view", "add", "change")),
        "cadres.view_unit",
        "cadres.add_unit",
        "cadres.change_unit",
        *(
            f"cadres.{a}_{m}"
            for m in ("programme", "cohort", "enrolment", "eligibilityrule")
            for a in ("view", "add", "change")
        ),
        "cadres.view_id_number",
        "cadres.export_cadre",
        "cadres.view_cadre_history",
        "mentoring.view_mentor",
        "mentoring.add_mentor",
        "mentoring.change_mentor",
        "mentoring.view_pairing",
        "mentoring.add_pairing",
        "mentoring.change_pairing",
        *_GUIDANCE_READ,
        *_DUTY_WRITE,
        *(f"mentoring.{a}_talk" for a in ("view", "add", "change")),
        "mentoring.view_talk_note",
        # Self-reports (issue 6): staff read and review those of their scope.
        "mentoring.view_selfreport",
        "mentoring.change_selfreport",
        "scoring.view_pointrule",
        "scoring.add_pointrule",
        "scoring.change_pointrule",
        "scoring.view_pointentry",
        "scoring.add_pointentry",
        "scoring.view_declaration",
        "scoring.change_declaration",
        *(f"scoring.{a}_evaluationround" for a in ("view", "add", "change")),
        "scoring.view_evaluationresult",
        *(f"scoring.{a}_scoringperiod" for a in ("view", "add", "change")),
        "scoring.view_periodstanding",
        "scoring.view_objection",
        "scoring.change_objection",
        "scoring.view_followup",
        "scoring.change_followup",
        *(f"training.{a}_{m}" for m in _TRAINING_MANAGED for a in ("view", "add", "change")),
        "training.view_tripreport",
        "training.view_monthlyreport",
        "training.change_monthlyreport",
        "training.view_writing",
        "training.change_writing",
        # Quarterly reports (issue 7): staff request and regenerate those of their scope.
        *(f"reports.{a}_quarterlyreport" for a in ("view", "add", "change")),
    ],
    Role.LEADER: [
        *(p % "view" for p in _CADRE_DATA),
        "cadres.view_unit",
        *_VIEW_PROGRAMME,
        "cadres.export_cadre",
        "mentoring.view_mentor",
        "mentoring.view_pairing",
        *_GUIDANCE_READ,
        *_DUTY_READ,
        "mentoring.view_talk",
        "mentoring.view_selfreport",
        "scoring.view_pointrule",
        "scoring.view_pointentry",
        "scoring.view_evaluationround",
        "scoring.view_evaluationresult",
        "scoring.view_scoringperiod",
        "scoring.view_periodstanding",
        "scoring.view_objection",
        "scoring.view_followup",
        *(f"training.view_{m}" for m in (*_TRAINING_SEEN, "defense", "budget", "spending")),
        # Quarterly reports (issue 7): leaders read them.
        "reports.view_quarterlyreport",
    ],
    Role.MENTOR: [
        *(p % "view" for p in _CADRE_DATA),
        *_GUIDANCE_WRITE,
        *_DUTY_WRITE,
        *_VIEW_PROGRAMME,
        *(f"mentoring.{a}_talk" for a in ("view", "add", "change")),
        "scoring.view_pointrule",
        "scoring.view_pointentry",
        "scoring.view_evaluationresult",
        *(f"training.view_{m}" for m in _TRAINING_SEEN),
        # Pairings (issue 6): a mentor sees their own profile and pairings.
        "mentoring.view_mentor",
        "mentoring.view_pairing",
        # Self-reports (issue 6): a mentor reads and reviews their mentees'.
        "mentoring.view_selfreport",
        "mentoring.change_selfreport",
    ],
    Role.EVALUATOR: [],
    Role.CADRE: [
        *(p % "view" for p in _CADRE_DATA),
        *_GUIDANCE_READ,
        *_DUTY_READ,
        *_VIEW_PROGRAMME,
        "mentoring.view_talk",
        "scoring.view_pointrule",
        "scoring.view_pointentry",
        "scoring.view_declaration",
        "scoring.add_declaration",
        "scoring.view_evaluationresult",
        "scoring.view_scoringperiod",
        "scoring.view_periodstanding",
        "scoring.view_objection",
        "scoring.add_objection",
        *(f"training.view_{m}" for m in _TRAINING_SEEN),
        "training.add_tripreport",
        "training.add_monthlyreport",
        "training.add_writing",
        # Pairings (issue 6): a cadre sees their own pairings and mentors.
        "mentoring.view_mentor",
        "mentoring.view_pairing",
        # Self-reports (issue 6): a cadre files and reads their own.
        "mentoring.view_selfreport",
        "mentoring.add_selfreport",
    ],
}
# Administrators get every permission of the product's apps and of accounts.
ADMIN_APPS = ("core", "cadres", "mentoring", "training", "scoring", "reports", "auth", "authtoken")


# Group names are what administrators see in the admin; they stay Chinese in every language.
GROUP_NAMES: dict[str, str] = {
    Role.ADMIN: "系统管理员",
    Role.STAFF: "组织部门工作人员",
    Role.LEADER: "领导小组",
    Role.MENTOR: "导师",
    Role.EVALUATOR: "评价人",
    Role.CADRE: "干部",
}
_ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}


def role_group(role: str) -> Group:
    return Group.objects.get(name=GROUP_NAMES[role])


def roles_sync(using: str = "default") -> None:
    """Create the role groups and set their permissions exactly (idempotent)."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAMES[role])
        if role == Role.ADMIN:
            wanted = [p for key, p in perms.items() if key.split(".")[0] in ADMIN_APPS]
        else:
            wanted = [perms[key] for key in ROLE_PERMISSIONS[role] if key in perms]
        group.permissions.set(wanted)


def roles_of(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_qingmiao_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(_ROLE_BY_GROUP[n] for n in names if n in _ROLE_BY_GROUP)
        if user.is_superuser:
            cached |= {Role.ADMIN.value}
        user._qingmiao_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def system_reader():
    """An administrator's view for work no person asked for in a request (a command-line
    export, a report built by a task for a scope its request already checked): an unsaved,
    active superuser with the admin role cached, so `roles_of` and `has_perm` need no query.
    No account is used or created."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="system", is_active=True, is_superuser=True)
    user._qingmiao_roles = frozenset({Role.ADMIN.value})
    return user


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def role_labels(user) -> list[str]:
    mine = roles_of(user)
    return [str(role.label) for role in Role if role.value in mine]
