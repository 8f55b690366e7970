"""The agencies' HTTP feed: the public stream, read a page at a time, filtered by each agency's
grant."""
