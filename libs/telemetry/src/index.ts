// Telemetry for every service: tracing bootstrap, JSON logs, health/metrics endpoints, env config.

export { startTelemetry, type Telemetry, type TelemetryOptions } from './tracing/start-telemetry';
export { type InstrumentationChoice } from './tracing/create-instrumentations';
export { currentTraceIds, type TraceIds } from './tracing/current-trace-ids';

export { JsonLogger, type JsonLoggerOptions, type LogSink } from './logging/json-logger';
export { LOG_LEVEL_SETTINGS, LOG_LEVELS, type LogLevelName, type LogLevelSetting } from './logging/log-level';
export { serializeError, type SerializedError } from './logging/serialize-error';

export { startHealthServer, type HealthServer, type HealthServerOptions } from './health/start-health-server';
export { type CheckOutcome, type HealthCheck } from './health/run-checks';

export { MetricsRegistry } from './metrics/metrics-registry';
export { type ProcessMetrics, type ProcessMetricsOptions, type ProcessSample, registerProcessMetrics } from './metrics/process-metrics';
export { Counter, type MetricOptions } from './metrics/counter';
export { Gauge } from './metrics/gauge';
export { DEFAULT_BUCKETS, Histogram, type HistogramOptions } from './metrics/histogram';
export { type Labels } from './metrics/labeled-series';
export { PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-text';

export { loadConfig } from './config/load-config';
export { ConfigError, type ConfigProblem } from './config/config-error';
export { exitOnConfigError } from './config/exit-on-config-error';
export { envField, type EnvField, type FieldParse } from './config/env-field';
export { envUrl } from './config/env-url';
export { envUrlList } from './config/env-url-list';
export { envPort } from './config/env-port';
export { envInt, type EnvIntOptions } from './config/env-int';
export { envBool } from './config/env-bool';
export { envEnum } from './config/env-enum';
export { envDurationMs } from './config/env-duration-ms';
