"""chibo portal: server-rendered pages over the registry, meetings, scoring and notifications."""
