"""An inbound text's turn: storing it exactly once, routing it to its patient and check-in,
obeying keywords, raising flags for warning signs, and composing the answer.

May import: ``understanding``, ``patients``, ``flags``, ``protocols``, ``staff``,
``sending`` (its sibling), and the root's models, states, runtime and logs. Never Flask or
APScheduler: the webhook in ``webhooks`` is the way in.
"""
