"""Bulk import of organisations and members from the CSV and XLSX lists provinces keep."""
