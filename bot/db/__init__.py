"""Database: typed ORM models, engine set-up and Alembic migrations (SQLite and PostgreSQL)."""
