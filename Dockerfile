# Migrasi Aman in a container: small (python slim, no compilers in the final image), non-root,
# with the database and the editable content on one volume (/data). See docs/deploy.md.
FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.txt ./
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE ./
COPY bot ./bot
COPY content ./content
COPY locales ./locales
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=1 \
    BOT_DB=/data/bot.sqlite3 \
    BOT_CONTENT_DIR=/data/content \
    HEALTH_PORT=8081
COPY --from=build /wheels /wheels
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --no-index --find-links /wheels -r /tmp/requirements.txt \
    && pip install --no-cache-dir --no-index --no-deps --find-links /wheels migrasi-aman \
    && rm -rf /wheels /tmp/requirements.txt \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot /data
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/entrypoint
USER bot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080 8081
# /healthz: 200 only when Telegram was reached, the store answers and nothing waits > 1 minute
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os,sys,urllib.request as u; p=os.environ.get('PORT') if os.environ.get('WEBHOOK_URL') else os.environ.get('HEALTH_PORT'); sys.exit(0 if u.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=4).status == 200 else 1)"
ENTRYPOINT ["entrypoint"]
CMD ["run"]
