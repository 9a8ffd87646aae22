# The web app and the timer worker share this image; docker-compose.yml runs each as a service.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY frontend ./frontend
RUN npm ci --no-audit --no-fund && npm run build

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 ubp
WORKDIR /app
# Build the wheel (which carries templates, forms, diagrams, assets and migrations) and install it;
# the source tree is not kept, so the image runs the package exactly as it was built.
COPY requirements/production.txt ./requirements/
RUN pip install --no-cache-dir -r requirements/production.txt
COPY pyproject.toml ./
COPY workflows ./workflows
COPY service ./service
COPY templates ./templates
COPY forms ./forms
COPY bpmn ./bpmn
COPY --from=assets /app/service/static/dist ./service/static/dist
RUN pip install --no-cache-dir "hatchling>=1.27,<2" && pip install --no-cache-dir --no-deps --no-build-isolation . \
 && rm -rf /app/*
ENV UBP_ENV=production PYTHONUNBUFFERED=1 XDG_CACHE_HOME=/tmp/cache
USER ubp
EXPOSE 8000
CMD ["gunicorn", "-c", "python:service.gunicorn_conf", "service.wsgi:app"]
