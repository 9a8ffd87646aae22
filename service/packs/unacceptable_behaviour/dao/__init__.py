"""The policy pack's data access: plain, verb-named functions over its own records that take a Session. None commits."""
