"""The meetings service: meeting records, observer reports and requests (kiến nghị)."""
