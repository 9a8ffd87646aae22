"""People and groups: who works which task is data an administrator keeps."""
