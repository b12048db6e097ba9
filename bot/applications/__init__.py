"""Applying from the chat (issue 14): applications, the CVs they carry, and their checks.

A candidate applies with one structured message (`/apply{...}`, README "Reply
contract"); a CV is uploaded first to the web server (POST /apply/cv), checked by
its content, stored outside the web root under a random name, and referred to by
the token the upload returns. Recruiters follow applications in the console.
"""
