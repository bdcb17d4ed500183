"""Chinese names in Hanyu Pinyin, and the key the search box matches them by.

Place names follow the national rules for romanising Chinese place names (GB/T 16159-2012 汉语拼音
正词法基本规则, and 中国地名汉语拼音字母拼写规则（汉语地名部分）of the 中国地名委员会):
the specific part in pinyin written as one word without tones, its syllables run together, an
apostrophe before a syllable that starts with a, o or e (Ji'an); the administrative generic part
translated as in GB/T 30240.1-2013 (省 Province, 市 City, 县 County, 区 District), and kept in
pinyin inside the specific part when that part would be one syllable (赣县区 Ganxian District).
Parks without an official English name get `romanised`: the pinyin of their name word by word
(南昌经济技术开发区 Nanchang Jingji Jishu Kaifaqu), shown as a romanisation, never as official.
"""

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from pypinyin import Style, lazy_pinyin, load_phrases_dict
from pypinyin.seg.mmseg import seg
from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false

# Place names whose reading pypinyin's dictionary gets wrong (都 as dou, 长 as zhang): the
# readings of their official romanised names (Duchang, Ningdu, Yudu; 长堎 Changleng, a town of 新建区).
PLACE_READINGS = {
    "都昌": [["dū"], ["chāng"]],
    "宁都": [["níng"], ["dū"]],
    "于都": [["yú"], ["dū"]],
    "长堎": [["cháng"], ["lèng"]],
}

# The words park names are made of, kept whole (the dictionary cuts 高新技术 into 高 新技术).
PARK_WORDS = (
    *("经济", "技术", "产业", "开发区", "新区", "园区", "工业园区", "工业园", "产业园区", "产业园"),
    *("综合保税区", "保税区", "高新区", "高新", "化工园", "化工集中区", "化工", "集中区", "基地", "工业", "江西省", "江西"),
)
GENERIC_EN = {"省": "Province", "市": "City", "县": "County", "区": "District"}
_VOWEL_START = re.compile(r"^[aoe]")
_APOSTROPHES = re.compile("['’]")  # Ji'an is typed jian as often as ji'an: both find it
_TOKEN = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")


@cache
def _loaded() -> bool:
    load_phrases_dict(PLACE_READINGS)
    return True


def _syllables(text: str) -> list[str]:
    _loaded()
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore", v_to_u=False) if s]


def _word(text: str) -> str:
    """One word: its syllables run together, an apostrophe where a, o or e would blur the break."""
    out = ""
    for s in _syllables(text):
        out += ("'" if out and _VOWEL_START.match(s) else "") + s
    return out.capitalize()


def place_name_en(name: str) -> str:
    """南昌市 → Nanchang City, 吉安县 → Ji'an County, 赣县区 → Ganxian District, 江西省 → Jiangxi Province."""
    generic = GENERIC_EN.get(name[-1:])
    if generic is None or len(name) < 2:
        return _word(name)
    specific = name[:-1]
    # A one-syllable specific part keeps its generic in pinyin (泸县 Luxian County).
    if len(specific) == 1:
        specific = name
    return f"{_word(specific)} {generic}"


def romanised(name: str, places: Iterable[str] = ()) -> str:
    """A park's name in pinyin word by word: 南昌经济技术开发区 → Nanchang Jingji Jishu Kaifaqu.

    `places` are words to keep whole (the specific parts of region names: 南昌, 赣州), which the
    dictionary's segmentation would cut into single characters.
    """
    known = sorted({p for p in (*places, *PARK_WORDS) if len(p) > 1}, key=len, reverse=True)
    words: list[str] = []
    rest = ""
    i = 0
    while i < len(name):
        place = next((p for p in known if name.startswith(p, i)), None)
        if place is None:
            rest += name[i]
            i += 1
            continue
        words += _segments(rest) + [place]
        rest = ""
        i += len(place)
    words += _segments(rest)
    return " ".join(w for w in map(_word, words) if w)


def _segments(text: str) -> list[str]:
    """The dictionary's words, with a run of single characters joined into one word."""
    _loaded()
    out: list[str] = []
    single = False
    for part in seg.cut(text) if text else []:
        if len(part) == 1 and single:
            out[-1] += part
        else:
            out.append(part)
        single = len(part) == 1
    return out


def place_specific(name: str) -> str:
    """The specific part of a region's name (南昌市 → 南昌), as `romanised` keeps it whole."""
    return name[:-1] if name[-1:] in GENERIC_EN and len(name) > 2 else name


def _compact(text: str) -> str:
    return "".join(_syllables(text))


def _initials(text: str) -> str:
    return "".join(s[0] for s in _syllables(text))


def acronym(english: str) -> str:
    """Economic and Technological Development Zone → etdz (the abbreviations parks go by)."""
    words = re.findall(r"[a-z0-9]+", english.lower())
    return "".join(w[0] for w in words if w not in {"and", "of", "the"})


def search_key(chinese: Iterable[str | None], english: Iterable[str | None], abbreviations: Iterable[str] = ()) -> str:
    """Every form a visitor may type, each between bars, lower case: the Chinese names, their full
    pinyin run together and its initials, the English names, and `abbreviations` (a park's etdz).

    The search matches every typed token inside the key (`tokens`), so 'nanchang etdz', 'nc' and
    'ganzhou kaifaqu' find their parks; a token right after a bar starts a form (ranked higher).
    """
    parts: list[str] = []
    for name in filter(None, chinese):
        parts += [name.lower(), _compact(name), _initials(name)]
    for name in filter(None, english):
        parts.append(" ".join(_TOKEN.findall(_APOSTROPHES.sub("", name.lower()))))
    parts += [a.lower() for a in abbreviations]
    return "|" + "|".join(dict.fromkeys(p for p in parts if p)) + "|"


def tokens(query: str) -> list[str]:
    """The words of a typed query as the key holds them: lower case letters and digits, Chinese
    characters; the rest (spaces, hyphens, LIKE wildcards) only separates them."""
    return _TOKEN.findall(_APOSTROPHES.sub("", query.lower()))


def key_holds(key: SQLColumnExpression[Any], query: str) -> ColumnElement[bool]:
    """Whether the search key `key` holds every word of `query` (false when it has none): a LIKE
    per word, which the key's trigram index serves."""
    words = tokens(query)
    return and_(*[key.like(f"%{w}%") for w in words]) if words else false()
