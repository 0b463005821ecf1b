# syntax=docker/dockerfile:1
# The production image. One image serves every dashboard service in docker-compose.yml: web
# (gunicorn, the default command), worker and beat (celery) and migrate (manage.py migrate).

FROM python:3.12-slim AS build
ENV UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv
# The same uv as the dev group in pyproject.toml pins, so the lock is read the same way.
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# The secret key is needed only to import the settings; it is not kept in the image.
RUN DJANGO_STATIC_MANIFEST=true DJANGO_SECRET_KEY=collectstatic-only \
    .venv/bin/python manage.py collectstatic --noinput \
    && rm -rf var

FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_STATIC_MANIFEST=true
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home dashboard
WORKDIR /app
# Code and static files stay owned by root (read-only to the app); only var/ is writable.
COPY --from=build /app /app
RUN mkdir -p /app/var && chown dashboard:dashboard /app/var
USER dashboard
EXPOSE 8000
# Bind address, access log and the proxies trusted with X-Forwarded-*: docker/gunicorn.conf.py.
CMD ["gunicorn", "dashboard.wsgi:application", "--config", "docker/gunicorn.conf.py"]
