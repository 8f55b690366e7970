"""A small local copy of the registry: organisation names, parents, meeting windows, observers."""
