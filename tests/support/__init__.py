"""Helpers the tests share: databases, apps, callers, records, reference files, servers."""
