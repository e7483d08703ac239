"""The composition root: the one place that builds the core services and the platforms'
bots, senders and moderator directory from settings, each complete before it is used."""
