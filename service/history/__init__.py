"""History: the audit trail, its anchors and verification, a case's history, the access log."""
