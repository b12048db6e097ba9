"""ambassadors and bookings (team coffees)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Partial unique indexes: only confirmed bookings hold a slot or a seat (SQLite and PostgreSQL).
CONFIRMED = sa.text("status = 'confirmed'")


def upgrade() -> None:
    op.create_table(
        "ambassador",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("bio_fr", sa.Text(), nullable=False),
        sa.Column("bio_en", sa.Text(), nullable=False),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador")),
    )
    op.create_index(op.f("ix_ambassador_team"), "ambassador", ["team"], unique=False)
    op.create_table(
        "ambassador_pause",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ambassador_id", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_ambassador_pause_ambassador_id_ambassador"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador_pause")),
    )
    op.create_index(
        op.f("ix_ambassador_pause_ambassador_id"),
        "ambassador_pause",
        ["ambassador_id"],
        unique=False,
    )
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("ambassador_id", sa.String(length=64), nullable=False),
        sa.Column("start_utc", sa.DateTime(), nullable=False),
        sa.Column("end_utc", sa.DateTime(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("candidate_name", sa.String(length=80), nullable=False),
        sa.Column("candidate_email", sa.String(length=254), nullable=False),
        sa.Column("upcoming_email", sa.String(length=254), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("candidate_timezone", sa.String(length=64), nullable=True),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_24h_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_1h_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_booking_ambassador_id_ambassador"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("public_id", name=op.f("uq_booking_public_id")),
        sa.UniqueConstraint("upcoming_email", name=op.f("uq_booking_upcoming_email")),
    )
    op.create_index(op.f("ix_booking_ambassador_id"), "booking", ["ambassador_id"], unique=False)
    op.create_index(
        op.f("ix_booking_conversation_id"), "booking", ["conversation_id"], unique=False
    )
    op.create_index(op.f("ix_booking_start_utc"), "booking", ["start_utc"], unique=False)
    op.create_index(op.f("ix_booking_status"), "booking", ["status"], unique=False)
    op.create_index(
        "ux_booking_slot",
        "booking",
        ["ambassador_id", "start_utc"],
        unique=True,
        sqlite_where=CONFIRMED,
        postgresql_where=CONFIRMED,
    )
    op.create_index(
        "ux_booking_seat",
        "booking",
        ["ambassador_id", "week_start", "seat"],
        unique=True,
        sqlite_where=CONFIRMED,
        postgresql_where=CONFIRMED,
    )


def downgrade() -> None:
    op.drop_index("ux_booking_seat", table_name="booking")
    op.drop_index("ux_booking_slot", table_name="booking")
    op.drop_index(op.f("ix_booking_status"), table_name="booking")
    op.drop_index(op.f("ix_booking_start_utc"), table_name="booking")
    op.drop_index(op.f("ix_booking_conversation_id"), table_name="booking")
    op.drop_index(op.f("ix_booking_ambassador_id"), table_name="booking")
    op.drop_table("booking")
    op.drop_index(op.f("ix_ambassador_pause_ambassador_id"), table_name="ambassador_pause")
    op.drop_table("ambassador_pause")
    op.drop_index(op.f("ix_ambassador_team"), table_name="ambassador")
    op.drop_table("ambassador")
