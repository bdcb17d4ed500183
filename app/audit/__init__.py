"""The audit trail of every write and the earlier versions of parks, carriers and clusters.

Both are kept by PostgreSQL triggers (see migrations/versions/0003_*), so no write path, in
the API or outside it, can forget them; the application only says who is writing, per
transaction, through `set_config('investmap.actor', ...)`.
"""
