"""job facets: the cities, remote policy, level, contract and languages candidates filter
open positions by (all optional: not stated until HR fills them in)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_position") as batch:
        batch.add_column(sa.Column("cities", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("remote", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("level", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("contract", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("job_position") as batch:
        for name in ("languages", "contract", "level", "remote", "cities"):
            batch.drop_column(name)
