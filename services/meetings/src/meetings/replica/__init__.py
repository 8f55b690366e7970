"""The local replica of the registry this service needs: the organisation tree with history."""
