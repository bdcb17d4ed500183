"""infrastructure: one row of nearest-facility distances per carrier, for site matching

`facility_distances` holds one row per carrier and kind: a match with distance criteria looked
each kind up apart, one index probe per site and kind (bench/RESULTS.md, 250,000 carriers).
`carrier_distances` holds the same metres as one row per carrier, a column per kind, so a site's
distances are one lookup. It is written where `facility_distances` is, by the same function:
`investmap_refresh_distances` (0014, renamed `investmap_refresh_facility_distances`) becomes a
wrapper that rewrites the carriers' rows after it; the rebuild (0018) empties both tables; a
statement trigger drops a deleted carrier's row (standing down in a bulk load, as 0018's do).
A carrier with no published facility of any kind has no row (its distances are unknown).

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("airport", "rail_station", "port", "expressway_exit", "freight_hub", "university")

_COLUMNS = ", ".join(f"{k}_m" for k in KINDS)
_PIVOT = ", ".join(f"max(d.distance_m) FILTER (WHERE d.kind = '{k}')" for k in KINDS)

_WRAPPER = f"""
CREATE FUNCTION investmap_refresh_distances(p_subject text, p_ids int[], p_kinds text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM investmap_refresh_facility_distances(p_subject, p_ids, p_kinds);
  IF p_subject = 'carrier' THEN
    DELETE FROM carrier_distances c WHERE p_ids IS NULL OR c.carrier_id IN (SELECT unnest(p_ids));
    INSERT INTO carrier_distances (carrier_id, {_COLUMNS})
    SELECT d.subject_id, {_PIVOT}
    FROM facility_distances d
    WHERE d.subject = 'carrier' AND (p_ids IS NULL OR d.subject_id IN (SELECT unnest(p_ids)))
    GROUP BY d.subject_id;
  END IF;
END $$;

CREATE FUNCTION investmap_carrier_distances_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF investmap_distances_deferred() THEN RETURN NULL; END IF;
  DELETE FROM carrier_distances c USING old_rows o WHERE c.carrier_id = o.id;
  RETURN NULL;
END $$;

CREATE TRIGGER carriers_carrier_distances_delete AFTER DELETE ON carriers
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION investmap_carrier_distances_gone();
"""

_REBUILD = """
CREATE OR REPLACE FUNCTION investmap_distances_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  -- No write to what the distances read between the recount and the commit.
  LOCK TABLE parks, carriers, facilities IN SHARE MODE;
  TRUNCATE facility_distances{also};
  PERFORM investmap_refresh_distances('park', NULL, NULL);
  PERFORM investmap_refresh_distances('carrier', NULL, NULL);
  RETURN (SELECT count(*) FROM facility_distances);
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "carrier_distances",
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        *[sa.Column(f"{k}_m", sa.Float(), nullable=True) for k in KINDS],
        sa.PrimaryKeyConstraint("carrier_id", name=op.f("pk_carrier_distances")),
    )
    op.execute("ALTER FUNCTION investmap_refresh_distances(text, int[], text[]) RENAME TO investmap_refresh_facility_distances")
    op.execute(_WRAPPER)
    op.execute(_REBUILD.format(also=", carrier_distances"))
    op.execute(
        f"INSERT INTO carrier_distances (carrier_id, {_COLUMNS}) SELECT d.subject_id, {_PIVOT} "
        "FROM facility_distances d WHERE d.subject = 'carrier' GROUP BY d.subject_id"
    )


def downgrade() -> None:
    op.execute(_REBUILD.format(also=""))
    op.execute("DROP TRIGGER carriers_carrier_distances_delete ON carriers")
    op.execute("DROP FUNCTION investmap_carrier_distances_gone()")
    op.execute("DROP FUNCTION investmap_refresh_distances(text, int[], text[])")
    op.execute("ALTER FUNCTION investmap_refresh_facility_distances(text, int[], text[]) RENAME TO investmap_refresh_distances")
    op.drop_table("carrier_distances")
