"""The notifications service: who is told what, by e-mail, signed webhooks and an in-app inbox."""
