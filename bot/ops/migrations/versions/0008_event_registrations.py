"""event registrations: per-event terms, registrations and waitlist, reverse Q&A questions
and votes, hackathon alerts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Partial unique indexes (SQLite and PostgreSQL): seats are held by confirmed and
# offered registrations; one live registration per e-mail and event.
SEATED = sa.text("status IN ('confirmed', 'offered')")
LIVE = sa.text("status IN ('confirmed', 'offered', 'waitlisted')")


def upgrade() -> None:
    op.create_table(
        "event_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_deadline", sa.DateTime(), nullable=True),
        sa.Column("video_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_settings_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_settings")),
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("offered_at", sa.DateTime(), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=16), nullable=True),
        sa.Column("reminded_day_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_1h_at", sa.DateTime(), nullable=True),
        sa.Column("thanked_at", sa.DateTime(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.Column("attendance", sa.String(length=16), nullable=True),
        sa.Column("attendance_by", sa.String(length=120), nullable=True),
        sa.Column("attendance_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_registration_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("public_id", name=op.f("uq_registration_public_id")),
    )
    op.create_index(
        op.f("ix_registration_conversation_id"), "registration", ["conversation_id"], unique=False
    )
    op.create_index(op.f("ix_registration_event_id"), "registration", ["event_id"], unique=False)
    op.create_index(op.f("ix_registration_status"), "registration", ["status"], unique=False)
    op.create_index(
        "ux_registration_seat",
        "registration",
        ["event_id", "seat"],
        unique=True,
        sqlite_where=SEATED,
        postgresql_where=SEATED,
    )
    op.create_index(
        "ux_registration_email",
        "registration",
        ["event_id", "email_key"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_table(
        "panel_question",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=120), nullable=True),
        sa.Column("article_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_panel_question_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_panel_question_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_question")),
        sa.UniqueConstraint("public_id", name=op.f("uq_panel_question_public_id")),
    )
    op.create_index(
        op.f("ix_panel_question_event_id"), "panel_question", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_panel_question_registration_id"),
        "panel_question",
        ["registration_id"],
        unique=False,
    )
    op.create_index(
        "ux_panel_question_number", "panel_question", ["registration_id", "number"], unique=True
    )
    op.create_table(
        "panel_vote",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["panel_question.id"],
            name=op.f("fk_panel_vote_question_id_panel_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_panel_vote_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_vote")),
    )
    op.create_index(
        op.f("ix_panel_vote_registration_id"), "panel_vote", ["registration_id"], unique=False
    )
    op.create_index("ux_panel_vote", "panel_vote", ["question_id", "registration_id"], unique=True)
    op.create_table(
        "event_alert",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_alert")),
    )
    op.create_index(
        op.f("ix_event_alert_conversation_id"), "event_alert", ["conversation_id"], unique=False
    )
    op.create_index("ux_event_alert_email", "event_alert", ["kind", "email_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_event_alert_email", table_name="event_alert")
    op.drop_index(op.f("ix_event_alert_conversation_id"), table_name="event_alert")
    op.drop_table("event_alert")
    op.drop_index("ux_panel_vote", table_name="panel_vote")
    op.drop_index(op.f("ix_panel_vote_registration_id"), table_name="panel_vote")
    op.drop_table("panel_vote")
    op.drop_index("ux_panel_question_number", table_name="panel_question")
    op.drop_index(op.f("ix_panel_question_registration_id"), table_name="panel_question")
    op.drop_index(op.f("ix_panel_question_event_id"), table_name="panel_question")
    op.drop_table("panel_question")
    op.drop_index("ux_registration_email", table_name="registration")
    op.drop_index("ux_registration_seat", table_name="registration")
    op.drop_index(op.f("ix_registration_status"), table_name="registration")
    op.drop_index(op.f("ix_registration_event_id"), table_name="registration")
    op.drop_index(op.f("ix_registration_conversation_id"), table_name="registration")
    op.drop_table("registration")
    op.drop_table("event_settings")
