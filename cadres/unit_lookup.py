"""Unit paths (`金城镇/党政办`) → Units, for one import (cadre, unit and mentor rosters).

All units are loaded once per import (one query, plus one for the staff scope), so rows cost
no queries. Staff (not administrators) may only use units in `units_visible_to(actor)` and
may only create units below one of them. Units are created through the services, inside the
import's transaction, parents first.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadres import choices, services
from cadres.models import Unit
from cadres.selectors import units_visible_to
from core.import_widgets import TextWidget, text
from core.roles import is_admin

NAME_MAX = Unit._meta.get_field("name").max_length
FULL_NAME_MAX = Unit._meta.get_field("full_name").max_length


def path_normalise(value) -> str:
    """` 金城镇 ／ 党政办 ` → `金城镇/党政办` (full-width slash and spaces folded)."""
    return "/".join(p.strip() for p in text(value).split("/") if p.strip())


def path_prefixes(path: str) -> list[str]:
    """`a/b/c` → [`a`, `a/b`, `a/b/c`]."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def default_kind(path: str) -> str:
    """What `unit_get_or_create_path` gives: roots are towns, the rest offices."""
    return choices.UnitKind.OFFICE if "/" in path else choices.UnitKind.TOWN


class UnitLookup:
    """The units of one import. Not thread-safe; make one per import."""

    def __init__(self, *, actor=None, create: bool = False):
        self.actor = actor
        self.create_missing = create
        self._units: dict[str, Unit] | None = None
        self._by_name: dict[str, list[Unit]] = {}
        self._allowed_ids: set[int] | None = None
        self.created: set[str] = set()

    # --- loading and scope -----------------------------------------------------------------

    def _load(self) -> dict[str, Unit]:
        if self._units is None:
            self._units = {u.full_name: u for u in Unit.objects.all()}
            if self.actor is not None and not is_admin(self.actor):
                self._allowed_ids = set(units_visible_to(self.actor).values_list("pk", flat=True))
            # Bare names resolve among the units the importer may use only, so an answer
            # never reveals a unit outside their subtree.
            for unit in self._units.values():
                if self._allowed_ids is None or unit.pk in self._allowed_ids:
                    self._by_name.setdefault(unit.name, []).append(unit)
        return self._units

    def find(self, path: str) -> Unit | None:
        """The unit with exactly this full path, if it exists (or was created by this import)."""
        return self._load().get(path)

    def in_scope(self, unit: Unit) -> bool:
        self._load()
        return self._allowed_ids is None or unit.pk in self._allowed_ids

    def may_create(self, path: str) -> bool:
        """Administrators may create anywhere; staff only below a unit they manage (the
        nearest existing ancestor decides)."""
        self._load()
        if self._allowed_ids is None:
            return True
        for prefix in reversed(path_prefixes(path)[:-1]):
            ancestor = self._units.get(prefix)
            if ancestor is not None:
                return ancestor.pk in self._allowed_ids
        return False

    # --- checks that raise ValueError for the import widgets ----------------------------------

    @staticmethod
    def path_check(path: str) -> None:
        if not path:
            raise ValueError(_("不能为空。"))
        for part in path.split("/"):
            if len(part) > NAME_MAX:
                raise ValueError(
                    _("单位名称“%(name)s”超过%(n)d个字。") % {"name": part, "n": NAME_MAX}
                )
        if len(path) > FULL_NAME_MAX:
            raise ValueError(_("单位全称超过%(n)d个字。") % {"n": FULL_NAME_MAX})

    def scope_check(self, path: str) -> None:
        """Refuse a path the actor may neither use (existing) nor create (new)."""
        unit = self.find(path)
        allowed = self.in_scope(unit) if unit is not None else self.may_create(path)
        if not allowed:
            raise ValueError(_("单位“%(p)s”不在您管理的范围内。") % {"p": path})

    def unit_for(self, path: str) -> Unit:
        """A roster's unit cell: a full path, or a unit name that is unique. Unknown units
        are an error, or are created when the lookup was made with `create=True`. For staff
        a unit outside their subtree is treated exactly like a unit that does not exist."""
        unit = self.find(path)
        if unit is not None and not self.in_scope(unit):
            unit = None
        if unit is None and "/" not in path:
            same_name = self._by_name.get(path, [])
            if len(same_name) == 1:
                unit = same_name[0]
            elif len(same_name) > 1:
                raise ValueError(
                    _("有多个单位名为“%(p)s”，请填写完整路径（如“金城镇/%(p)s”）。") % {"p": path}
                )
        if unit is not None:
            return unit
        if not self.create_missing:
            if self._allowed_ids is not None:
                raise ValueError(
                    _("单位“%(p)s”不存在或不在您管理的范围内（可先导入单位，或选择自动创建单位）。")
                    % {"p": path}
                )
            raise ValueError(
                _("单位“%(p)s”不存在（可先导入单位，或选择自动创建单位）。") % {"p": path}
            )
        self.path_check(path)
        self.scope_check(path)
        return self.create(path)

    # --- writing ----------------------------------------------------------------------------

    def create(self, path: str, *, kinds: Mapping[str, str] | None = None) -> Unit:
        """Create `path` and any missing ancestor through `services.unit_create`, parents
        first. `kinds` gives the kind of a path (e.g. declared by another row of the same
        workbook); otherwise roots are towns and the rest offices. The caller has checked
        the scope; new units join it."""
        kinds = kinds or {}
        parent = None
        for prefix in path_prefixes(path):
            unit = self.find(prefix)
            if unit is None:
                try:
                    unit = services.unit_create(
                        name=prefix.rsplit("/", 1)[-1],
                        kind=kinds.get(prefix) or default_kind(prefix),
                        parent=parent,
                    )
                except ValidationError as exc:
                    raise ValueError(" ".join(exc.messages)) from None
                self._units[prefix] = unit
                self._by_name.setdefault(unit.name, []).append(unit)
                self.created.add(prefix)
                if self._allowed_ids is not None:
                    self._allowed_ids.add(unit.pk)
            parent = unit
        return parent


class UnitPathWidget(TextWidget):
    """A unit cell → the Unit, through a `UnitLookup`."""

    def __init__(self, lookup: UnitLookup):
        super().__init__()
        self.lookup = lookup

    def clean(self, value, row=None, **kwargs):
        path = path_normalise(value)
        if not path:
            raise ValueError(_("不能为空。"))
        return self.lookup.unit_for(path)

    def render(self, value, obj=None, **kwargs):
        return value.full_name if value else ""
