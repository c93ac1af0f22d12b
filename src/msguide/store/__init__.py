"""The local store: SQLAlchemy models, full-text search, import and rollback. No Qt."""
