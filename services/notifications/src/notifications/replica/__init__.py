"""The local replica of the registry this service needs: observer assignments on top of the
shared organisation tree (`service_kit.replica`: names, parents over time, meeting windows)."""
