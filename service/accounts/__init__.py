"""Staff accounts: administration, password rules, sign-in with lockout, one-time reset links."""
