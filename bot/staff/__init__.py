"""Staff accounts (recruiters, HR), their sign-in sessions and the role gate."""
