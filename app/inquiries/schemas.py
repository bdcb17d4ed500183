"""What a visitor sends with an inquiry, what staff send to move or convert one, and what each of
them reads back. Every text has a size limit; phone and e-mail are checked for their form."""

import re
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.chains.models import Priority
from app.core.errors import FieldProblem
from app.core.inputs import JsonIn
from app.enterprises import uscc
from app.geo.validate import ChinaPointIn
from app.inquiries.models import MAX_CHOSEN, InquiryStatus, InquiryTimeline

# A mainland mobile number: 11 digits from 13x to 19x; "+86", spaces and hyphens are forgiven.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_EMAIL = re.compile(
    r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+"
)


def mobile(raw: str) -> str:
    digits = re.sub(r"[\s-]", "", raw.strip()).removeprefix("+86").removeprefix("0086")
    if not _MOBILE.fullmatch(digits):
        raise FieldProblem(
            "not a mainland China mobile number (11 digits starting 13-19, e.g. 13800138000)",
            "不是有效的中国大陆手机号（11 位，以 13-19 开头，如 13800138000）",
        )
    return digits


def email_address(raw: str) -> str:
    address = raw.strip()
    if not _EMAIL.fullmatch(address):
        raise FieldProblem("not an e-mail address (name@example.com)", "不是有效的电子邮箱地址（如 name@example.com）")
    return address


class InquiryIn(JsonIn):
    """The public form. One of park_id, carrier_id and carrier_ids names the item; phone and/or e-mail."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    park_id: int | None = Field(default=None, ge=1, description="园区 id")
    carrier_id: int | None = Field(default=None, ge=1, description="载体 id（地块、厂房）")
    carrier_ids: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_CHOSEN,
        description="对比或匹配结果中选中的载体 id（按所选顺序，第一个决定分派）",
    )
    origin: Literal["drawer", "compare", "match"] = Field(
        default="drawer", description="表单打开自：详情 drawer | 对比 compare | 匹配结果 match"
    )
    company: str = Field(min_length=1, max_length=200, description="企业名称")
    uscc: str | None = Field(default=None, max_length=30, description="统一社会信用代码（可选，须校验通过）")
    contact_person: str = Field(min_length=1, max_length=50, description="联系人")
    phone: str | None = Field(default=None, max_length=30, description="手机号（中国大陆）")
    email: str | None = Field(default=None, max_length=254, description="电子邮箱")
    industry: str | None = Field(default=None, max_length=100, description="所属行业")
    investment_wan: float | None = Field(default=None, ge=0, le=100_000_000, description="计划投资额（万元）")
    area_mu: float | None = Field(default=None, gt=0, le=100_000, description="用地需求（亩）")
    timeline: InquiryTimeline | None = Field(default=None, description="计划落地时间")
    message: str | None = Field(default=None, max_length=2_000, description="留言")
    consent: Literal[True] = Field(description="同意按所述目的和期限处理个人信息（须为 true）")
    language: Literal["zh", "en"] = Field(default="zh", description="访客使用的语言")
    # The honeypot: hidden from people by the form, filled in by bots.
    website: str | None = Field(default=None, max_length=200, description="请留空 / leave empty")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v: str | None) -> str | None:
        return uscc.validate(v) if v else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return mobile(v) if v else None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return email_address(v) if v else None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if [self.park_id, self.carrier_id, self.carrier_ids].count(None) != 2:
            raise FieldProblem(
                "give one of park_id, carrier_id and carrier_ids", "请填写 park_id、carrier_id、carrier_ids 之一", field="park_id"
            )
        if self.carrier_ids is not None and len(set(self.carrier_ids)) != len(self.carrier_ids):
            raise FieldProblem("carrier_ids names a carrier twice", "carrier_ids 中有重复的载体", field="carrier_ids")
        if self.phone is None and self.email is None:
            raise FieldProblem("give a mobile number or an e-mail address", "请填写手机号或电子邮箱", field="phone")
        return self


class Receipt(BaseModel):
    reference: str = Field(description="受理编号")
    status_token: str = Field(description="私密查询凭证：凭此查看处理进度，请勿外传")
    status_path: str = Field(description="私密进度页面地址（相对于站点）")


class PublicStatus(BaseModel):
    """What the private status link shows: no contact details, no officer names."""

    reference: str
    status: InquiryStatus
    created_at: datetime
    status_changed_at: datetime
    park_id: int
    park_name: str
    carrier_id: int | None
    carrier_name: str | None


class MoveIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    to: Literal["assigned", "contacted", "closed"] = Field(
        description="assigned 已分派 | contacted 已联系 | closed 关闭 (转为目标: POST /inquiries/{id}/conversion)"
    )
    assignee_id: int | None = Field(default=None, description="分派给的专员 id（分派时不填：分派给自己）")
    reason: str | None = Field(default=None, min_length=1, max_length=500, description="关闭原因（关闭时必填）")
    note: str | None = Field(default=None, max_length=2_000, description="备注")

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.to == "closed" and self.reason is None:
            raise FieldProblem("closing needs a reason", "关闭须填写原因", field="reason")
        return self


class ConversionIn(JsonIn):
    """Turn a contacted inquiry into a target: an existing enterprise (enterprise_id), or the one
    of the USCC (the inquiry's, or given here), created as an external enterprise if new."""

    model_config = ConfigDict(extra="forbid")

    link_id: int = Field(description="目标所在的产业链环节 id")
    enterprise_id: int | None = Field(default=None, description="已有企业 id")
    uscc: str | None = Field(default=None, description="统一社会信用代码（意向中未填写时）")
    location: ChinaPointIn | None = Field(default=None, description="企业总部位置（新建企业时必填）")
    priority: Priority = Field(default=Priority.MEDIUM)
    owner: str | None = Field(default=None, min_length=1, max_length=100, description="责任人")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v: str | None) -> str | None:
        return uscc.validate(v) if v else None


class NotifyAddressIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(max_length=254, description="接收新意向通知的邮箱；null 取消")

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return email_address(v) if v else None


class ReceiversIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[int] = Field(max_length=20, description="接收本园区投资意向的专员 id（空：按区域分派）")


class InboxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: InquiryStatus | None = Field(default=None, description="状态")
    overdue: bool | None = Field(default=None, description="true: 超过首次响应时限仍未联系")
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000)
