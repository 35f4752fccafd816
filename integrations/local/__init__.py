"""The local platform: an in-process chat for the demo and for handler tests."""

from integrations.local.platform import LocalMessage, LocalPlatform

__all__ = ["LocalMessage", "LocalPlatform"]
