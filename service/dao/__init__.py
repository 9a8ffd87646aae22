"""Data access: plain, verb-named functions that take a Session and return models. None of them commits."""
