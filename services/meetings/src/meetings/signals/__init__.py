"""Signals that a meeting was held only for form's sake (hình thức), computed from its record and
the branch's earlier months: shown beside the score, never changing it."""
