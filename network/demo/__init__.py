"""The demo network loaded by `manage.py seed_demo`: it builds on every app through their services.

Nothing in the project imports this package; it imports the apps.
"""
