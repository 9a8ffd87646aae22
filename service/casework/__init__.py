"""Casework: the application services that run the policy. Views and the API call these; they own
the transaction (through ``Database.transaction``) and never see HTTP."""
