"""Chat intake: what a message is (command, small talk or question) and the replies to it."""
