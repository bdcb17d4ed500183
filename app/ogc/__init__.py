"""OGC API - Features under /ogc: a front door over the layer catalogue (app/layers)."""
