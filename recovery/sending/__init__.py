"""Texts going out: the due-work pass (check-ins falling due, reminders, waits that end),
the outbox with its claims and leases, pacing, the SMS gateways (Twilio and console),
delivery statuses, reconciliation after a crash, and Twilio's request signatures.

May import: ``patients``, ``flags``, ``protocols``, ``staff``, and the root's models,
states, runtime and logs. Never Flask or APScheduler: ``jobs`` runs the pass on a clock.
"""
