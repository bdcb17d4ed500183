"""The browser map: its built files at `/`, its configuration and the queries only the page needs."""
