"""Search suggestions over park names and region names (the map's search box)."""
