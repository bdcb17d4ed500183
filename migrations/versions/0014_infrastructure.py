"""infrastructure: facilities (airports, rail stations, ports, ...) and every park's and carrier's
nearest facility of each kind, kept by triggers

`facility_distances` holds, per park and per carrier, the nearest *published* facility of each
kind and the geodesic distance to it in metres (直线距离, straight line on the WGS-84 ellipsoid,
never a drive distance). Statement-level triggers rewrite the rows of what a statement inserted,
moved or deleted (parks, carriers) and, when facilities change, of every park and carrier for the
kinds the statement touched, in the same transaction: the API, the loaders' COPY and plain SQL
alike can never leave a distance stale. The nearest one is found by KNN (`<->` on geography,
through the partial GiST index (kind, point) of published facilities) among three candidates by sphere
distance, then ranked by the ellipsoidal distance (the sphere and the ellipsoid differ by under
0.5%: only near-ties can swap, and three candidates hold them).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "('airport', 'rail_station', 'port', 'expressway_exit', 'freight_hub', 'university')"

FUNCTIONS = """
-- Rewrite the nearest facilities of the parks or carriers `p_ids` (all when NULL), for the kinds
-- `p_kinds` (all when NULL). `IN (SELECT unnest(..))` is a hashed lookup; `= ANY (array)` would
-- scan the array for every row, quadratic in a bulk load's 200,000 ids.
CREATE FUNCTION investmap_refresh_distances(p_subject text, p_ids int[], p_kinds text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM facility_distances d
  WHERE d.subject = p_subject AND (p_ids IS NULL OR d.subject_id IN (SELECT unnest(p_ids)))
    AND (p_kinds IS NULL OR d.kind = ANY (p_kinds));
  INSERT INTO facility_distances (subject, subject_id, kind, facility_id, distance_m)
  SELECT p_subject, s.id, k.kind, f.id, f.m
  FROM (SELECT p.id, p.location::geography AS g FROM parks p
        WHERE p_subject = 'park' AND (p_ids IS NULL OR p.id IN (SELECT unnest(p_ids)))
        UNION ALL
        SELECT c.id, c.location::geography FROM carriers c
        WHERE p_subject = 'carrier' AND (p_ids IS NULL OR c.id IN (SELECT unnest(p_ids)))) s
  CROSS JOIN (SELECT DISTINCT fk.kind FROM facilities fk
              WHERE fk.published AND (p_kinds IS NULL OR fk.kind = ANY (p_kinds))) k
  CROSS JOIN LATERAL (
    SELECT near.id, ST_Distance(near.geog, s.g, true) AS m
    FROM (SELECT fc.id, fc.geog FROM facilities fc WHERE fc.published AND fc.kind = k.kind
          ORDER BY fc.geog <-> s.g LIMIT 3) near
    ORDER BY 2, 1 LIMIT 1) f;
END $$;

CREATE FUNCTION investmap_subject_distances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_subject text := TG_ARGV[0];
  ids int[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(id) INTO ids FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Only a moved park or carrier changes its distances (status edits are the common update).
    SELECT array_agg(n.id) INTO ids FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE NOT ST_Equals(n.location, o.location);
  ELSE
    DELETE FROM facility_distances d USING old_rows o WHERE d.subject = v_subject AND d.subject_id = o.id;
    RETURN NULL;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM investmap_refresh_distances(v_subject, ids, NULL);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION investmap_facility_distances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kinds text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT kind) INTO kinds FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT kind) INTO kinds FROM (
      SELECT o.kind FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.kind, o.published) IS DISTINCT FROM (n.kind, n.published) OR NOT ST_Equals(o.location, n.location)
      UNION ALL
      SELECT n.kind FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.kind, o.published) IS DISTINCT FROM (n.kind, n.published) OR NOT ST_Equals(o.location, n.location)) changed;
  ELSE
    SELECT array_agg(DISTINCT kind) INTO kinds FROM old_rows;
  END IF;
  IF kinds IS NOT NULL THEN
    PERFORM investmap_refresh_distances('park', NULL, kinds);
    PERFORM investmap_refresh_distances('carrier', NULL, kinds);
  END IF;
  RETURN NULL;
END $$;
"""

TRIGGERS = [
    (table, event, function, arg)
    for table, function, arg in (
        ("parks", "investmap_subject_distances", "'park'"),
        ("carriers", "investmap_subject_distances", "'carrier'"),
        ("facilities", "investmap_facility_distances", ""),
    )
    for event in ("INSERT", "UPDATE", "DELETE")
]


def _transition(event: str) -> str:
    return {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}.get(
        event, "OLD TABLE AS old_rows"
    )


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("region_adcode", sa.String(6), nullable=True),
        sa.Column(
            "location",
            geoalchemy2.types.Geometry(
                geometry_type="POINT", srid=4326, spatial_index=False, from_text="ST_GeomFromEWKT", name="geometry"
            ),
            nullable=False,
        ),
        sa.Column(
            "geog",
            geoalchemy2.types.Geography(
                geometry_type="POINT", srid=4326, spatial_index=False, from_text="ST_GeogFromText", name="geography"
            ),
            sa.Computed("location::geography", persisted=True),
        ),
        sa.Column("location_precision", sa.Text(), server_default="exact", nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("osm_id", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_facilities_kind")),
        sa.CheckConstraint(
            "location_precision IN ('exact', 'town', 'county', 'city')", name=op.f("ck_facilities_location_precision")
        ),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_facilities_name_length")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_facilities_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("osm_id", name=op.f("uq_facilities_osm_id")),
    )
    op.create_index(op.f("ix_facilities_region_adcode"), "facilities", ["region_adcode"])
    op.create_index(op.f("ix_facilities_published"), "facilities", ["published"])
    op.create_index("idx_facilities_location", "facilities", ["location"], postgresql_using="gist")
    # btree_gist lets one GiST index hold the kind beside the point: "the nearest airport" is an
    # index condition on the kind and a KNN walk on the point (a standard contrib extension,
    # trusted since PostgreSQL 13; left in place by the downgrade, others may use it).
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_index(
        "ix_facilities_kind_geog_published",
        "facilities",
        ["kind", "geog"],
        postgresql_using="gist",
        postgresql_where=sa.text("published"),
    )
    op.create_table(
        "facility_distances",
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.CheckConstraint("subject IN ('park', 'carrier')", name=op.f("ck_facility_distances_subject")),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_facility_distances_kind")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facilities.id"], name=op.f("fk_facility_distances_facility_id_facilities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("subject", "subject_id", "kind", name=op.f("pk_facility_distances")),
    )
    op.create_index(op.f("ix_facility_distances_facility_id"), "facility_distances", ["facility_id"])
    op.create_index("ix_facility_distances_kind_m", "facility_distances", ["subject", "kind", "distance_m"])
    op.execute(FUNCTIONS)
    for table, event, function, arg in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {table}_distances_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {_transition(event)} FOR EACH STATEMENT EXECUTE FUNCTION {function}({arg})"
        )
    # Audited and versioned like the other published records (functions of 0003), and a data
    # version for the layer's caches (0004/0009).
    op.execute(
        "CREATE TRIGGER facilities_audit AFTER INSERT OR UPDATE OR DELETE ON facilities "
        "FOR EACH ROW EXECUTE FUNCTION investmap_audit('id')"
    )
    op.execute("CREATE TRIGGER facilities_touch BEFORE UPDATE ON facilities FOR EACH ROW EXECUTE FUNCTION investmap_touch()")
    op.execute("INSERT INTO data_versions (table_name) VALUES ('facilities')")
    op.execute(
        "CREATE TRIGGER trg_facilities_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    for table, event, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_distances_{event.lower()} ON {table}")
    op.execute("DROP FUNCTION investmap_facility_distances()")
    op.execute("DROP FUNCTION investmap_subject_distances()")
    op.execute("DROP FUNCTION investmap_refresh_distances(text, int[], text[])")
    op.drop_table("facility_distances")
    op.drop_table("facilities")
    op.execute("DELETE FROM data_version_log WHERE table_name = 'facilities'")
