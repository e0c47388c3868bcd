# One image for every service (the service is chosen by SERVICE): TypeScript runs through swc
# (scripts/ts-register.js), as in the local run.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional || npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc ./
COPY scripts/ts-register.js scripts/
COPY libs libs
COPY services services
ENV NODE_ENV=production HEALTH_HOST=0.0.0.0 HEALTH_PORT=8080
EXPOSE 8080
USER node
CMD ["sh", "-c", "exec node -r ./scripts/ts-register.js services/${SERVICE}/src/main.ts"]
