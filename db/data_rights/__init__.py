"""Data rights on the storage side: export and import of a customer's archive,
forgetting a person, retention of message text, and backups.

None of it deletes a row: counts, timings and SLA metrics are computed from rows
and timestamps, so erasure replaces text and names and leaves the rows in place."""
