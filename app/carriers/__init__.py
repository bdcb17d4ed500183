"""Carriers (载体): land plots, standard factories and office space an investor can take."""
