"""Persistence: models, repositories, migrations and the crypto for data at rest.

This package imports nothing from ``bot`` or ``conversations``.
"""
