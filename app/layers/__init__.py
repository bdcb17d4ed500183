"""The published-layer catalogue: what /ogc (app/ogc) and /tiles (app/tiles) serve, declared once.

`catalogue` declares each layer over its domain's output and visibility; `tiling` how tiles draw
it; `criteria` the map page's filters that carrier tiles and /api/v1/map share; `caching` the
audience and the ETags; `extent` and `properties` what both front doors describe a layer with.
"""
