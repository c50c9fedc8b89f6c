# syntax=docker/dockerfile:1
# hail-mary-auth: a build stage with the toolchain and dev dependencies, and a slim runtime
# stage with production dependencies only, running as the unprivileged `node` user.
# Node 24 is the current LTS; the code also runs on Node 20 (package.json engines: >=20).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# argon2 and better-sqlite3 are native modules: they compile here, never in the runtime stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The base image ships Node's headers under /usr/local/include/node: node-gyp compiles against
# them instead of downloading a header tarball (the exact ABI, and one download fewer).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY build ./build
COPY src ./src
COPY bench ./bench
# dist/server: the server, the CLI and the healthcheck bundled by esbuild (build/bundle.mjs),
# one file each plus the chunks loaded on first use, and zxcvbn's lists as plain text. From
# node_modules it still loads argon2 and better-sqlite3 (native), and tldts on first use.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# What the runtime never loads: better-sqlite3's object files, static library, test extension
# and bundled SQLite sources (only build/Release/better_sqlite3.node is required), and the
# @types/* packages that dependencies list and `npm prune` therefore keeps.
RUN cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/better_sqlite3.node \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/better_sqlite3.node \
 && rm -rf /app/node_modules/@types

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node (which drains requests) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# AUTH_ON_CONFIG_ERROR=wait: under a restart policy an exit on a bad variable becomes a restart
# loop, so the container stays up with /readyz 503 naming the variable until it is fixed.
# GLIBC_TUNABLES: each argon2 hash mallocs one 19 MiB block, on whichever libuv thread runs it.
# glibc would mmap the first and, once it is freed, raise its mmap threshold above it, so every
# later block comes from that thread's arena and stays resident when freed: 19 MiB per thread
# at rest. A fixed threshold (4 MiB) returns each block when freed; hugetlb=1 maps it with
# transparent huge pages (where the kernel allows them, `madvise` by default) so mapping it
# again per hash costs ~10 page faults instead of ~4,900 (~9 ms of system CPU a login).
ENV NODE_ENV=production \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=4194304 \
    AUTH_DATA_DIR=/data \
    AUTH_HOST=0.0.0.0 \
    AUTH_PORT=3100 \
    AUTH_ON_CONFIG_ERROR=wait
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dist/ui ./dist/ui
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3100
# Asks /readyz at AUTH_HOST:AUTH_PORT (0.0.0.0 and :: mean the loopback). Podman keeps this only
# when building with --format docker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/server/healthcheck.js"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/server/cli.js"]
CMD ["serve"]
