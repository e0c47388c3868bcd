import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { WORKLOAD_KINDS } from '../patching/workload-kinds';
import { webhookConfiguration, webhookRules } from './webhook-configuration';
import { namespaceSelectorOf } from './webhook-registration';

describe('the webhook configuration', () => {
  it('covers every third-party kind (CREATE and UPDATE), AmlJob in every version (to refuse it clearly), and no native kind', () => {
    const covered = new Set(webhookRules().flatMap((r) => (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`))));
    const expected = WORKLOAD_KINDS.filter((k) => !k.native).map((k) => `${k.group}/${k.plural}`);
    for (const resource of expected) expect(covered).toContain(resource);
    expect(covered).toContain('amlarc.azureml.com/amljobs');
    expect(covered.size).toBe(expected.length);
    expect(webhookRules().find((r) => r.apiGroups?.includes('amlarc.azureml.com'))?.apiVersions).toEqual(['*']);
    expect(webhookRules().every((r) => r.operations?.join() === 'CREATE,UPDATE')).toBe(true);
  });

  it('is what the Helm chart ships (deploy/helm/data-volumes/files/webhook-rules.yaml: change it with the kinds; rendered into deploy/kubernetes/data-volumes.yaml)', () => {
    const rules = parse(readFileSync(join(__dirname, '../../../../deploy/helm/data-volumes/files/webhook-rules.yaml'), 'utf8')) as unknown;
    expect(rules).toEqual(webhookRules());
    const docs = parseAllDocuments(readFileSync(join(__dirname, '../../../../deploy/kubernetes/data-volumes.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind?: string; webhooks?: unknown[] } | null,
    );
    const shipped = docs.find((d) => d?.kind === 'MutatingWebhookConfiguration');
    const built = webhookConfiguration({ service: { namespace: 'dv-system', name: 'dv-workload-admission', port: 443 }, caBundlePem: '' });
    const [webhook] = built.webhooks ?? [];
    expect(shipped?.webhooks).toEqual([
      { ...webhook, clientConfig: { service: { namespace: 'dv-system', name: 'dv-workload-admission', port: 443, path: '/mutate' } } },
    ]);
  });

  it('reads a namespace selector as a label that exists or has a value', () => {
    expect(namespaceSelectorOf('dv.platform/project-id')).toEqual({ matchExpressions: [{ key: 'dv.platform/project-id', operator: 'Exists' }] });
    expect(namespaceSelectorOf('run=abc')).toEqual({ matchLabels: { run: 'abc' } });
  });
});
