"""Vietnamese message templates (Jinja2, sandboxed) and the filters they use."""
