"""OCI's agent platform through the Agents SDK: conversations, compaction, hosted tools, files.

Beside the model flow: the provider hands these objects its signed client;
nothing here builds credentials of its own.
"""

from __future__ import annotations

from .compaction import OCIResponsesCompactionSession
from .conversations import OCIConversationsSession

__all__ = ["OCIConversationsSession", "OCIResponsesCompactionSession"]
