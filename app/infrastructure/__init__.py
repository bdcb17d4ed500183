"""Infrastructure facilities (airports, stations, ports, ...) and each park's and carrier's nearest one of each kind."""
