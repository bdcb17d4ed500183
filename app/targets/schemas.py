"""What a writer sends for a target and a stage move, and the filters of target lists and exports."""

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.chains.models import Priority
from app.chains.schemas import ADCODE, AreaFieldsOut, AreaParams, check_one_area
from app.core.dates import IsoDate
from app.core.errors import FieldProblem
from app.core.export import ExportParams
from app.core.inputs import JsonIn
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.targets.models import ActivityKind, TargetStage


class TargetIn(ProvenanceIn):
    """On the list of a recorded gap (gap_id), or of a link and an area (link_id and one of
    region_adcode, park_id, cluster_id). The stage is not written here: see the transitions."""

    model_config = ConfigDict(extra="forbid")

    enterprise_id: int = Field(description="外地企业 id")
    gap_id: int | None = Field(default=None, description="人工记录的短板 id；填写后环节与区域取自该短板")
    link_id: int | None = Field(default=None, description="产业链环节 id")
    region_adcode: str | None = Field(default=None, pattern=ADCODE, description="招商区域：行政区代码")
    park_id: int | None = Field(default=None, description="招商区域：园区 id")
    cluster_id: int | None = Field(default=None, description="招商区域：产业集群 id")
    priority: Priority = Field(default=Priority.MEDIUM, description="high 高 | medium 中 | low 低")
    owner: str | None = Field(default=None, min_length=1, max_length=100, description="责任人")
    intended_park_id: int | None = Field(default=None, description="意向落户园区 id")
    next_action: str | None = Field(default=None, max_length=2_000, description="下一步行动")
    next_action_date: IsoDate | None = Field(default=None, description="下一步行动日期")
    notes: str | None = Field(default=None, max_length=20_000, description="备注")

    @model_validator(mode="after")
    def _list(self) -> Self:
        if self.gap_id is None:
            if self.link_id is None:
                raise FieldProblem(
                    "give gap_id, or link_id with an area", "请填写 gap_id，或填写 link_id 及招商区域", field="link_id"
                )
            check_one_area(self)
        return self


class MoveIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    to: TargetStage = Field(
        description="lead 线索 | contacted 接洽 | visit 考察 | negotiating 洽谈 | dropped 放弃 "
        "(签约: POST /targets/{id}/signing, with the signing data)"
    )
    confirm_skip: bool = Field(default=False, description="确认跳过阶段（跳过时必填 true，并填写原因）")
    reason: str | None = Field(default=None, min_length=1, max_length=2_000, description="原因（放弃、跳过阶段时必填）")

    @model_validator(mode="after")
    def _reason(self) -> Self:
        if self.to == TargetStage.SIGNED:
            raise FieldProblem(
                "signing creates the project: POST /targets/{id}/signing with the signing data (date, investment, project name)",
                "签约将生成项目：请通过 POST /targets/{id}/signing 填写签约信息（日期、投资额、项目名称）",
                field="to",
            )
        if self.to == TargetStage.DROPPED and self.reason is None:
            raise FieldProblem("dropping a target needs a reason", "放弃目标须填写原因", field="reason")
        return self


class ActivityIn(JsonIn):
    """A dated contact with the target; attachments are the names of files the office keeps."""

    model_config = ConfigDict(extra="forbid")

    kind: ActivityKind = Field(
        description="call 电话 | visit 拜访 | meeting 会谈 | site_visit 来赣考察 | message 函件 | other 其他"
    )
    happened_on: IsoDate = Field(description="日期")
    summary: str = Field(min_length=1, max_length=5_000, description="内容摘要")
    attachments: list[Annotated[str, Field(min_length=1, max_length=255)]] = Field(
        default_factory=list, max_length=20, description="附件名称"
    )


class ActivityOut(BaseModel):
    id: int
    kind: ActivityKind
    happened_on: date
    summary: str
    attachments: list[str]
    recorded_by: str
    recorded_at: datetime


class TargetQuery(ListQuery, AreaParams):
    gap: int | None = Field(default=None, description="人工记录的短板 id")
    chain: int | None = Field(default=None, description="产业链 id")
    link: int | None = Field(default=None, description="产业链环节 id（含其下级环节）")
    stage: TargetStage | None = Field(default=None, description="阶段")
    owner: str | None = Field(default=None, max_length=100, description="责任人")
    priority: Priority | None = Field(default=None, description="优先级")
    overdue: bool | None = Field(default=None, description="true: 下一步行动已逾期（未签约、未放弃）")
    intended_park: int | None = Field(default=None, description="意向园区 id")
    q: str | None = Field(default=None, max_length=100, description="企业名称关键词")
    is_demo: bool | None = Field(default=None, description="演示数据")


class TargetExportQuery(TargetQuery, ExportParams):
    pass


class StageChangeOut(BaseModel):
    from_stage: TargetStage | None
    to_stage: TargetStage
    reason: str | None
    changed_by: str = Field(description="user:<name> or key:<name>, as in the audit trail")
    changed_at: datetime


class TargetOut(ProvenanceOut, AreaFieldsOut):
    """A target as the API writes it (JSON); in GeoJSON the enterprise's location is the geometry."""

    id: int
    enterprise_id: int
    enterprise_name: str
    enterprise_uscc: str
    location: GeoJSONGeometry = Field(description="headquarters of the enterprise")
    gap_id: int | None
    link_id: int
    link_name: str
    chain_id: int
    chain_name: str
    priority: Priority
    owner: str | None
    intended_park_id: int | None
    intended_park_name: str | None
    intended_park_location: GeoJSONGeometry | None
    stage: TargetStage
    stage_changed_at: datetime
    drop_reason: str | None
    signed_at: datetime | None
    next_action: str | None
    next_action_date: date | None
    overdue: bool
    notes: str | None
    history: list[StageChangeOut] | None = Field(default=None, description="single target only / 仅详情")
