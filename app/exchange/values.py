"""Cell values as Chinese planning sheets write them, read into numbers, bounds and codes.

A sheet from a park office says `≤2.0`, `1.0-2.5`, `≥1.2`, `2.0以下`, `40%`, `1.5～2.0`, areas
with their unit in the cell (`12.5亩`, `3公顷`, `8000㎡`) and statuses in words (可供, 已预留,
已出让). Each reader returns the value or raises `CellProblem` with both wordings, which the
import turns into a row error naming the row and the field.
"""

import math
import re
from collections.abc import Callable
from typing import Any

from app.carriers.models import HA_M2, MU_M2, CarrierKind, CarrierStatus, LandUse


class CellProblem(ValueError):
    def __init__(self, problem: str, problem_zh: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_zh = problem_zh


_NUMBER = r"[-+]?\d+(?:\.\d+)?"
# Full-width forms and the many dashes and tildes of Chinese typing, as plain ASCII.
_FOLD = str.maketrans(
    {
        "０": "0",
        "１": "1",
        "２": "2",
        "３": "3",
        "４": "4",
        "５": "5",
        "６": "6",
        "７": "7",
        "８": "8",
        "９": "9",
        "．": ".",
        "，": ",",
        "％": "%",
        "～": "~",
        "〜": "~",
        "—": "-",
        "–": "-",
        "－": "-",
        "＜": "<",
        "＞": ">",
        "＝": "=",
        "≦": "≤",
        "≧": "≥",
        "（": "(",
        "）": ")",
        "　": " ",
    }  # fmt: skip
)


# Units a cell may repeat after its number ("24米以下", "50年", "18.5万元/亩"); the column says which.
_UNITS = re.compile(r"万元/亩|亿元|元/(?:㎡|平方米|m2)·?(?:月)?|吨/(?:㎡|平方米)|t/(?:㎡|m2)|万元|元|米|年|(?<=\d)m(?![²2])")


def _text(value: Any) -> str | None:
    """The cell as folded text, None when blank (empty, NaN, only spaces)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).translate(_FOLD).strip().replace(",", "")
    return text or None


def _quantity(value: Any) -> str | None:
    """The folded text of a cell holding a quantity, its units taken out."""
    text = _text(value)
    return None if text is None else _UNITS.sub("", text).strip() or None


def number(value: Any) -> float | None:
    """A plain number; `40%` is 40 (the columns hold percentages), thousands separators allowed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if math.isnan(value) else float(value)
    text = _quantity(value)
    if text is None:
        return None
    match = re.fullmatch(rf"({_NUMBER})\s*%?", text)
    if not match:
        raise CellProblem(f"{value!r} is not a number", f"{value!r} 不是数字")
    return float(match.group(1))


def integer(value: Any) -> int | None:
    found = number(value)
    if found is None:
        return None
    if found != int(found):
        raise CellProblem(f"{value!r} is not a whole number", f"{value!r} 不是整数")
    return int(found)


_AT_MOST = re.compile(rf"^(?:≤|<=?|不大于|不超过|不高于|小于等于|小于)\s*({_NUMBER})%?$|^({_NUMBER})%?\s*(?:以下|以内|及以下)$")
_AT_LEAST = re.compile(rf"^(?:≥|>=?|不小于|不低于|大于等于|大于)\s*({_NUMBER})%?$|^({_NUMBER})%?\s*(?:以上|及以上)$")
_BETWEEN = re.compile(rf"^({_NUMBER})%?\s*(?:-|~|至|到)\s*({_NUMBER})%?$")


def bounds(value: Any) -> dict[str, float] | None:
    """An indicator as bounds: `≤2.0` → max, `≥1.2` / `1.2以上` → min, `1.0-2.5` → both, `1.5` → both."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if math.isnan(value) else {"min": float(value), "max": float(value)}
    text = _quantity(value)
    if text is None:
        return None
    if m := _AT_MOST.match(text):
        return {"max": float(m.group(1) or m.group(2))}
    if m := _AT_LEAST.match(text):
        return {"min": float(m.group(1) or m.group(2))}
    if m := _BETWEEN.match(text):
        low, high = float(m.group(1)), float(m.group(2))
        if low > high:
            raise CellProblem(f"{value!r}: the lower bound is above the upper", f"{value!r}：下限大于上限")
        return {"min": low, "max": high}
    try:
        exact = number(text)
    except CellProblem:
        raise CellProblem(
            f"{value!r} is not a value or bounds such as 2.0, ≤2.0, ≥1.2, 1.0-2.5, 2.0以下",
            f"{value!r} 不是有效的数值或范围（如 2.0、≤2.0、≥1.2、1.0-2.5、2.0以下）",
        ) from None
    return None if exact is None else {"min": exact, "max": exact}


_AREA_UNITS = {"平方公里": 1e6, "km2": 1e6, "km²": 1e6, "亩": MU_M2, "mu": MU_M2, "公顷": HA_M2, "ha": HA_M2,
               "平方米": 1.0, "㎡": 1.0, "m2": 1.0, "m²": 1.0, "平米": 1.0}  # fmt: skip


def area_m2(value: Any, unit_m2: float) -> float | None:
    """An area in m²; a unit written in the cell (`12.5亩`) wins over the column's (`面积(亩)`)."""
    text = _text(value)
    if text is None:
        return None
    match = re.fullmatch(rf"({_NUMBER})\s*(平方公里|km2|km²|亩|mu|公顷|ha|平方米|平米|㎡|m2|m²)?", text, re.IGNORECASE)
    if not match:
        raise CellProblem(
            f"{value!r} is not an area such as 12.5, 12.5亩, 3公顷, 8000㎡",
            f"{value!r} 不是有效面积（如 12.5、12.5亩、3公顷、8000㎡）",
        )
    factor = _AREA_UNITS[match.group(2).lower()] if match.group(2) else unit_m2
    return float(match.group(1)) * factor


_STATUS_WORDS = {"可供": "available", "待供": "available", "空闲": "available", "待租": "available", "待售": "available",
                 "已预留": "reserved", "预留": "reserved", "意向": "reserved", "已出让": "taken", "已租": "taken",
                 "已售": "taken", "已供": "taken", "已出租": "taken"}  # fmt: skip
_LAND_USE_WORDS = {"M1": "industrial_1", "M2": "industrial_2", "M3": "industrial_3", "W": "warehouse", "W1": "warehouse",
                   "A35": "rnd", "B": "commercial", "M0": "mixed", "工业用地": "industrial_2", "仓储": "warehouse"}  # fmt: skip
_KIND_WORDS = {"厂房": "factory", "标准厂房": "factory", "楼宇": "office", "写字楼": "office", "办公": "office", "土地": "land"}


def _coded(value: Any, enum: type[Any], words: dict[str, str], what: tuple[str, str]) -> str | None:
    text = _text(value)
    if text is None:
        return None
    for member in enum:
        if text.lower() in (member.value, member.en.lower()) or text == member.zh:
            return str(member.value)
    if text in words or text.upper() in words:
        return words.get(text) or words[text.upper()]
    allowed = "、".join(m.zh for m in enum)
    raise CellProblem(f"{value!r} is not a known {what[0]} ({allowed})", f"{value!r} 不是已知的{what[1]}（{allowed}）")


def labelled(enum: type[Any], what: tuple[str, str]) -> Callable[[Any], str | None]:
    """A reader of `enum`'s codes and its English and Chinese labels (国家级, planned, 规划面积)."""
    return lambda value: _coded(value, enum, {}, what)


def day(value: Any) -> str | None:
    """A date as YYYY-MM-DD, from a spreadsheet's date cell or text (checked where it is validated)."""
    if value != value:  # noqa: PLR0124 NaN and NaT, a blank cell
        return None
    if hasattr(value, "date") and callable(value.date) and not isinstance(value, str):
        return str(value.date().isoformat())
    return text(value)


def items(value: Any) -> list[str] | None:
    """`汽车、电子信息；新材料`: the items of a list, separated by 、,;/ or spaces."""
    text_ = text(value)
    return None if text_ is None else [w for w in re.split(r"[、,，;；/\s]+", text_) if w]


def status(value: Any) -> str | None:
    return _coded(value, CarrierStatus, _STATUS_WORDS, ("status", "状态"))


def land_use(value: Any) -> str | None:
    return _coded(value, LandUse, _LAND_USE_WORDS, ("land use", "用地性质"))


def kind(value: Any) -> str | None:
    return _coded(value, CarrierKind, _KIND_WORDS, ("carrier kind", "载体类型"))


def flag(value: Any) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    if text.lower() in ("是", "有", "y", "yes", "true", "1"):
        return True
    if text.lower() in ("否", "无", "n", "no", "false", "0"):
        return False
    raise CellProblem(f"{value!r} is not yes/no (是/否)", f"{value!r} 不是 是/否")


def text(value: Any) -> str | None:
    """Text as written (trimmed); a whole number read as 1001.0 from a spreadsheet is 1001."""
    if isinstance(value, float) and not math.isnan(value) and value == int(value):
        return str(int(value))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None
