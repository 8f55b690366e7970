"""The registry service: organisation tree, members, roles, observers, users and access tokens."""
