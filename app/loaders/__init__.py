"""Loading the reference data in geodata/ and generating the demo data."""
