# Gridbot: slim, non-root; runs the migrations, then the bot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    GRIDBOT_DATA_DIR=/data GRIDBOT_WEB_HOST=0.0.0.0
RUN useradd --create-home --uid 10001 gridbot && mkdir /data && chown gridbot /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY scheduler ./scheduler
COPY templates ./templates
RUN pip install -e . && python -c "import bot.app, handlers; handlers.get_router()"
USER gridbot
VOLUME ["/data"]
EXPOSE 8080 8443
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import socket,os; socket.create_connection(('127.0.0.1', 8443 if os.environ.get('GRIDBOT_WEBHOOK_URL') else 8080), 3)" || exit 1
CMD ["sh", "-c", "gridbot db upgrade && exec gridbot run"]
