"""What every part stands on: settings, database, clock, audit log, Rasa's tracker
store as we read it, and conversation transcripts."""
