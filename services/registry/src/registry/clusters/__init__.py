"""Rotation clusters: 3–4 branches that attend each other's meetings (luân phiên theo cụm)."""
