"""Knowledge base: parsing source files, text analysis, the search index. Knows nothing of chat."""
