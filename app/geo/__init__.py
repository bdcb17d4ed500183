"""Geographic helpers: coordinate-system conversion (WGS-84, GCJ-02, BD-09) for imports and display."""
