"""Twilio's way in: inbound SMS and delivery-status callbacks, with signature checks."""
