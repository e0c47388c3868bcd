// Versions of the servers the test bed builds from source (Kubernetes' version comes from test/testbed/go/go.mod).
export const NATS_SERVER_VERSION = 'v2.15.2';
export const FERRETDB_VERSION = 'v1.24.2';
export const HYDRA_VERSION = 'v2.3.0';
export const HELM_VERSION = 'v4.3.2';
// Jaeger's Go module tags its v2 (OpenTelemetry collector based) releases as v1.x: v1.75.0 is Jaeger 2.12.
export const JAEGER_VERSION = 'v1.75.0';
