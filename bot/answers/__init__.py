"""From a question to an answer: search, the answering policy and its confidence model."""
