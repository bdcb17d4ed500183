"""Administrative regions of Jiangxi: province, 11 cities, 100 counties, keyed by adcode."""
