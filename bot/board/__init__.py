"""The customer loop, platform-neutral: the idea board's duplicate finder, the
service status read from a Statuspage summary, and the config of both."""
