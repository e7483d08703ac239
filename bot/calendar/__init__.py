"""The calendar of countries' engagements with the human-rights mechanisms."""
