"""Mapbox Vector Tiles and TileJSON under /tiles: a front door over the layer catalogue (app/layers)."""
