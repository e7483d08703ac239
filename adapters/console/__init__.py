"""Console adapter: chat with the bot in a terminal, through the same core as Slack and Teams."""
