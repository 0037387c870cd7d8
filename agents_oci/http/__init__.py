"""The HTTP layer: the signing ``Auth`` core, its twins for ``httpx2`` and
``httpx``, loop-local connection pools and the event-stream guard.

Takes a :class:`~agents_oci.auth.refresher.Refresher`; knows nothing about agents.
"""
