"""The clock: APScheduler set-up that wakes the due-work pass (``recovery.sending``), in a
process of its own (``flask scheduler``) or beside the web app (``flask serve``).

An adapter: may import any capability and the root, never ``web``, ``api`` or ``webhooks``.
"""
