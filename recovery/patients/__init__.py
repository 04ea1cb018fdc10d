"""Patients and their follow-ups: enrollment, its validation, who a patient is (the same
person again, people sharing a phone, one active follow-up per phone), consent (STOP and
START, a phone's), the CSV import, a nurse's pause, resume, withdraw and reinstate, and
what is held about a patient: its export, erasure and retention.

May import: ``flags`` and ``protocols`` (its siblings), ``staff`` (the audit log), and the
models, states and runtime at the root. Never Flask or APScheduler.
"""
