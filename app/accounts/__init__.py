"""Accounts: users with roles and regional scopes, sessions, API keys for partner systems."""
