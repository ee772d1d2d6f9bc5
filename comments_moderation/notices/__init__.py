"""Notices: who is told of a comment, by email and webhooks, and the outbox that sends each once.

See comments_moderation/README.md, "Notices: the outbox", for the modules and the flow.
"""
