"""Protocols: the files and their versions, schedule arithmetic (due times, delivery
windows), re-planning after a change, and SMS segment counts for the editor.

May import: ``staff`` (the audit log) and the models, states and runtime at the root.
Never Flask or APScheduler.
"""
