"""The organisation tree: provinces, communes, grassroots organisations, branches."""
