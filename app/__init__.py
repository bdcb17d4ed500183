"""InvestMap (招商一张图): an investment-attraction map service on PostGIS."""
