"""Notifications: the outbox written with each step, and the worker that sends them after commit."""
