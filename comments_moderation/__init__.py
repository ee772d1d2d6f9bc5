"""Dialogue's comment system: intake endpoint, pending queue, moderation CLI, publishing.

The reader's half (``intake``, ``validate``, ``spam``) stores submissions in the SQLite queue
(``db``, ``queue``); the moderator's half (``cli``, ``permissions``, ``publish``) decides them
and writes approved comments into ``content/comments/`` through generator's comment format.
"""
