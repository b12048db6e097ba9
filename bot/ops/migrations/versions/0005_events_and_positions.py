"""events and positions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("place_fr", sa.String(length=200), nullable=True),
        sa.Column("place_en", sa.String(length=200), nullable=True),
        sa.Column("note_fr", sa.String(length=500), nullable=True),
        sa.Column("note_en", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index(op.f("ix_event_date"), "event", ["date"], unique=False)
    op.create_index(op.f("ix_event_kind"), "event", ["kind"], unique=False)
    op.create_index(op.f("ix_event_status"), "event", ["status"], unique=False)
    op.create_table(
        "job_position",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title_fr", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("location_fr", sa.String(length=120), nullable=False),
        sa.Column("location_en", sa.String(length=120), nullable=False),
        sa.Column("salary_min", sa.Integer(), nullable=False),
        sa.Column("salary_max", sa.Integer(), nullable=False),
        sa.Column("salary_note_fr", sa.String(length=120), nullable=True),
        sa.Column("salary_note_en", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_position")),
    )
    op.create_index(
        op.f("ix_job_position_article_id"), "job_position", ["article_id"], unique=False
    )
    op.create_index(op.f("ix_job_position_status"), "job_position", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_job_position_status"), table_name="job_position")
    op.drop_index(op.f("ix_job_position_article_id"), table_name="job_position")
    op.drop_table("job_position")
    op.drop_index(op.f("ix_event_status"), table_name="event")
    op.drop_index(op.f("ix_event_kind"), table_name="event")
    op.drop_index(op.f("ix_event_date"), table_name="event")
    op.drop_table("event")
