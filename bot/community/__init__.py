"""The talent community (issue 14): candidates for whom no position fits today leave
their wishes and are told, at most once a week, when one that fits opens.

models: members (pending until the e-mail's link is clicked) and the positions waiting
to be announced to each; service: signing up, confirming, renewing, leaving, matching
a newly opened position, the weekly e-mails, expiry, erasure and HR's counts; views:
the e-mails' link pages; mail: what the e-mails say and the sweep that sends them.
"""
