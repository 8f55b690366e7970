"""The local replica of the registry this service needs: rosters and observer assignments on
top of the shared organisation tree (`org_tree`)."""
