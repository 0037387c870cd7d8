"""``python -m agents_oci``: the ``agents-oci`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
