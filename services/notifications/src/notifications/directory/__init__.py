"""Where a role address is reached: configured contact points, else the registry's people."""
