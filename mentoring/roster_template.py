"""The downloadable mentor roster template (导师库导入模板), in the style of the cadre roster's."""

from django.utils import translation
from django.utils.translation import gettext as _

from cadres.idcard import id_with_check_digit
from cadres.roster_template import TemplateColumn, common_rules, labels, template_xlsx
from mentoring import resources as r
from mentoring.choices import MentorType
from mentoring.services import CAPACITY_MAX

EXAMPLE_UNIT = "金城镇/党政办公室"


def mentor_template_xlsx() -> bytes:
    """The mentor roster template; imported unchanged (with the unit 金城镇/党政办公室, or
    creating units) it gives two new mentors, one keyed by ID number, one by mobile number."""
    columns = [
        TemplateColumn(r.NAME, True, _("1–30个字。")),
        TemplateColumn(
            r.ID_NUMBER,
            False,
            _(
                "18位，校验码须正确。与手机号码至少填写一项；填写后以身份证号识别导师，再次导入时更新该导师。本列为文本格式，请勿改为数字。"
            ),
            text=True,
            width=22,
        ),
        TemplateColumn(
            r.PHONE,
            False,
            _("以1开头的11位手机号码。未填身份证号时以手机号码识别导师。本列为文本格式。"),
            text=True,
            width=14,
        ),
        TemplateColumn(
            r.UNIT,
            True,
            _("单位全称或路径，如“金城镇/党政办公室”；单位名称唯一时可只填名称。"),
            width=24,
        ),
        TemplateColumn(
            r.MENTOR_TYPE,
            True,
            _("从下拉列表选择（“村书记”视同“村（社区）书记”）。"),
            options=labels(MentorType),
            width=16,
        ),
        TemplateColumn(r.POSITION, False, _("文字，如：党委副书记。"), width=14),
        TemplateColumn(r.EXPERTISE, False, _("文字，如：基层治理、乡村振兴。"), width=24),
        TemplateColumn(
            r.CAPACITY,
            False,
            _("1到%(max)d之间的整数；不填时新导师为3，已有导师保持原值。") % {"max": CAPACITY_MAX},
            width=14,
        ),
    ]
    with translation.override("zh-hans"):
        town_secretary = str(MentorType.TOWN_SECRETARY.label)
        middle_level = str(MentorType.MIDDLE_LEVEL.label)
    examples = [
        [
            "李明",
            id_with_check_digit("32048219750312051"),
            "13912340001",
            EXAMPLE_UNIT,
            town_secretary,
            "党委书记",
            "基层治理",
            3,
        ],
        ["王红", "", "13912340002", EXAMPLE_UNIT, middle_level, "党政办主任", "公文写作", 2],
    ]
    return template_xlsx(
        title=_("导师库"),
        columns=columns,
        examples=examples,
        rules=common_rules(
            key_rule=_(
                "导师以身份证号识别，未填身份证号时以手机号码识别：再次导入会更新该导师的信息，内容相同的行不作改动；同一文件中不能有两行是同一名导师。空白的身份证号不会清除已登记的身份证号。"
            )
        ),
    )
