"""ats deliveries: the outbox of events for the company's applicant tracking system

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ats_delivery",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("application", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ats_delivery")),
        sa.UniqueConstraint("key", name=op.f("uq_ats_delivery_key")),
    )
    for column in ("application", "next_attempt_at", "finished_at"):
        op.create_index(op.f(f"ix_ats_delivery_{column}"), "ats_delivery", [column])


def downgrade() -> None:
    op.drop_table("ats_delivery")
