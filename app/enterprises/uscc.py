"""The 统一社会信用代码 (unified social credit code, USCC) of GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division
(6 digits), organisation code (9), check character (1). The alphabet is the digits and the
capitals without I, O, S, V, Z, valued 0..30 in that order. The check character is
31 - (Σ value_i × 3^(i-1) mod 31) mod 31 over the first 17 characters, written back in the
same alphabet (31 is written 0).
"""

from app.core.errors import FieldProblem

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# The division of every demo record's code: GB/T 2260 has no province 99, so no registry issues a
# code with it and a demo code can never be a real enterprise's. Only demo records may use it.
DEMO_DIVISION = "999999"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (which must be in the alphabet)."""
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_demo_code(code: str) -> bool:
    return code[2:8] == DEMO_DIVISION


def demo_code(organisation: str) -> str:
    """A valid demo code (9 market regulation, 1 company, the demo division) for a 9-character organisation code."""
    body = "91" + DEMO_DIVISION + organisation
    return body + check_character(body)


def normalise(raw: str) -> str:
    """What people paste: surrounding spaces and lower case are forgiven, nothing else is."""
    return raw.strip().upper()


def validate(raw: str) -> str:
    """The normalised code, or FieldProblem saying what is wrong in both languages."""
    code = normalise(raw)
    if len(code) != LENGTH:
        raise FieldProblem(
            f"the USCC must have {LENGTH} characters, got {len(code)}", f"统一社会信用代码应为 {LENGTH} 位，实际为 {len(code)} 位"
        )
    for position, char in enumerate(code, start=1):
        if char not in VALUE:
            raise FieldProblem(
                f"USCC character {char!r} at position {position} is not allowed: use digits and capital letters "
                "except I, O, S, V, Z (GB 32100-2015)",
                f"统一社会信用代码第 {position} 位的字符 {char!r} 不合规："
                "只能使用数字和除 I、O、S、V、Z 以外的大写字母（GB 32100-2015）",
            )
    if not code[2:8].isdigit():
        raise FieldProblem(
            "USCC characters 3 to 8 must be the digits of an administrative division code",
            "统一社会信用代码第 3 至 8 位应为数字（登记管理机关行政区划码）",
        )
    if check_character(code[:17]) != code[17]:
        # The expected character is not given: with a typo elsewhere it would only hide the error.
        raise FieldProblem(
            "the USCC check character (18th) does not match the first 17 characters: the code has a typo",
            "统一社会信用代码校验码（第 18 位）与前 17 位不符：代码有误，请核对",
        )
    return code
