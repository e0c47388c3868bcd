export const USAGE = `usage: node -r ./scripts/ts-register.js tools/platform-publisher/src/main.ts --file <org.yaml> [options]

Plays the platform's organization service: publishes the tenants, clusters, departments, projects,
groups and users of an org file as platform.evt.* events on JetStream and creates each project's namespace.

  --file <path>        the org file (see deploy/examples/org.yaml)
  --nats-url <url>     NATS server(s), comma-separated (default: $NATS_URL)
  --kubeconfig <path>  Kubernetes cluster for the namespaces (default: $KUBECONFIG, else in-cluster)
  --state <path>       what was published before (default: tmp/platform-publisher.state.json)
  --delete             publish deleted events for every entity of the file, children first
  --prune              also delete entities the state knows and the file no longer has
  --no-kube            do not touch Kubernetes
  --dry-run            print the plan; publish nothing, touch nothing, write no state
  --help               this text

NATS_USER and NATS_PASSWORD, when set, are its credentials (the platform-publisher user of
deploy/nats/nats-server.conf).

Exit codes: 0 done, 1 failed while publishing, 2 bad arguments, environment or files.`;
