"""Go-live dates: from which day each organisation (and, by inheritance, its subtree) is judged."""
