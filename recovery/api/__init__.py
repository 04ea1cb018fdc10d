"""The JSON API for integrators (``/api/v1``), its OpenAPI description, the JSON documents
it answers with, and the health endpoints.

An adapter: may import any capability and the root, never ``web``, ``webhooks`` or ``jobs``.
"""
