"""Encrypted database backups, and restores that keep erasures erased (the erasure ledger)."""
