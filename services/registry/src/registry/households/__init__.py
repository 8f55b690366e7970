"""Household responsibility: a member follows some households of the village and reports on them."""
