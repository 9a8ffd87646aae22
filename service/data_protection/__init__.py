"""Data protection mechanics: retention, anonymisation, erasure and legal holds."""
