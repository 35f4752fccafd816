"""What happens on each event and each command: plain async functions over neutral
events and the unit of work (bot.context.Context)."""
