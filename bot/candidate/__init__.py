"""Path 1, the candidate: a message arrives (channels, reading its input with inputs and the
tracker store with history), is answered (answering), rated (feedback); chat sessions and
language detection."""
