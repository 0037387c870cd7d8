"""Configuration: the precedence table, the OCI config file, regions and realms.

Reads the world (keywords, environment, ``~/.oci/config``) once and returns a
frozen :class:`~agents_oci.config.settings.Settings` whose every value knows
its source. Nothing here signs or sends anything.
"""
