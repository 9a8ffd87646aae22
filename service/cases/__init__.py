"""Cases of any process: who may start one, what it is called, what it keeps."""
