"""Path 3, HR: editing the knowledge base, triaging the inbox, analytics, the
workspace, and retraining the model."""
