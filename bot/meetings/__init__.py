"""Team coffees: candidates book an informal 30-minute video coffee with an employee.

Volunteer employees ("ambassadors") give weekly windows and a weekly cap;
`slots` turns them into free 30-minute slots, `booking` books, moves and
cancels them with database constraints (never check-then-insert), so two
candidates never share a slot and a cap is never exceeded.
"""
