FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json build-assets.mjs ./
COPY static ./static
RUN npm install --no-audit --no-fund && npm run build

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
COPY --from=assets /app/static/build ./static/build
ENV DJANGO_SETTINGS_MODULE=apdash.settings_production
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
EXPOSE 8000
# The web process by default; the worker and beat run bin/worker and bin/beat (see the Procfile).
CMD ["bin/web"]
