"""The Secretariat's queue: unanswered questions grouped, answered once, every action audited."""
