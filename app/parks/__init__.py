"""Parks and development zones (园区 / 开发区), including cooperation parks (合作园区)."""
