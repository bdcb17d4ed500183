"""english names: regions' English names, parks' pinyin, and the keys the search box matches

A region gets its English name (Nanchang City, Honggutan District); a park its name in pinyin,
shown in English mode where it has no official English name. Both get a search key (their names in
Chinese, full pinyin, pinyin initials, English and English acronyms), matched token by token with
LIKE, so a trigram index serves it. The reference loader and the park writes fill them.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.add_column("regions", sa.Column("name_en", sa.Text()))
    op.add_column("regions", sa.Column("search_key", sa.Text()))
    op.add_column("parks", sa.Column("name_pinyin", sa.Text()))
    op.add_column("parks", sa.Column("search_key", sa.Text()))
    for table in ("regions", "parks"):
        op.create_index(
            f"ix_{table}_search_key",
            table,
            ["search_key"],
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        )


def downgrade() -> None:
    for table in ("regions", "parks"):
        op.drop_index(f"ix_{table}_search_key", table_name=table)
    op.drop_column("parks", "search_key")
    op.drop_column("parks", "name_pinyin")
    op.drop_column("regions", "search_key")
    op.drop_column("regions", "name_en")
