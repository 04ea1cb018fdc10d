"""Protocols: the files and their versions, the limits every setting keeps (checked for the
editor and for ``init-db``), stable step keys, schedule arithmetic (due times, delivery
windows), re-planning after a change by step key, and SMS segment counts for the editor.

May import: ``staff`` (the audit log) and the models, states and runtime at the root.
Never Flask or APScheduler.
"""
