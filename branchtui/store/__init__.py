"""Persistence: Peewee models, the database opener, fields and migrations."""
