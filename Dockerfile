# One image for every service (the service is chosen by SERVICE), running the production build:
# plain JavaScript made by `nx build` (scripts/build.js), no TypeScript compiled at start-up.
# Stage 1 builds with the workspace's dev dependencies; stage 2 holds only the runtime dependencies
# (npm ci --omit=dev; the build fails if a service requires anything else) and dist/.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build -p audit,authz,gateway,sharing,volume,workload-admission,runtime,console --outputStyle=static

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HEALTH_HOST=0.0.0.0 HEALTH_PORT=8080
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/services/<service>/main.js for each service; dist/libs/runtime/provisioning/provision-main.js (the
# streams Job); dist/services/audit/cli/export-audit.js (the audit export); dist/apps/console (the web console's
# static files, served by the gateway when GATEWAY_CONSOLE_DIR points at them).
COPY --from=build /app/dist dist
EXPOSE 8080
USER node
CMD ["sh", "-c", "exec node --enable-source-maps dist/services/${SERVICE}/main.js"]
