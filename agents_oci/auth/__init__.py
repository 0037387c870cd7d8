"""Credentials: sources (API key, session token, principals, signers, Oracle's
auth objects), the refresher that renews them off the event loop, and the pure
signature.

Takes :class:`~agents_oci.config.settings.Settings`; knows nothing about HTTP.
"""
