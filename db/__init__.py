"""Storage: SQLAlchemy 2 async models, engine setup, queries and migrations."""
