"""coffee attendance: staff mark a past coffee attended or no-show

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("booking") as batch:
        batch.add_column(sa.Column("attendance", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("attendance_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("attendance_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("attendance_at")
        batch.drop_column("attendance_by")
        batch.drop_column("attendance")
