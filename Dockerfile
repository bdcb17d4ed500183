# The InvestMap service. Not exercised by the tests (no Docker engine on the build machines).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY frontend/ frontend/
RUN if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi \
 && mkdir -p /src/app/static/dist

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8000
WORKDIR /srv/investmap
COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
COPY geodata/ geodata/
COPY --from=frontend /src/app/static/dist/ app/static/dist/
RUN pip install --no-cache-dir -e . && useradd --system investmap
USER investmap
EXPOSE 8000
# Ready once the database is migrated and the workers' brochure printers have started (/readyz).
HEALTHCHECK --start-period=60s CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=5)"
# DATABASE_URL must point at a PostGIS database; migrations and reference data are applied at start.
CMD ["sh", "-c", "investmap db up && investmap db migrate && investmap load reference && investmap users ensure-admin && exec investmap serve --workers 2"]
