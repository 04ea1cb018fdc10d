"""Flags: the rules over answers, a flag's lifecycle (raise, update, acknowledge,
resolve), paging on-call and its escalation, and the worklist query.

May import: ``protocols`` and ``patients`` (its siblings), ``staff`` (the audit log), and
the models, states and runtime at the root. Never Flask or APScheduler.
"""
