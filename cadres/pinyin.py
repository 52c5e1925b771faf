"""Pinyin keys for searching names: 张伟 → `zhangwei` and `zw`.

Surnames are read as surnames (单 shàn, 曾 zēng, 解 xiè …), which pypinyin's default
reading gets wrong; compound surnames are matched first.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "欧阳": ["ou", "yang"],
    "司马": ["si", "ma"],
    "上官": ["shang", "guan"],
    "诸葛": ["zhu", "ge"],
    "尉迟": ["yu", "chi"],
    "长孙": ["zhang", "sun"],
    "单": ["shan"],
    "曾": ["zeng"],
    "解": ["xie"],
    "仇": ["qiu"],
    "朴": ["piao"],
    "查": ["zha"],
    "区": ["ou"],
    "乐": ["yue"],
    "盖": ["ge"],
    "缪": ["miao"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "柏": ["bai"],
    "秘": ["bi"],
    "召": ["shao"],
    "种": ["chong"],
    "员": ["yun"],
    "那": ["na"],
    "任": ["ren"],
    "华": ["hua"],
    "纪": ["ji"],
    "繁": ["po"],
    "隗": ["wei"],
    "沈": ["shen"],
    "万": ["wan"],
    "尉": ["yu"],
    "吕": ["lv"],
    "薛": ["xue"],
    "贾": ["jia"],
    "牟": ["mou"],
}


def _syllables(name: str) -> list[str]:
    name = "".join(name.split())
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname):
            rest = name[len(surname) :]
            return SURNAME_READINGS[surname] + lazy_pinyin(rest, style=Style.NORMAL, v_to_u=False)
    return lazy_pinyin(name, style=Style.NORMAL, v_to_u=False)


@lru_cache(maxsize=50_000)  # rosters repeat names; imports call this per row
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials), lower-case ASCII, e.g. ("zhangwei", "zw")."""
    syllables = [s.lower() for s in _syllables(name) if s.strip()]
    full = "".join(s for s in syllables if s.isascii())
    initials = "".join(s[0] for s in syllables if s and s.isascii())
    # The columns hold 120 and 30 characters; a 30-character name can exceed them.
    return full[:120], initials[:30]
