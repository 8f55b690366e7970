"""E-mail over SMTP, and a local SMTP sink to see what would have been sent."""
