"""Rankings of the branches of a subtree, grouped by branch sub-kind, frozen when published."""
