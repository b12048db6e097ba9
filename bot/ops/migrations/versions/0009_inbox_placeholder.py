"""inbox placeholder: an item without the candidate's words keeps an empty text

Items used to store a sentence in place of the question ("(asked for a recruiter)",
"(answer <id> rated not helpful)") that the inbox parsed back; their reason and article
say the same, and HR's inbox now words them from those.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ASKED = "(asked for a recruiter)"


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE inbox_item SET text = '' WHERE reason = 'human_request' AND text = :asked"
        ).bindparams(asked=ASKED)
    )
    op.execute(
        "UPDATE inbox_item SET text = '' WHERE reason = 'not_helpful' "
        "AND text = '(answer ' || article_id || ' rated not helpful)'"
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE inbox_item SET text = :asked WHERE reason = 'human_request' AND text = ''"
        ).bindparams(asked=ASKED)
    )
    op.execute(
        "UPDATE inbox_item "
        "SET text = '(answer ' || COALESCE(article_id, '') || ' rated not helpful)' "
        "WHERE reason = 'not_helpful' AND text = ''"
    )
