"""carrier_cells: the overview tiles' grid counts, kept current by the carriers' own triggers; carriers' boxes

Pages of carriers in a bounding box: each carrier's box (west, south, east, north, generated
columns) in an index on id that also holds kind, published and park, so a page is chosen by
walking ids in order, reading the index alone, instead of fetching everything in the box.


Below their detail zoom the land and factory tiles draw carriers counted per cell of a 64 x 64
grid over the tile (app/tiles/sql.py): the cells of a tile at zoom z are the tiles of zoom z + 6,
so one grid, level L = z + 6, serves every tile of that zoom. Counting the raw table on each
request cost in proportion to the carriers in the tile (a z8 tile: seconds at 2.5 million); this
table holds, per level 6-17 (zooms 0-11), cell and combination of the dimensions the map's
filters and the visibility rule use (park, kind, status, land use, standard land, published; and
totals over the last three, which a tile without carrier criteria reads), the number of carriers and the sums of their points in Web Mercator centimetres (integers, so adding
and subtracting is exact and the mean point equals the raw path's to the last bit).

Statement-level triggers with transition tables keep it current in the writing transaction: an
edit of one carrier touches its 12 old and 12 new cells, an import of a few thousand is one
grouped upsert. Bulk loads (`investmap.bulk` on) leave it to `carrier_cells_rebuild()`, which they
call at their end, in their transaction (as `investmap tiles rebuild` does on its own).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DIMENSIONS = "park_id, kind, status, land_use, is_standard_land, published"
# Grouped by: the rows of a tile without carrier criteria are the totals (`total`, status, land
# use and standard land NULL), the others the detail; `published` and `kind` before the cell.
_KEY = "level, tx, ty, total, kind, published, gx, gy, park_id, status, land_use, is_standard_land"

# Rows of `source` (location and dimensions, with `sign` +1 or -1) added into the cells, grouped,
# one detail and one total row per level and cell; a cell whose count reaches 0 is deleted after.
_MERGE = f"""
    INSERT INTO carrier_cells AS c ({_KEY}, n, sx, sy)
    SELECT level, gx >> 6, gy >> 6, total, kind, published, gx, gy, park_id, status, land_use, is_standard_land,
           sum(sign), sum(sign * cx), sum(sign * cy)
    FROM (
        SELECT l.level, investmap_cell(m.x, l.level) AS gx, investmap_cell(-m.y, l.level) AS gy, t.total,
               d.park_id, d.kind, d.published, sign, round(m.x * 100)::bigint AS cx, round(m.y * 100)::bigint AS cy,
               CASE WHEN NOT t.total THEN d.status END AS status, CASE WHEN NOT t.total THEN d.land_use END AS land_use,
               CASE WHEN NOT t.total THEN d.is_standard_land END AS is_standard_land
        FROM ({{source}}) AS d
        CROSS JOIN LATERAL (SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(d.location, 3857) AS p) AS m
        CROSS JOIN generate_series(6, 17) AS l(level)
        CROSS JOIN (VALUES (false), (true)) AS t(total)
    ) AS e
    GROUP BY level, gx, gy, total, kind, published, park_id, status, land_use, is_standard_land
    HAVING sum(sign) <> 0 OR sum(sign * cx) <> 0 OR sum(sign * cy) <> 0
    ON CONFLICT ({_KEY}) DO UPDATE SET n = c.n + excluded.n, sx = c.sx + excluded.sx, sy = c.sy + excluded.sy;
    DELETE FROM carrier_cells WHERE n = 0;
"""
_ROWS = f"SELECT location, {_DIMENSIONS}, {{sign}} AS sign FROM {{table}}"
_CHANGED = (
    f"SELECT id FROM old_rows o JOIN new_rows n USING (id) "
    f"WHERE (o.location, {', '.join('o.' + d for d in _DIMENSIONS.split(', '))}) IS DISTINCT FROM "
    f"(n.location, {', '.join('n.' + d for d in _DIMENSIONS.split(', '))})"
)
_UPDATED = (
    f"{_ROWS.format(sign=-1, table='old_rows')} WHERE id IN ({_CHANGED}) "
    f"UNION ALL {_ROWS.format(sign=1, table='new_rows')} WHERE id IN ({_CHANGED})"
)


_BOX = {"west": "ST_XMin", "south": "ST_YMin", "east": "ST_XMax", "north": "ST_YMax"}


def upgrade() -> None:
    # A page of carriers in a bounding box is chosen by walking this index in id order, reading
    # each carrier's box, kind, visibility and park from the index alone, until the page is full;
    # only those ids are tested exactly (ST_Intersects) and joined (app/core/listing.box_filter).
    op.execute(
        "ALTER TABLE carriers "
        + ", ".join(f"ADD COLUMN {name} float8 GENERATED ALWAYS AS ({fn}(geom)) STORED" for name, fn in _BOX.items())
    )
    op.execute(f"CREATE INDEX ix_carriers_page ON carriers (id) INCLUDE (kind, published, park_id, {', '.join(_BOX)})")
    op.execute("""
        CREATE TABLE carrier_cells (
            level smallint NOT NULL, tx integer NOT NULL, ty integer NOT NULL, total boolean NOT NULL,
            gx integer NOT NULL, gy integer NOT NULL, park_id integer NOT NULL, kind text NOT NULL,
            published boolean NOT NULL, status text, land_use text, is_standard_land boolean,
            n integer NOT NULL, sx bigint NOT NULL, sy bigint NOT NULL
        )
    """)
    # One index serves the upserts (the whole key) and the tiles (level, tx, ty, total: one tile's
    # rows), read alone (index-only) as it holds the counts too.
    op.execute(f"CREATE UNIQUE INDEX ux_carrier_cells ON carrier_cells ({_KEY}) INCLUDE (n, sx, sy) NULLS NOT DISTINCT")
    op.execute("CREATE INDEX ix_carrier_cells_empty ON carrier_cells (level) WHERE n = 0")
    # The cell of a Web Mercator coordinate at a level (x, or -y for rows counted from the north):
    # the raw tile path calls the same function, so both put a point in the same cell.
    op.execute("""
        CREATE FUNCTION investmap_cell(coord float8, level integer) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT least(greatest(floor((coord + 20037508.342789244) / (40075016.685578488 / (1 << level))), 0),
                         (1 << level) - 1)::integer
        $$
    """)
    op.execute(f"""
        CREATE FUNCTION carrier_cells_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- A bulk load (investmap.bulk, migration 0003) recounts the whole table once at its end
            -- (carrier_cells_rebuild): merging 250,000 rows into the cells took minutes, a recount 40 s.
            IF investmap_bulk() THEN RETURN NULL; END IF;
            IF TG_OP = 'INSERT' THEN
                {_MERGE.format(source=_ROWS.format(sign=1, table="new_rows"))}
            ELSIF TG_OP = 'DELETE' THEN
                {_MERGE.format(source=_ROWS.format(sign=-1, table="old_rows"))}
            ELSE
                {_MERGE.format(source=_UPDATED)}
            END IF;
            RETURN NULL;
        END
        $$
    """)
    op.execute(f"""
        CREATE FUNCTION carrier_cells_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
            LOCK TABLE carriers IN SHARE MODE;  -- no write between the count and the commit
            TRUNCATE carrier_cells;
            {_MERGE.format(source=_ROWS.format(sign=1, table="carriers"))}
            RETURN (SELECT count(*) FROM carrier_cells);
        END
        $$
    """)
    for event, refs in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ):
        op.execute(f"""
            CREATE TRIGGER trg_carrier_cells_{event.lower()} AFTER {event} ON carriers
            REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION carrier_cells_maintain()
        """)
    op.execute("SELECT carrier_cells_rebuild()")
    _changes()


# Up to this many carriers a write statement logs each one's old and new box; above, their extent.
_BOXES_PER_STATEMENT = 50
# Rows kept before the oldest are folded into one world-wide row (a cached tile of any place then
# counts them: invalidated once, never stale).
_KEPT_CHANGES = 2000


_BOXES = "SELECT west, south, east, north FROM {0}"
# Each changed carrier's box, or (a bulk load, or more than _BOXES_PER_STATEMENT) one box: the
# world, or the extent of what the statement wrote. A row's weight is its own sequence number.
_LOG = f"""
    WITH boxes AS ({{source}}),
    total AS (SELECT count(*) AS n, min(west) AS w, min(south) AS s, max(east) AS e, max(north) AS nn FROM boxes),
    logged AS (
        SELECT west, south, east, north FROM boxes
        WHERE NOT investmap_bulk() AND (SELECT n FROM total) <= {_BOXES_PER_STATEMENT}
        UNION ALL
        SELECT -180, -90, 180, 90 FROM total WHERE investmap_bulk() AND n > 0
        UNION ALL
        SELECT w, s, e, nn FROM total WHERE NOT investmap_bulk() AND n > {_BOXES_PER_STATEMENT}
    )
    INSERT INTO carrier_changes (seq, weight, west, south, east, north)
    SELECT seq, seq, west, south, east, north
    FROM (SELECT nextval('carrier_changes_seq_seq') AS seq, * FROM logged) AS numbered;
"""


def _changes() -> None:
    """carrier_changes: where each write to carriers happened, so that a worker invalidates only the
    tiles and pages its old and new boxes meet (app/core/versions.py). A place's version is the sum
    of the weights of the rows whose box meets it: it grows with every commit touching the place,
    in whatever order transactions commit, and folding old rows never lowers it."""
    op.execute("""
        CREATE TABLE carrier_changes (
            seq bigserial PRIMARY KEY, weight bigint NOT NULL,
            west float8 NOT NULL, south float8 NOT NULL, east float8 NOT NULL, north float8 NOT NULL
        )
    """)
    op.execute(f"""
        CREATE FUNCTION carrier_changes_log() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {_LOG.format(source=_BOXES.format("new_rows"))}
            ELSIF TG_OP = 'DELETE' THEN
                {_LOG.format(source=_BOXES.format("old_rows"))}
            ELSE
                {_LOG.format(source=_BOXES.format("old_rows") + " UNION ALL " + _BOXES.format("new_rows"))}
            END IF;
            -- The oldest rows folded into one world-wide row of their summed weight; rows another
            -- transaction is folding are skipped, not waited for (as data_version_log, migration 0009).
            IF (SELECT count(*) FROM carrier_changes) > {_KEPT_CHANGES} THEN
                WITH folded AS (
                    DELETE FROM carrier_changes WHERE seq IN (
                        SELECT seq FROM carrier_changes ORDER BY seq LIMIT {_KEPT_CHANGES // 2} FOR UPDATE SKIP LOCKED)
                    RETURNING weight
                )
                INSERT INTO carrier_changes (weight, west, south, east, north)
                SELECT sum(weight), -180, -90, 180, 90 FROM folded HAVING count(*) > 0;
            END IF;
            RETURN NULL;
        END
        $$
    """)
    for event, refs in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ):
        op.execute(f"""
            CREATE TRIGGER trg_carrier_changes_{event.lower()} AFTER {event} ON carriers
            REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION carrier_changes_log()
        """)


def downgrade() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER trg_carrier_changes_{event} ON carriers")
    op.execute("DROP FUNCTION carrier_changes_log()")
    op.execute("DROP TABLE carrier_changes")
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER trg_carrier_cells_{event} ON carriers")
    op.execute("DROP FUNCTION carrier_cells_rebuild()")
    op.execute("DROP FUNCTION carrier_cells_maintain()")
    op.execute("DROP FUNCTION investmap_cell(float8, integer)")
    op.execute("DROP TABLE carrier_cells")
    op.execute("DROP INDEX ix_carriers_page")
    op.execute("ALTER TABLE carriers " + ", ".join(f"DROP COLUMN {name}" for name in _BOX))
