"""One sub-package per surface: local (in-process), slack, discord."""
