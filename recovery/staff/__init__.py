"""Staff: accounts (passwords, sign-in checks, lockout, deactivation), API tokens, and the
audit log every capability writes to.

May import: the models, states and types at the root. Never Flask or APScheduler.
"""
