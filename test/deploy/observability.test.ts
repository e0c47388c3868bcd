import { VolumeEvents } from '@dv/contracts';
import { KubePlatformHarness, httpRequest, repoRoot, waitFor } from '@dv/testing';
import { jetstream } from '@nats-io/jetstream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { familyOf, readPromql } from './observability/promql-names';

/**
 * The operator's dashboard (deploy/observability/dashboard.json) and alert rules (alerts.yaml), checked
 * without promtool (not built here: see docs/decisions/0032-traces-and-operator-metrics.md): each file's
 * structure, each expression's brackets, ranges and functions, and every metric either names exists on
 * the /metrics of the running services (all of them, the gateway included, as processes). The new
 * metrics are shown to move: an authz decision, a reconcile, a dead letter, the consumers' pending count.
 */
const DIR = join(repoRoot(), 'deploy/observability');
const h = new KubePlatformHarness();

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: unknown;
  targets?: { refId?: unknown; expr?: unknown }[];
}

function ruleFile(): { name: string; rules: Rule[] }[] {
  const doc = parse(readFileSync(join(DIR, 'alerts.yaml'), 'utf8')) as { groups?: { name: string; rules: Rule[] }[] };
  return doc.groups ?? [];
}

function dashboardPanels(): Panel[] {
  return (JSON.parse(readFileSync(join(DIR, 'dashboard.json'), 'utf8')) as { panels?: Panel[] }).panels ?? [];
}

/** Every expression of both files, with where it is. */
function expressions(): { where: string; expr: string }[] {
  const rules = ruleFile().flatMap((g) => g.rules.map((r) => ({ where: `alert ${String(r.alert)}`, expr: String(r.expr) })));
  const panels = dashboardPanels().flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${String(p.title)}`, expr: String(t.expr) })));
  return [...rules, ...panels];
}

/** `# TYPE` lines and samples of a Prometheus text page. */
function readMetrics(text: string): { types: Map<string, string>; samples: { name: string; labels: string; value: number }[] } {
  const types = new Map<string, string>();
  const samples: { name: string; labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] ?? '', type[2] ?? '');
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (sample) samples.push({ name: sample[1] ?? '', labels: sample[2] ?? '', value: Number(sample[3]) });
  }
  return { types, samples };
}

async function scrapeAll(): Promise<Map<string, ReturnType<typeof readMetrics>>> {
  const pages = new Map<string, ReturnType<typeof readMetrics>>();
  for (const [service, procs] of h.processes) {
    const proc = procs[0];
    if (!proc) continue;
    const response = await httpRequest(`http://127.0.0.1:${proc.healthPort}/metrics`);
    expect(response.status).toBe(200);
    pages.set(service, readMetrics(response.body));
  }
  return pages;
}

/** The value of one series of a service's page (labels given as they render, e.g. `outcome="ok"`), or undefined. */
function valueOf(page: ReturnType<typeof readMetrics> | undefined, name: string, ...labels: string[]): number | undefined {
  return page?.samples.find((s) => s.name === name && labels.every((l) => s.labels.includes(l)))?.value;
}

describe('the operator files', () => {
  it('are alert rules Prometheus can load: named groups, rules with an alert, an expression, a severity and words for the page', () => {
    const groups = ruleFile();
    expect(groups.length).toBeGreaterThan(0);
    const names = new Set<string>();
    for (const group of groups) {
      expect(group.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(group.rules.length).toBeGreaterThan(0);
      for (const rule of group.rules) {
        expect(rule.alert).toMatch(/^Dv[A-Z][A-Za-z]+$/);
        expect(names.has(String(rule.alert))).toBe(false);
        names.add(String(rule.alert));
        expect(typeof rule.expr).toBe('string');
        // An alert fires on a condition: its expression compares.
        expect(String(rule.expr)).toMatch(/(>|<|==|!=)\s*[\d.]+\s*$/);
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
        expect(['warning', 'critical']).toContain(rule.labels?.['severity']);
        expect(String(rule.annotations?.['summary'] ?? '')).not.toBe('');
        expect(String(rule.annotations?.['description'] ?? '')).not.toBe('');
      }
    }
  });

  it('is a dashboard of panels, each with a unique id, a place on the grid and queries', () => {
    const panels = dashboardPanels();
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      if (panel.type === 'row') continue;
      expect(panel.type).toBe('timeseries');
      expect(panel.targets?.length).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it('hold well-formed expressions, and cover what an operator watches', () => {
    const all = expressions();
    const problems = all.flatMap(({ where, expr }) => readPromql(expr).problems.map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
    const read = new Set(all.flatMap(({ expr }) => readPromql(expr).metrics));
    for (const watched of [
      'dv_consumer_pending_events', // consumer lag
      'dv_events_dead_lettered_total', // dead letters
      'dv_outbox_pending_events', // outbox backlog
      'dv_outbox_oldest_pending_seconds',
      'dv_volume_reconciles_total', // reconcile failures
      'dv_authz_decision_seconds_bucket', // authz decision latency
      'dv_gateway_http_requests_total', // gateway 5xx
      'dv_gateway_http_request_duration_seconds_bucket', // gateway latency
    ])
      expect(read).toContain(watched);
  });

  it('reads and flags what is malformed (the checker itself)', () => {
    expect(readPromql('histogram_quantile(0.99, sum by (job, le) (rate(x_bucket{a="b(",c=~"5.."}[5m]))) > 1')).toEqual({
      metrics: ['x_bucket'],
      functions: ['histogram_quantile', 'sum', 'rate'],
      problems: [],
    });
    expect(readPromql('sum(rate(x_total[5x])').problems).toEqual(['unclosed "(" in sum(rate(x_total[5x])', 'bad range "[5x]" in sum(rate(x_total[5x])']);
    expect(readPromql('sume(x_total) > 1').problems).toEqual(['unknown function sume() in sume(x_total) > 1']);
  });
});

describe('the metrics they name, on the running services', () => {
  beforeAll(async () => {
    // The gateway with a provider that is never asked: no token is verified here, only /metrics read.
    await h.startPlatform({
      webhook: false,
      alsoRun: [
        { name: 'audit' },
        {
          name: 'gateway',
          env: {
            GATEWAY_PORT: '0',
            GATEWAY_OIDC_ISSUER: 'http://127.0.0.1:9/',
            GATEWAY_OIDC_JWKS_URL: 'http://127.0.0.1:9/jwks',
            GATEWAY_OIDC_AUDIENCE: 'dv-gateway',
          },
        },
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await h.stopPlatform();
  }, 60_000);

  it('all exist on some service, and the new ones count what happens', async () => {
    // Something for each to count: a volume created (authz decides, volume reconciles), and an event no consumer can read.
    await h.readyVolume('observed');
    const volumeNc = await h.connectAs('volume');
    await jetstream(volumeNc).publish(VolumeEvents.deleted.type, new TextEncoder().encode('{"not":"an event envelope"}'));

    const pages = await waitFor(
      async () => {
        const scraped = await scrapeAll();
        const sharing = scraped.get('sharing');
        const settled =
          (valueOf(sharing, 'dv_events_dead_lettered_total', 'consumer="sharing"') ?? 0) >= 1 &&
          (valueOf(scraped.get('audit'), 'dv_events_dead_lettered_total', 'consumer="audit"', 'stream="DV_EVENTS"') ?? 0) >= 1 &&
          valueOf(sharing, 'dv_consumer_pending_events', 'consumer="sharing"', 'stream="DV_EVENTS"') === 0 &&
          // A sweep may catch an event between its write and its publish; the next finds nothing.
          valueOf(scraped.get('volume'), 'dv_outbox_pending_events', 'collection="datavolumes"') === 0;
        return settled ? scraped : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the dead letter counted, the consumers caught up and the outbox empty' },
    );

    const types = new Map([...pages.values()].flatMap((p) => [...p.types]));
    const missing = expressions().flatMap(({ where, expr }) =>
      readPromql(expr)
        .metrics.filter((name) => familyOf(name, types) === undefined)
        .map((name) => `${name} (${where})`),
    );
    expect(missing).toEqual([]);

    expect(valueOf(pages.get('authz'), 'dv_authz_decision_seconds_count', 'rpc="check"', 'outcome="allowed"')).toBeGreaterThanOrEqual(1);
    expect(valueOf(pages.get('volume'), 'dv_volume_reconciles_total', 'outcome="ok"')).toBeGreaterThanOrEqual(1);
    // The volume's outbox was published: its sweeps find nothing waiting.
    expect(valueOf(pages.get('volume'), 'dv_outbox_oldest_pending_seconds', 'collection="datavolumes"')).toBe(0);
    // Reading the consumers' pending counts needs no permission the services lack.
    expect(h.nats.violations()).toEqual([]);
  }, 120_000);
});
