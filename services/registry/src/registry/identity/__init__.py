"""Users, service and agency clients, access tokens, signing keys and the audit log."""
