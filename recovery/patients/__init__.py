"""Patients and their follow-ups: enrollment, its validation, consent (STOP and START),
the CSV import, and a nurse's pause, resume, withdraw and reinstate.

May import: ``flags`` and ``protocols`` (its siblings), ``staff`` (the audit log), and the
models, states and runtime at the root. Never Flask or APScheduler.
"""
