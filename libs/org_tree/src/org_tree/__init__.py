"""The registry's organisation tree as every other service sees it: the local replica (tables,
order-independent application of the registry's facts, dated tree queries), the scope tree built
on it, the paged backfill, and the client services use to call the registry."""
