"""Training models from the knowledge base, checking them on the held-out gate,
and putting them live on every Rasa process.

run.py (a build's life: start, train, check; the jobs the workspace calls),
deployment.py (going live, the model a restart serves), builds.py (the
ModelBuild table and its state changes), progress.py (rasa train's output),
servers.py (the Rasa processes' reload route), processes.py (the build's OS
process), evaluation.py (held-out accuracy), model.py (fingerprint, training),
state.py (the workspace panel's JSON).
"""
