"""Signed webhooks (Standard Webhooks scheme): signing, secrets and rotation, sending."""
