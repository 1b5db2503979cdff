"""Encryption at rest for personal fields: MultiFernet with keys from the environment, rotatable."""
