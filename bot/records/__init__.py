"""HR-managed records: candidate events (dated occurrences) and open positions.

HR keeps them current in the workspace; the assistant reads them at the moment
it answers, so a cancelled date or a closed position changes the next answer.
"""
