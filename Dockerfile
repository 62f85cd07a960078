# The guard proxy. Everything it needs, the spaCy model included, comes from requirements.lock
# (pinned by hash): the image never downloads anything at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY guard ./guard
# installed with the package as guard/policies (the shipped policies, found from any directory)
COPY policies ./policies
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
 && useradd --system --uid 10001 --home-dir /var/lib/guard guard \
 && mkdir -p /var/lib/guard /etc/guard && chown guard /var/lib/guard

COPY policies /etc/guard/policies
COPY deploy/guard.yaml /etc/guard/guard.yaml

USER guard
EXPOSE 8787
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8787/healthz', timeout=2)"
ENTRYPOINT ["guard"]
CMD ["serve", "--config", "/etc/guard/guard.yaml"]
