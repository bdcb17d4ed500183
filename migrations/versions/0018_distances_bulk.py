"""infrastructure: the distance triggers stand down in bulk loads; one set-based rebuild instead

The triggers of 0014 keep `facility_distances` current statement by statement. In a bulk load
(`investmap.bulk`, 0003) or when a writer defers them (`investmap.defer_distances`, a file import
of many rows, a load of facilities), they do nothing, and the writer recomputes what it wrote in
one statement before it commits: `investmap_distances_rebuild()` (everything) or
`investmap_refresh_distances(subject, ids, NULL)` (0014, the rows it wrote). Row-by-row statements
each paid a KNN lookup; each facility inserted by a load recomputed every park and carrier.

Two covering indexes for site matching (app/sites/matching.py), read alone once vacuumed: the
candidates of a kind and status, by park, with the columns the hard criteria test; a site's
distance of one kind, in the order of the sites.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEFERRED = """
CREATE FUNCTION investmap_distances_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT investmap_bulk() OR coalesce(current_setting('investmap.defer_distances', true), '') = 'on'
$$;

-- Every park's and carrier's nearest facilities, recomputed whole (after a bulk load).
CREATE FUNCTION investmap_distances_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  -- No write to what the distances read between the recount and the commit.
  LOCK TABLE parks, carriers, facilities IN SHARE MODE;
  TRUNCATE facility_distances;
  PERFORM investmap_refresh_distances('park', NULL, NULL);
  PERFORM investmap_refresh_distances('carrier', NULL, NULL);
  RETURN (SELECT count(*) FROM facility_distances);
END $$;
"""

# The bodies of 0014's trigger functions, with the early return first.
_GUARD = "BEGIN\n  IF investmap_distances_deferred() THEN RETURN NULL; END IF;\n"

_SUBJECT = """
CREATE OR REPLACE FUNCTION investmap_subject_distances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_subject text := TG_ARGV[0];
  ids int[];
{begin}  IF TG_OP = 'INSERT' THEN
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
"""

_FACILITY = """
CREATE OR REPLACE FUNCTION investmap_facility_distances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kinds text[];
{begin}  IF TG_OP = 'INSERT' THEN
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


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_carriers_match ON carriers (kind, status, park_id) "
        "INCLUDE (id, published, is_demo, area_m2, land_use, price_wan_per_mu, rent_yuan_m2_month)"
    )
    op.execute(
        "CREATE INDEX ix_facility_distances_lookup ON facility_distances (subject, kind, subject_id) "
        "INCLUDE (distance_m, facility_id)"
    )
    op.execute(_DEFERRED)
    op.execute(_SUBJECT.format(begin=_GUARD))
    op.execute(_FACILITY.format(begin=_GUARD))


def downgrade() -> None:
    op.execute(_SUBJECT.format(begin="BEGIN\n"))
    op.execute(_FACILITY.format(begin="BEGIN\n"))
    op.execute("DROP FUNCTION investmap_distances_rebuild()")
    op.execute("DROP FUNCTION investmap_distances_deferred()")
    op.execute("DROP INDEX ix_facility_distances_lookup")
    op.execute("DROP INDEX ix_carriers_match")
