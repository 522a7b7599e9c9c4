# The reference image: the package installed from pyproject.toml (not editable, no test extras),
# run as an unprivileged user. One image for every process; docker-compose.yml picks the process
# with the arguments after the `sellerbot` entry point (`slack`, `clock`, `discord`).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# psycopg[binary] brings its own libpq: no compiler or system packages are needed.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY adapters ./adapters
COPY knowledge ./knowledge
RUN pip install . && rm -rf /src

# With a postgresql:// database the knowledge index is saved in ~/.cache/sellerbot: the user has a home.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin sellerbot
WORKDIR /home/sellerbot
USER sellerbot

EXPOSE 3000
ENTRYPOINT ["sellerbot"]
CMD ["--help"]
