"""Compliance detectors: the roll facts they read, the flags they raise once."""
