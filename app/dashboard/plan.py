"""The 2028 targets of the provincial plan, as the plan words them (every figure checked against
/work/shared/reference/policy-jiangxi-cluster-upgrade-2025.txt when written)."""

from dataclasses import dataclass

PLAN = "《江西省产业集群提能升级实施方案》（2025年8月）"
PLAN_YEAR = 2028


@dataclass(frozen=True)
class Goal:
    key: str
    zh: str
    en: str
    target: float
    unit: str
    about: bool = False  # the plan says 左右 (about)


GOALS = (
    Goal("revenue_total_yi", "全省集群营业收入", "revenue of all clusters", 50_000, "亿元"),
    Goal("clusters_over_1000_yi", "营业收入过千亿元集群", "clusters above 1,000 亿元", 10, "个"),
    Goal("clusters_over_500_yi", "营业收入 500 亿元集群", "clusters above 500 亿元", 30, "个", about=True),
    Goal("advanced_clusters", "省级先进制造业集群", "provincial advanced manufacturing clusters", 20, "个"),
    Goal("high_tech_enterprises", "高新技术企业", "high-tech enterprises", 9_000, "家"),
    Goal("zjtx_enterprises", "专精特新中小企业", "specialised and innovative SMEs (专精特新)", 7_000, "家"),
)
