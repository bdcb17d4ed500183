"""Shared infrastructure: settings, database, errors, embedded PostgreSQL."""
