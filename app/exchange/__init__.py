"""Files in and out: imports of GIS files and spreadsheets in China's coordinate systems, and exports."""
