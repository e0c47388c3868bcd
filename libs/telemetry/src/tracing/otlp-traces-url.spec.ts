import { otlpTracesUrl } from './otlp-traces-url';
import { parseResourceAttributes } from './parse-resource-attributes';

describe('otlpTracesUrl', () => {
  it('appends /v1/traces to the generic endpoint and uses the traces endpoint as is', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' })).toBe('http://otel:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/base/' })).toBe('http://otel:4318/base/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/custom' })).toBe(
      'http://t:4318/custom',
    );
  });
});

describe('parseResourceAttributes', () => {
  it('reads comma-separated, percent-encoded pairs and skips malformed ones', () => {
    expect(parseResourceAttributes('k8s.pod.name=api-1, team=data%20platform,broken,=x,bad=%E0%A4%A')).toEqual({
      'k8s.pod.name': 'api-1',
      team: 'data platform',
    });
    expect(parseResourceAttributes(undefined)).toEqual({});
  });
});
