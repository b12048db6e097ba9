"""Human handoff: a recruiter takes over a conversation live, then hands it back."""
