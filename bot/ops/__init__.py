"""Running the whole thing: the CLI, the process launcher, privacy jobs, schema migrations."""
