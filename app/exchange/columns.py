"""Which column of a file holds which field: Chinese and English headers mapped automatically,
and the user's own mapping on top (header → field, or header → "" to ignore a column)."""

import re

from app.carriers.models import HA_M2, MU_M2
from app.core.errors import InvalidInput, Problem

# field → the headers that mean it, normalised (see `normalise`). A header naming an area's unit
# maps to an area field of its own, so that `面积(亩)` reads 12.5 as 12.5 亩.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("宗地编号", "宗地号", "地块编号", "地块编码", "宗地代码", "编号", "code", "plotcode", "parcelid"),
    "name": ("地块名称", "宗地名称", "名称", "载体名称", "厂房名称", "楼宇名称", "name"),
    "kind": ("载体类型", "类型", "kind"),
    "status": ("状态", "供地状态", "出让状态", "招商状态", "status"),
    "area": ("面积", "用地面积", "宗地面积", "土地面积", "出让面积", "建筑面积", "area"),
    "area_mu": ("面积亩", "用地面积亩", "宗地面积亩", "土地面积亩", "出让面积亩", "areamu"),
    "area_ha": ("面积公顷", "面积ha", "用地面积公顷", "宗地面积公顷", "土地面积公顷", "出让面积公顷", "areaha"),
    "area_m2": (
        "面积平方米",
        "面积㎡",
        "面积m2",
        "用地面积平方米",
        "宗地面积平方米",
        "土地面积平方米",
        "建筑面积平方米",
        "建筑面积㎡",
        "aream2",
    ),  # fmt: skip
    "land_use": ("用地性质", "用途", "土地用途", "规划用途", "landuse"),
    "plot_ratio": ("容积率", "plotratio", "far"),
    "building_density_pct": ("建筑密度", "建筑密度%", "buildingdensity"),
    "green_ratio_pct": ("绿地率", "绿地率%", "greenratio"),
    "height_limit_m": ("限高", "建筑限高", "建筑高度", "限高米", "heightlimit"),
    "lease_term_years": ("出让年限", "使用年限", "年限", "leaseterm"),
    "readiness": ("开发程度", "土地开发程度", "readiness"),
    "price_wan_per_mu": ("起始价", "出让价", "挂牌价", "基准地价", "起始价万元亩", "出让价万元亩", "地价万元亩", "price"),
    "rent_yuan_m2_month": ("租金", "租金元㎡月", "租金元平方米月", "月租金", "rent"),
    "sale_price_yuan_m2": ("售价", "销售价格", "售价元㎡", "saleprice"),
    "floors": ("层数", "楼层数", "floors"),
    "storey_height_m": ("层高", "层高米", "storeyheight"),
    "floor_load_t_m2": ("荷载", "承重", "楼面荷载", "荷载吨㎡", "floorload"),
    "has_crane": ("行车", "是否有行车", "crane"),
    "description": ("备注", "说明", "描述", "description", "remark"),
    **{
        f"{name}_{end}": (f"{zh}{end_zh}", f"{name}{end}".replace("_", ""))
        for name, zh in (
            ("plot_ratio", "容积率"),
            ("building_density_pct", "建筑密度"),
            ("green_ratio_pct", "绿地率"),
            ("height_limit_m", "限高"),
        )  # fmt: skip
        for end, end_zh in (("min", "下限"), ("max", "上限"))
    },
    "lon": ("经度", "lon", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "wkt": ("wkt", "几何", "geometry", "geom", "the_geom", "坐标串"),
}
FIELDS = tuple(SYNONYMS)
# Shapefile field names are at most 10 bytes: the names a Shapefile export writes, read back by SYNONYMS.
SHAPEFILE_NAMES = {
    "plot_ratio_min": "far_min", "plot_ratio_max": "far_max", "building_density_pct_min": "dens_min",
    "building_density_pct_max": "dens_max", "green_ratio_pct_min": "green_min", "green_ratio_pct_max": "green_max",
    "height_limit_m_min": "hgt_min", "height_limit_m_max": "hgt_max", "lease_term_years": "lease_yrs",
    "price_wan_per_mu": "price", "rent_yuan_m2_month": "rent", "sale_price_yuan_m2": "sale_price",
    "storey_height_m": "storey_h", "floor_load_t_m2": "floor_load", "investment_intensity_wan_per_mu": "invest_int",
    "tax_per_mu_wan": "tax_per_mu", "energy_tce_per_wan": "energy_tce", "is_standard_land": "std_land",
    "description": "descr",
}  # fmt: skip
# The Chinese names exports write (names=zh): each reads back through SYNONYMS.
ZH_NAMES = {
    "code": "宗地编号", "name": "名称", "kind": "载体类型", "status": "状态", "area_m2": "面积（平方米）",
    "area_mu": "面积（亩）", "area_ha": "面积（公顷）", "land_use": "用地性质", "lease_term_years": "出让年限",
    "readiness": "开发程度", "price_wan_per_mu": "起始价（万元/亩）", "rent_yuan_m2_month": "租金（元/㎡·月）",
    "sale_price_yuan_m2": "售价（元/㎡）", "floors": "层数", "storey_height_m": "层高（米）", "floor_load_t_m2": "荷载（吨/㎡）",
    "has_crane": "是否有行车", "description": "备注", "park_id": "园区编号", "park_name": "所在园区",
    "is_standard_land": "标准地", "investment_intensity_wan_per_mu": "投资强度（万元/亩）", "tax_per_mu_wan": "亩均税收（万元）",
    "energy_tce_per_wan": "单位能耗（吨标煤/万元）", "source": "数据来源", "as_of": "数据时点", "updated_at": "更新时间",
    "is_demo": "演示数据", "published": "已公开",
    **{f"{name}_{end}": f"{zh}{end_zh}" for name, zh in (("plot_ratio", "容积率"), ("building_density_pct", "建筑密度"),
                                                          ("green_ratio_pct", "绿地率"), ("height_limit_m", "限高"))
       for end, end_zh in (("min", "下限"), ("max", "上限"))},
}  # fmt: skip
# The Chinese names a Shapefile export writes (names=zh): at most 10 bytes of UTF-8 (three Chinese
# characters), each a synonym of its field above so that an import reads it back; a field with no
# such name keeps its short code (SHAPEFILE_NAMES).
SHAPEFILE_ZH_NAMES = {
    "code": "宗地号", "name": "名称", "kind": "类型", "status": "状态", "area_m2": "面积", "area_mu": "面积亩",
    "area_ha": "面积ha", "land_use": "用途", "lease_term_years": "年限", "price_wan_per_mu": "起始价",
    "rent_yuan_m2_month": "租金", "sale_price_yuan_m2": "售价", "floors": "层数", "storey_height_m": "层高",
    "floor_load_t_m2": "荷载", "has_crane": "行车", "description": "备注", "park_name": "园区", "source": "来源",
    "as_of": "时点", "updated_at": "更新于", "is_demo": "演示", "published": "公开",
}  # fmt: skip
AREA_UNITS = {"area": None, "area_mu": MU_M2, "area_ha": HA_M2, "area_m2": 1.0}
_BY_HEADER = {header: field for field, headers in SYNONYMS.items() for header in headers} | {
    short.replace("_", ""): field for field, short in SHAPEFILE_NAMES.items()
}
# The columns of an enterprise list (企业名录), and where it is.
ENTERPRISE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "单位名称", "公司名称", "名称", "name"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "creditcode"),
    "is_local": ("是否本地企业", "是否本地", "本地企业", "islocal"),
    "park_id": ("园区编号", "所在园区编号", "parkid"),
    "tags": ("企业标签", "标签", "资质", "tags"),
    "revenue_yi": ("营业收入亿元", "营业收入", "营收亿元", "revenueyi", "revenue"),
    "employees": ("从业人数", "员工人数", "职工人数", "employees"),
    "year": ("年份", "数据年份", "year"),
    **{f: SYNONYMS[f] for f in ("lon", "lat", "wkt")},
}
_BY_ENTERPRISE_HEADER = {header: field for field, headers in ENTERPRISE_SYNONYMS.items() for header in headers}
# The columns of a list of parks (园区名录) or a file of their boundaries: an area figure goes with
# its kind, in an 面积口径 column or in a column named for the kind (规划面积).
PARK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("园区id", "园区编号", "id", "parkid"),
    "name": ("园区名称", "开发区名称", "园区全称", "名称", "name"),
    "short_name": ("简称", "园区简称", "shortname"),
    "level": ("级别", "园区级别", "开发区级别", "level"),
    "type": ("类型", "园区类型", "开发区类型", "type"),
    "kind": ("细分类型", "kind"),
    "region": ("行政区划代码", "县区代码", "所在县区", "所在县市、区", "县市、区", "所在地", "regionadcode", "adcode", "region"),
    "approval_date": ("批准时间", "设立时间", "批准日期", "approvaldate"),
    "approved_area_ha": ("核准面积", "核准面积公顷", "approvedareaha"),
    "area_ha": ("面积", "面积公顷", "面积ha", "areaha"),
    "area_kind": ("面积口径", "面积类型", "areakind"),
    **{f"area_{code}": (zh, f"{zh}公顷", f"area{code}".replace("_", "")) for code, zh in (
        ("planned", "规划面积"), ("approved", "批准面积"), ("land_use", "用地面积"), ("fenced", "围网面积"),
        ("jurisdiction", "管辖面积"))},
    "name_en": ("英文名称", "nameen"),
    "address": ("地址", "管委会地址", "address"),
    "leading_industries": ("主导产业", "leadingindustries"),
    "source": ("来源", "数据来源", "source"),
    "as_of": ("数据时点", "asof"),
    "source_url": ("来源网址", "sourceurl"),
    **{f: SYNONYMS[f] for f in ("lon", "lat", "wkt")},
}  # fmt: skip
_BY_HEADERS = {
    "carriers": (FIELDS, _BY_HEADER),
    "enterprises": (tuple(ENTERPRISE_SYNONYMS), _BY_ENTERPRISE_HEADER),
    "parks": (tuple(PARK_SYNONYMS), {header: field for field, headers in PARK_SYNONYMS.items() for header in headers}),
}


def normalise(header: str) -> str:
    """Headers compared without case, spaces, brackets, slashes and the words 万元/元 around units."""
    folded = header.strip().lower().replace("（", "(").replace("）", ")")
    return re.sub(r"[\s()\[\]/·_\-:：,，]|（|）", "", folded)


def map_columns(headers: list[str], overrides: dict[str, str], what: str = "carriers") -> dict[str, str]:
    """field → header of the file (`what`: carriers, enterprises or parks). `overrides` maps a
    header to a field (or to "" to ignore it);
    422 naming the header when an override names an unknown field or header, or two columns are
    mapped to one field by the user. Of two columns a field's synonyms both match, the first counts
    (the preview shows the mapping, and an override changes it)."""
    fields, by_header = _BY_HEADERS[what]
    problems = []
    for header, field in overrides.items():
        if header not in headers:
            problems.append((header, f"the file has no column {header!r}", f"文件中没有列 {header!r}"))
        elif field and field not in fields:
            problems.append((header, f"unknown field {field!r}; fields: {', '.join(fields)}", f"未知字段 {field!r}"))
    if problems:
        raise InvalidInput([Problem(f"mapping.{header}", en, zh) for header, en, zh in problems])
    mapping: dict[str, str] = {}
    for header in headers:
        field = overrides[header] if header in overrides else by_header.get(normalise(header), "")
        if not field:
            continue
        if field in mapping and header not in overrides:
            continue
        if field in mapping:
            raise InvalidInput.one(
                f"mapping.{header}",
                f"columns {mapping[field]!r} and {header!r} both map to {field}; map one of them to another field or to ''",
                f"列 {mapping[field]!r} 与 {header!r} 都对应字段 {field}；请将其中一列改为其他字段或忽略（''）",
            )
        mapping[field] = header
    return mapping
