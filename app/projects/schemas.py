"""What a writer sends for a key project, its signing from a target, a stage move and a monthly
report; the filters of project lists; what the API answers (documented, built in SQL)."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from app.chains.schemas import ADCODE, AreaParams
from app.core.dates import IsoDate
from app.core.errors import FieldProblem
from app.core.export import ExportParams
from app.core.inputs import JsonIn
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.geo.validate import PointIn
from app.projects.models import ProjectLevel, ProjectStage, ProjectStatus, ProjectType

Wan = Annotated[float, Field(ge=0, le=100_000_000)]  # 万元; 1 万亿元 at most
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month_text(value: Any) -> Any:
    if isinstance(value, str) and (m := _MONTH.match(value)):
        return date(int(m[1]), int(m[2]), 1)
    if isinstance(value, date):
        return value
    raise FieldProblem("give the month as YYYY-MM, e.g. 2026-03", "请以 YYYY-MM 给出月份，如 2026-03")


Month = Annotated[
    date,
    BeforeValidator(_month_text),
    WithJsonSchema({"type": "string", "pattern": _MONTH.pattern, "description": "调度月份 YYYY-MM", "example": "2026-03"}),
]

_PLANNED = ("signed_on", "planned_start_on", "planned_production_on", "planned_full_on")


class ProjectCore(JsonIn):
    """The fields a project has whether it is entered by hand or signed from a target."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="项目名称")
    project_type: ProjectType = Field(default=ProjectType.NEW, description="new 新建 | expansion 扩建 | upgrade 技改")
    level: ProjectLevel = Field(default=ProjectLevel.COUNTY, description="provincial 省重点 | municipal 市重点 | county 县重点")
    investment_wan: float = Field(gt=0, le=100_000_000, description="计划总投资（万元）")
    annual_output_wan: Wan | None = Field(default=None, description="达产后年产值（万元）")
    annual_tax_wan: Wan | None = Field(default=None, description="达产后年税收（万元）")
    signed_on: IsoDate = Field(description="签约日期")
    planned_start_on: IsoDate | None = Field(default=None, description="计划开工日期")
    planned_production_on: IsoDate | None = Field(default=None, description="计划投产日期")
    planned_full_on: IsoDate | None = Field(default=None, description="计划达产日期")
    cluster_id: int | None = Field(default=None, description="产业集群 id")
    park_id: int | None = Field(default=None, description="落户园区 id")
    location: PointIn | None = Field(default=None, description="项目位置 (GeoJSON Point, WGS-84)；缺省取园区位置")
    officer: str | None = Field(default=None, min_length=1, max_length=100, description="责任人")
    leader: str | None = Field(default=None, min_length=1, max_length=100, description="联系领导")
    notes: str | None = Field(default=None, max_length=20_000, description="备注")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        """签约 ≤ 开工 ≤ 投产 ≤ 达产 among the planned dates given."""
        given = [(name, getattr(self, name)) for name in _PLANNED if getattr(self, name) is not None]
        for (before, early), (after, late) in zip(given, given[1:], strict=False):
            if late < early:
                raise FieldProblem(
                    f"{after} {late} is before {before} {early}", f"{after} {late} 早于 {before} {early}", field=after
                )
        return self


class ProjectIn(ProjectCore, ProvenanceIn):
    """A project entered by hand (a signed target makes its own: POST /targets/{id}/signing). The
    stage is not written here: see the transitions."""

    enterprise_id: int = Field(description="投资企业 id")
    link_id: int | None = Field(default=None, description="产业链环节 id")
    region_adcode: str | None = Field(
        default=None, pattern=ADCODE, description="所在县（市、区）代码；有园区时取园区所在县，可不填"
    )


class SigningIn(ProjectCore):
    """签约: the signing data of a target; the project takes the target's enterprise, link, owner
    (as its officer, unless given) and intended park (unless given)."""

    confirm_skip: bool = Field(default=False, description="确认跳过阶段（从洽谈以前直接签约时必填 true，并填写原因）")
    reason: str | None = Field(default=None, min_length=1, max_length=2_000, description="原因（跳过阶段时必填）")


class UndoSigningIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2_000, description="撤销签约的原因")


class ProjectMoveIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    to: ProjectStage = Field(description="started 开工 | producing 投产 | full 达产 | suspended 停缓建 | terminated 终止")
    on: IsoDate | None = Field(default=None, description="实际发生日期（缺省为今天）")
    confirm_skip: bool = Field(default=False, description="确认跳过阶段（跳过时必填 true，并填写原因）")
    reason: str | None = Field(default=None, min_length=1, max_length=2_000, description="原因（停缓建、终止、跳过阶段时必填）")

    @model_validator(mode="after")
    def _reason(self) -> Self:
        if self.to in (ProjectStage.SUSPENDED, ProjectStage.TERMINATED) and self.reason is None:
            raise FieldProblem(f"{self.to.zh} {self.to.value} needs a reason", f"{self.to.zh}须填写原因", field="reason")
        return self


class ReportValues(JsonIn):
    """What a monthly report says; a change of a closed month's report needs the reason."""

    model_config = ConfigDict(extra="forbid")

    investment_month_wan: Wan = Field(description="当月完成投资（万元）")
    investment_total_wan: Wan = Field(description="累计完成投资（万元）")
    funds_arrived_wan: Wan | None = Field(default=None, description="累计到资（万元）")
    progress: str | None = Field(default=None, max_length=5_000, description="形象进度")
    progress_pct: int | None = Field(default=None, ge=0, le=100, description="形象进度（%）")
    problems: str | None = Field(default=None, max_length=5_000, description="存在问题、需协调解决事项")
    coordination_dept: str | None = Field(default=None, max_length=200, description="需协调的部门")
    reason: str | None = Field(
        default=None, min_length=1, max_length=2_000, description="更正或补报原因（月份关账后必填，仅管理员、领导）"
    )

    @model_validator(mode="after")
    def _total(self) -> Self:
        if self.investment_total_wan < self.investment_month_wan:
            raise FieldProblem(
                "the cumulative investment is less than this month's",
                "累计完成投资小于当月完成投资",
                field="investment_total_wan",
            )
        return self


class ReportIn(ReportValues):
    """月度调度: one report per project and month."""

    month: Month


class ProjectQuery(ListQuery, AreaParams):
    stage: ProjectStage | None = Field(default=None, description="阶段")
    status: ProjectStatus | None = Field(default=None, description="调度状态（今天）")
    level: ProjectLevel | None = Field(default=None, description="重点项目级别")
    link: int | None = Field(default=None, description="产业链环节 id")
    officer: str | None = Field(default=None, max_length=100, description="责任人")
    q: str | None = Field(default=None, max_length=100, description="项目名称关键词")
    is_demo: bool | None = Field(default=None, description="演示数据")


class ProjectExportQuery(ProjectQuery, ExportParams):
    pass


class BehindQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: IsoDate | None = Field(default=None, description="按此日期计算（缺省为今天）")
    status: ProjectStatus | None = Field(default=None, description="red: 提级调度清单；缺省为 amber 与 red")
    cluster: int | None = Field(default=None, description="产业集群 id")
    region: str | None = Field(default=None, pattern=ADCODE, description="行政区代码")


class BehindOut(BaseModel):
    """A project of the behind-schedule list, with what its status is made of."""

    id: int
    name: str
    cluster_id: int | None
    cluster_name: str | None
    park_name: str | None
    region_adcode: str
    region_name: str
    level: ProjectLevel
    stage: ProjectStage
    investment_wan: float
    officer: str | None
    leader: str | None
    status: ProjectStatus
    next_planned_on: date | None
    days_late: int | None
    report_due_month: date | None
    report_missing: bool
    investment_reported_wan: float | None
    investment_planned_to_date_wan: float | None
    status_reasons: list[str] = Field(description="stage_late | no_report | investment_short | suspended")


class StageChangeOut(BaseModel):
    from_stage: ProjectStage | None
    to_stage: ProjectStage
    happened_on: date
    reason: str | None
    changed_by: str
    changed_at: datetime


class ReportVersionOut(BaseModel):
    version: int
    content: dict[str, Any] = Field(description="the report's values as they were / 更正前的内容")
    replaced_by: str
    replaced_at: datetime
    reason: str | None


class ReportOut(BaseModel):
    id: int
    month: date
    investment_month_wan: float
    investment_total_wan: float
    funds_arrived_wan: float | None
    progress: str | None
    progress_pct: int | None
    problems: str | None
    coordination_dept: str | None
    filed_by: str
    filed_at: datetime
    closes_on: date = Field(description="关账日期：此后仅管理员、领导可更正")
    closed: bool
    version: int = Field(description="1: as filed; each change adds one")
    corrected_by: str | None
    corrected_at: datetime | None
    correction_reason: str | None
    earlier: list[ReportVersionOut] = Field(description="the values each change replaced, oldest first / 历次被更正的内容")


class ProjectOut(ProvenanceOut):
    id: int
    name: str
    target_id: int | None
    enterprise_id: int
    enterprise_name: str
    cluster_id: int | None
    cluster_name: str | None
    link_id: int | None
    link_name: str | None
    park_id: int | None
    park_name: str | None
    region_adcode: str
    region_name: str
    project_type: ProjectType
    level: ProjectLevel
    stage: ProjectStage
    stage_changed_at: datetime
    investment_wan: float
    annual_output_wan: float | None
    annual_tax_wan: float | None
    signed_on: date
    planned_start_on: date | None
    planned_production_on: date | None
    planned_full_on: date | None
    started_on: date | None
    producing_on: date | None
    full_on: date | None
    officer: str | None
    leader: str | None
    location: GeoJSONGeometry
    notes: str | None
    status: ProjectStatus = Field(description="调度状态（今天），规则见 README")
    next_planned_on: date | None
    days_late: int | None
    report_due_month: date | None
    report_missing: bool
    investment_reported_wan: float | None = Field(description="最近一期调度的累计完成投资（万元）")
    investment_planned_to_date_wan: float | None
    status_reasons: list[str]
    history: list[StageChangeOut] | None = Field(default=None, description="single project only / 仅详情")
    reports: list[ReportOut] | None = Field(default=None, description="single project only / 仅详情")
