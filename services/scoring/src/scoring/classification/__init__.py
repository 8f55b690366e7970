"""Annual classification of branches and members: proposals, quota, the committee's decision."""
