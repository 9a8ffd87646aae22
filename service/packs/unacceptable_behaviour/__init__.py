"""The Unacceptable Behaviour Policy as a pack: the first process on the platform."""
