# syntax=docker/dockerfile:1
# reelbot in a container. CPU by default; for NVIDIA GPUs build with `--build-arg TORCH=cuda` (PyPI's torch,
# which brings its CUDA libraries; the host needs the NVIDIA driver and container toolkit only).
#   docker build -t reelbot .                       # CPU
#   docker build -t reelbot:cuda --build-arg TORCH=cuda .
# The image's command is `reelbot`; its default argument `run` serves every platform whose token is set.
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ARG TORCH=cpu
WORKDIR /src
COPY . .
# The same pins as `make setup` (constraints.txt); the CPU index only adds torch's CPU build of that version.
RUN case "$TORCH" in \
      cpu) extra="--extra-index-url https://download.pytorch.org/whl/cpu" ;; \
      cuda) extra="" ;; \
      *) echo "TORCH must be cpu or cuda, not $TORCH" >&2; exit 1 ;; \
    esac \
 && python -m venv /opt/reelbot \
 && /opt/reelbot/bin/pip install --no-cache-dir -c constraints.txt $extra .

FROM python:${PYTHON_VERSION}-slim
# The folders exist in the image, owned by the user, so named volumes mounted on them start out writable.
RUN useradd --create-home --uid 10001 reelbot && mkdir -p /data/media /data/huggingface && chown -R reelbot /data
COPY --from=build /opt/reelbot /opt/reelbot
# Defaults for a single container; compose.yaml points the database at PostgreSQL and adds Redis.
ENV PATH=/opt/reelbot/bin:$PATH \
    REELBOT_DATABASE_URL=sqlite:////data/reelbot.db \
    REELBOT_MEDIA_DIR=/data/media \
    REELBOT_HTTP_HOST=0.0.0.0 \
    REELBOT_HTTP_PORT=8080 \
    HF_HOME=/data/huggingface \
    PYTHONUNBUFFERED=1
USER reelbot
WORKDIR /data
EXPOSE 8080
# The bot's own /healthz (a worker overrides this in compose.yaml: it serves /metrics instead).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('REELBOT_HTTP_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["reelbot"]
CMD ["run"]
