"""Presence: the platform-neutral core."""
