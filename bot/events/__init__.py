"""Registrations for dated events (open house, reverse Q&A): seats, waitlist, offers,
the reverse Q&A's questions and votes, the hackathon's "tell me" list, and their e-mails.

Times are naive UTC in the database; an event's date and times are office time
(bot.records.models.Event), turned into UTC by `bot.events.terms`.
"""
