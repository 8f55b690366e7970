"""Party members: dated status history, home/residence/attached branches, the roster."""
