"""The inbox: what candidates asked that HR should look at (kept by the assistant)."""
