"""Where a role address is reached: contact points per (address, channel)."""
