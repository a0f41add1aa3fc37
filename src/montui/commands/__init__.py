"""Non-interactive subcommands (`montui alarms`, later `montui query`)."""
