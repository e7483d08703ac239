"""The `huribot` command line: operators' and moderators' entry point."""
