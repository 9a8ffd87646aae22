"""Signing in, sessions and the permission every route declares."""
