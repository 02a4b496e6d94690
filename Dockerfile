# syntax=docker/dockerfile:1
# kms-emulator image: built on Debian 12 with the same packages (tools/install_deps.sh) and the
# same CMake commands as tools/run.sh; run on debian:12-slim as a non-root user, data in /data.
#   docker build -t kms-emulator . && docker run -p 4599:4599 -v kms-data:/data kms-emulator
# tests/packaging/test_docker_files.py keeps this file in step with tools/ and docker-compose.yml.

FROM debian:12 AS build
WORKDIR /src
COPY tools/install_deps.sh tools/
RUN tools/install_deps.sh build
COPY . .
# The ccache cache survives between image builds (BuildKit cache mount).
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKMS_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target kms-emulator

FROM debian:12-slim
# The shared libraries kms-emulator links (libc6 and libgcc-s1 are in the base image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libsqlite3-0 libzstd1 libboost-json1.81.0 libstdc++6 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
            --shell /usr/sbin/nologin kms \
 && mkdir /data && chown 10001:10001 /data && chmod 0700 /data
COPY --from=build /src/build/bin/kms-emulator /usr/local/bin/kms-emulator

# Every flag can be set as KMS_<FLAG> (docker run -e KMS_AUTH=sigv4 ...); flags after the image
# name win. The database lives in the volume.
ENV KMS_HOST=0.0.0.0 KMS_PORT=4599 KMS_DB=/data/kms.db
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 4599
# GET /health over bash's /dev/tcp: the slim image has no curl, and this adds nothing to it.
# Plain HTTP only: with --tls-cert the check fails (use the orchestrator's own TLS probe).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$KMS_PORT && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]
ENTRYPOINT ["kms-emulator"]
