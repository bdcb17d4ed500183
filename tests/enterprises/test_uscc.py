"""统一社会信用代码 (GB 32100-2015): the check character, and the API's refusals naming the field."""

import pytest
from sqlalchemy import text

from app.core.errors import FieldProblem
from app.enterprises.uscc import check_character, validate
from tests.support.chains import enterprise_body

# Codes printed on public business licences (Huawei, Tencent, Baidu, Alibaba) and the standard's example.
PUBLIC_CODES = ["914403001922038216", "9144030071526726XG", "91110000802100433B", "91330100716105852F", "91350100M000100Y43"]


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert validate(code) == code


def test_check_character_worked_by_hand() -> None:
    # values 9 1 3 6 0 1 2 1 21 10 3 5 16 8 1 29 8 × weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    # = 2550; 2550 mod 31 = 8; 31 - 8 = 23, the 24th character of 0-9 A-H J-N P-R T U W-Y: P.
    assert check_character("91360121MA35G81X8") == "P"
    assert validate("91360121MA35G81X8P") == "91360121MA35G81X8P"


def test_lower_case_and_spaces_are_forgiven() -> None:
    assert validate(" 9144030071526726xg ") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("code", "problem", "problem_zh"),
    [
        pytest.param("9144030071526726XH", "check character", "校验码", id="wrong-check-character"),
        pytest.param("914403001922038217", "check character", "校验码", id="wrong-check-digit"),
        pytest.param("914403001922038261", "check character", "校验码", id="swapped-digits"),
        pytest.param("91440300192203821", "18 characters, got 17", "应为 18 位，实际为 17 位", id="too-short"),
        pytest.param("9144030019220382160", "18 characters, got 19", "实际为 19 位", id="too-long"),
        pytest.param("", "got 0", "实际为 0 位", id="empty"),
        pytest.param("9144030019220382I6", "'I' at position 17", "第 17 位的字符 'I'", id="letter-I"),
        pytest.param("91440300192203821O", "'O' at position 18", "第 18 位", id="letter-O"),
        pytest.param("9S4403001922038216", "'S' at position 2", "第 2 位", id="letter-S"),
        pytest.param("91440300-922038216", "'-' at position 9", "第 9 位", id="dash"),
        pytest.param("9144030019220中8216", "'中' at position 14", "第 14 位", id="chinese"),
        pytest.param("9144A3001922038216", "characters 3 to 8", "第 3 至 8 位", id="letter-in-division"),
    ],
)
def test_bad_codes_say_what_is_wrong(code: str, problem: str, problem_zh: str) -> None:
    with pytest.raises(FieldProblem) as info:
        validate(code)
    assert problem in info.value.problem and problem_zh in info.value.problem_zh


@pytest.mark.parametrize(
    ("code", "problem_zh"),
    [
        ("9144030071526726XH", "校验码"),
        ("91440300192203821", "应为 18 位"),
        ("9144030019220382I6", "不合规"),
    ],
)
def test_the_api_refuses_them_naming_the_field(client, admin, db, code: str, problem_zh: str) -> None:
    before = db.execute(text("SELECT count(*) FROM enterprises")).scalar_one()
    r = client.post("/api/v1/enterprises", json=enterprise_body([115.93, 28.52], uscc=code), headers=admin)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["details"][0]["field"] == "uscc" and problem_zh in error["details"][0]["problem_zh"]
    assert "uscc" in error["message"] and "uscc" in error["message_zh"]
    db.rollback()
    assert db.execute(text("SELECT count(*) FROM enterprises")).scalar_one() == before


def test_every_demo_code_is_valid(db) -> None:
    db.rollback()
    codes = db.execute(text("SELECT uscc FROM enterprises WHERE is_demo")).scalars().all()
    assert len(codes) > 400
    assert all(validate(c) == c for c in codes)
