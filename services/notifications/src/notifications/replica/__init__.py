"""The local replica of the registry this service needs: observer assignments on top of the
shared organisation tree (`org_tree`: names, parents over time, meeting windows)."""
