"""The decision log: an append-only, hash-chained record of every decision (`log`), its
records and their canonical form (`records`), signed checkpoints (`checkpoints`) and their
keys (`keys`), and verification that re-evaluates every record (`verification`). Used by
the command line and the service alike; nothing here knows HTTP."""
