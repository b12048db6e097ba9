"""Path 1, the candidate: a message arrives (channels), is answered (answering),
rated (feedback); chat sessions and language detection."""
