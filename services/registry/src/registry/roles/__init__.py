"""Dated roles in organisations and observer assignments of upper-level committee members."""
