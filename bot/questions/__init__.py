"""The question log: every question asked, the workers that answer them, figures and forgetting."""
