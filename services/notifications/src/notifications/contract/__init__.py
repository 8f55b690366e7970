"""The public event contract served to integrators: JSON Schemas and the AsyncAPI document."""
