"""event seat alerts: the recruiters are told once when an event passes 80 % and 100 %
of its seats

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_seat_alert",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_seat_alert_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "threshold", name=op.f("pk_event_seat_alert")),
    )


def downgrade() -> None:
    op.drop_table("event_seat_alert")
