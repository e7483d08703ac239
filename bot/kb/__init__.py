"""The knowledge base: stored replies and guidance, the search index kept in step, figures."""
