"""the talent community: its members (pending until confirmed) and the positions
waiting to be announced to each

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_member",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("teams", sa.JSON(), nullable=False),
        sa.Column("locations", sa.JSON(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("renewal_sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_mailed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_member")),
        sa.UniqueConstraint("public_id", name=op.f("uq_community_member_public_id")),
    )
    for column in ("email_key", "conversation_id", "created_at", "confirmed_at", "expires_at"):
        op.create_index(op.f(f"ix_community_member_{column}"), "community_member", [column])
    op.create_table(
        "community_notice",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["community_member.id"],
            name=op.f("fk_community_notice_member_id_community_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_notice")),
        sa.UniqueConstraint("member_id", "job_id", name=op.f("uq_community_notice_member_id")),
    )
    op.create_index(op.f("ix_community_notice_member_id"), "community_notice", ["member_id"])
    op.create_index(op.f("ix_community_notice_sent_at"), "community_notice", ["sent_at"])


def downgrade() -> None:
    op.drop_table("community_notice")
    op.drop_table("community_member")
