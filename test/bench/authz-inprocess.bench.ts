// In-process authz decisions: the service's own AuthzState (ScopeTree + RuleIndex + DecisionEngine)
// against casbin (the npm package, an RBAC-with-domains model of the same semantics) on the same
// generated organization, the same rules and the same random checks, in the same run; every answer
// of both must agree. Then ours alone at 500,000 rules: throughput, latency, build time, memory.
// Single-threaded JavaScript: everything timed here runs on one core. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/authz-inprocess.bench.ts
import { type AccessRule } from '@dv/contracts';
import { type CasbinSide, type CasbinVariant, buildCasbin, modelText } from './authz/casbin-model';
import {
  type GenCheck,
  type GenOrg,
  type GenRule,
  ISSUE_ORG,
  CHECK_SCOPE_WEIGHTS,
  GROUP_SUBJECT_SHARE,
  RULE_SCOPE_WEIGHTS,
  Rng,
  generateChecks,
  generateOrg,
  generateRules,
  toAccessRule,
} from './authz/org';
import { compareAnswers, heapAfterGc, latencyPass, mb, recordPass, throughputOf, timedPass, type Pass } from './authz/measure';
import { AuthzState, type OurCheck, applyRules, buildTree, decide, toOurCheck } from './authz/ours';
import { NaiveEvaluator, targetedChecks } from './authz/reference';
import { round1 } from './harness/histogram';
import { scaled } from './harness/load';
import { benchMain, machine, printResult, progress } from './harness/report';

const SEED = { org: 1, rules: 2, checks: 3, targeted: 4, ruleObjects: 5 } as const;
const COMPARE_RULES = 10_000;
const LARGE_RULES = 500_000;
const CHECKS = scaled(100_000);
const VERIFY_CHECKS = Math.min(2000, CHECKS);
const TARGETED_CHECKS = Math.min(1000, CHECKS);
const PASSES = 5;
/** Seconds of casbin time per model for the timed pass; beyond that, casbin is timed on a prefix of the checks. */
const CASBIN_SECONDS = Number(process.env['BENCH_CASBIN_SECONDS'] ?? 60);
const CASBIN_VARIANTS: readonly CasbinVariant[] = ['ancestor-path', 'domain-matching'];

const REQUIRED = {
  ratio_vs_casbin_at_10k: 20,
  checks_per_s_at_500k: 500_000,
  p99_us_at_500k: 20,
  build_s_at_500k: 5,
  index_memory_mb_at_500k: 500,
} as const;

interface Catalog {
  roles: { id: number; name: string; permissions: { resourceType: string; actions: string[] }[] }[];
}

function catalogOf(state: AuthzState): Catalog {
  return {
    roles: state.catalog.roles.map((r) => ({
      id: r.id,
      name: r.name,
      permissions: r.view.permissions.map((p) => ({ resourceType: p.resourceType, actions: [...p.actions] })),
    })),
  };
}

function describe(check: GenCheck): string {
  const p = check.user.principal;
  return `user ${p.subjectId} [groups ${p.groups.join(',') || '-'}] ${check.action} ${check.resourceType} in ${check.scope.key}`;
}

function accessRules(rules: readonly GenRule[], catalog: Catalog): AccessRule[] {
  const byId = new Map(catalog.roles.map((r) => [r.id, r]));
  const rng = new Rng(SEED.ruleObjects);
  return rules.map((rule, i) => {
    const role = byId.get(rule.roleId);
    if (!role) throw new Error(`role ${rule.roleId} is not in the catalog`);
    return toAccessRule(rule, role, i, rng);
  });
}

/** Our index over the org and these rules; build time covers the tree (every org event) and every rule. */
function buildOurs(org: GenOrg, rules: readonly AccessRule[]): { state: AuthzState; buildMs: number; applied: number } {
  const state = new AuthzState();
  const started = process.hrtime.bigint();
  buildTree(state, org);
  const applied = applyRules(state, rules);
  return { state, buildMs: Number(process.hrtime.bigint() - started) / 1e6, applied };
}

function oursThroughput(state: AuthzState, checks: readonly OurCheck[]): Pass[] {
  const one = (c: OurCheck): boolean => decide(state, c);
  timedPass(checks, one); // warm-up
  return Array.from({ length: PASSES }, () => timedPass(checks, one));
}

interface CasbinResult {
  variant: CasbinVariant;
  model: string;
  policy_lines: number;
  grouping_lines: number;
  build_ms: number;
  verify: { checks: number; mismatches: number; checks_per_s: number };
  timed: { checks: number; of: number; prefix: boolean; why: string; wall_checks_per_s: number; cpu_checks_per_s: number; seconds: number; allowed: number };
  agreement: { checks: number; mismatches: number; first: string[] };
  targeted: { checks: number; allowed: number; mismatches: number; first: string[] };
}

function runCasbin(side: CasbinSide, checks: readonly GenCheck[], ours: Uint8Array, targeted: readonly GenCheck[], oursTargeted: Uint8Array): CasbinResult {
  const enforce = (request: string[]): boolean => side.enforcer.enforceSync(...request);
  const requests = checks.map((c) => side.request(c));
  progress(`casbin ${side.variant}: verifying the first ${VERIFY_CHECKS} checks`);
  const verify = recordPass(requests, enforce, VERIFY_CHECKS);
  const verified = compareAnswers(ours, verify.answers, VERIFY_CHECKS);
  const verifyRate = (VERIFY_CHECKS * 1e9) / verify.pass.wallNs;
  if (verified.mismatches > 0) progress(`casbin ${side.variant}: ${verified.mismatches} of the first ${VERIFY_CHECKS} checks disagree with ours`);
  const affordable = Math.floor(verifyRate * CASBIN_SECONDS);
  const count = Math.min(checks.length, Math.max(VERIFY_CHECKS, affordable));
  const prefix = count < checks.length;
  const why = prefix
    ? `casbin answered ${Math.round(verifyRate)} checks/s in the verification pass: all ${checks.length} would take about ${Math.round(checks.length / verifyRate)} s, so it is timed on the first ${count} (BENCH_CASBIN_SECONDS=${CASBIN_SECONDS})`
    : `all ${checks.length} checks`;
  progress(`casbin ${side.variant}: timing ${count} checks (${why})`);
  const timed = recordPass(requests, enforce, count);
  const agreement = compareAnswers(ours, timed.answers, count);
  const targetedAnswers = recordPass(
    targeted.map((c) => side.request(c)),
    enforce,
  );
  const targetedAgreement = compareAnswers(oursTargeted, targetedAnswers.answers, targeted.length);
  const show = (list: readonly GenCheck[], indexes: number[], mine: Uint8Array): string[] =>
    indexes.map((i) => {
      const check = list[i];
      return check ? `#${i} ${describe(check)}: ours ${mine[i] === 1 ? 'allowed' : 'denied'}, casbin ${mine[i] === 1 ? 'denied' : 'allowed'}` : `#${i}`;
    });
  return {
    variant: side.variant,
    model: modelText(side.variant),
    policy_lines: side.policyLines,
    grouping_lines: side.groupingLines,
    build_ms: round1(side.buildMs),
    verify: { checks: VERIFY_CHECKS, mismatches: verified.mismatches, checks_per_s: Math.round(verifyRate) },
    timed: {
      checks: count,
      of: checks.length,
      prefix,
      why,
      wall_checks_per_s: Math.round((count * 1e9) / timed.pass.wallNs),
      cpu_checks_per_s: Math.round((count * 1e6) / timed.pass.cpuUs),
      seconds: round1(timed.pass.wallNs / 1e9),
      allowed: timed.pass.allowed,
    },
    agreement: { checks: count, mismatches: agreement.mismatches, first: show(checks, agreement.first, ours) },
    targeted: {
      checks: targeted.length,
      allowed: targetedAnswers.pass.allowed,
      mismatches: targetedAgreement.mismatches,
      first: show(targeted, targetedAgreement.first, oursTargeted),
    },
  };
}

async function compareWithCasbin(org: GenOrg, catalog: Catalog, checks: readonly GenCheck[], ourChecks: readonly OurCheck[]) {
  progress(`10k: generating ${COMPARE_RULES} rules`);
  const rules = generateRules(org, catalog.roles, COMPARE_RULES, new Rng(SEED.rules));
  const built = buildOurs(org, accessRules(rules, catalog));
  const { state } = built;
  const one = (c: OurCheck): boolean => decide(state, c);
  const recorded = recordPass(ourChecks, one);
  const targeted = targetedChecks(org, rules, catalog.roles, TARGETED_CHECKS, new Rng(SEED.targeted));
  const oursTargeted = recordPass(targeted.map(toOurCheck), one);
  progress(`10k: ours, ${PASSES} passes of ${ourChecks.length} checks`);
  const ours = throughputOf(oursThroughput(state, ourChecks), ourChecks.length);
  const latency = latencyPass(ourChecks, one).summary();

  const casbin: CasbinResult[] = [];
  for (const variant of CASBIN_VARIANTS) {
    progress(`10k: building casbin (${variant})`);
    const side = await buildCasbin(variant, org, catalog.roles, rules);
    casbin.push(runCasbin(side, checks, recorded.answers, targeted, oursTargeted.answers));
    progress(`10k: casbin ${variant}: ${casbin[casbin.length - 1]?.timed.cpu_checks_per_s} checks/s (CPU time)`);
  }
  const fastest = casbin.reduce((a, b) => (b.timed.cpu_checks_per_s > a.timed.cpu_checks_per_s ? b : a));
  const mismatches = casbin.reduce((n, c) => n + c.verify.mismatches + c.agreement.mismatches + c.targeted.mismatches, 0);
  const ratioCpu = round1(ours.cpu_checks_per_s_median / fastest.timed.cpu_checks_per_s);
  const ratioWall = round1(ours.wall_checks_per_s_median / fastest.timed.wall_checks_per_s);
  return {
    rules: COMPARE_RULES,
    rules_applied: built.applied,
    ours: {
      build_ms: round1(built.buildMs),
      allowed: recorded.pass.allowed,
      targeted_allowed: oursTargeted.pass.allowed,
      throughput: ours,
      latency_us: latency,
    },
    casbin,
    ratio: { against: `casbin ${fastest.variant} (the faster casbin model)`, cpu: ratioCpu, wall: ratioWall },
    ratio_by_model: Object.fromEntries(
      casbin.map((c) => [
        c.variant,
        { cpu: round1(ours.cpu_checks_per_s_median / c.timed.cpu_checks_per_s), wall: round1(ours.wall_checks_per_s_median / c.timed.wall_checks_per_s) },
      ]),
    ),
    mismatches,
  };
}

function aloneAtScale(org: GenOrg, catalog: Catalog, checks: readonly GenCheck[], ourChecks: readonly OurCheck[]) {
  progress(`500k: generating ${LARGE_RULES} rules`);
  const rules = generateRules(org, catalog.roles, LARGE_RULES, new Rng(SEED.rules));
  // Memory: heap after full GCs before the rule objects exist, and after the index holds them and nothing else does.
  const before = heapAfterGc();
  let input: AccessRule[] = accessRules(rules, catalog);
  const withInput = heapAfterGc();
  progress('500k: building the index');
  const built = buildOurs(org, input);
  input = [];
  const after = heapAfterGc();
  const { state } = built;
  const one = (c: OurCheck): boolean => decide(state, c);
  progress(`500k: ours, ${PASSES} passes of ${ourChecks.length} checks`);
  const throughput = throughputOf(oursThroughput(state, ourChecks), ourChecks.length);
  progress('500k: latency pass');
  const latency = latencyPass(ourChecks, one);

  progress('500k: checking answers against a naive evaluation of the rules');
  const naive = new NaiveEvaluator(rules, catalog.roles);
  const targeted = targetedChecks(org, rules, catalog.roles, TARGETED_CHECKS, new Rng(SEED.targeted));
  const sample = [...checks.slice(0, VERIFY_CHECKS), ...targeted];
  const wrong = sample.filter((c) => naive.allowed(c) !== decide(state, toOurCheck(c)));
  const allowedInSample = sample.filter((c) => naive.allowed(c)).length;
  return {
    rules: LARGE_RULES,
    rules_applied: built.applied,
    build_ms: round1(built.buildMs),
    memory_mb: {
      index: mb(after - before),
      of_which_rule_objects: mb(withInput - before),
      of_which_index_structures: mb(after - withInput),
      method:
        'heapUsed after two full GCs: before the AccessRule objects exist vs after the index is built and holds the only references to them (tree + rule objects + index maps); every string of every rule is its own copy, as the MongoDB driver decodes them for the start-up snapshot',
    },
    throughput,
    latency_us: latency.summary(),
    latency_checks: latency.count,
    naive_agreement: { checks: sample.length, allowed: allowedInSample, mismatches: wrong.length, first: wrong.slice(0, 10).map(describe) },
  };
}

async function run(): Promise<object> {
  const catalog = catalogOf(new AuthzState());
  progress(`generating the org: ${JSON.stringify(ISSUE_ORG)}`);
  const org = generateOrg(ISSUE_ORG, new Rng(SEED.org));
  const checks = generateChecks(org, CHECKS, new Rng(SEED.checks));
  const ourChecks = checks.map(toOurCheck);

  const compare = await compareWithCasbin(org, catalog, checks, ourChecks);
  const alone = aloneAtScale(org, catalog, checks, ourChecks);

  const requirements = [
    {
      requirement: 'at 10k rules: ours / casbin throughput (CPU time, the faster casbin model)',
      value: compare.ratio.cpu,
      threshold: `>= ${REQUIRED.ratio_vs_casbin_at_10k}`,
      pass: compare.ratio.cpu >= REQUIRED.ratio_vs_casbin_at_10k,
    },
    {
      requirement: 'at 10k rules: ours and casbin answer identically on every check both answered',
      value: compare.mismatches,
      threshold: '0 mismatches',
      pass: compare.mismatches === 0,
    },
    {
      requirement: 'at 500k rules: checks/s on one core (CPU time, median of passes)',
      value: alone.throughput.cpu_checks_per_s_median,
      threshold: `>= ${REQUIRED.checks_per_s_at_500k}`,
      pass: alone.throughput.cpu_checks_per_s_median >= REQUIRED.checks_per_s_at_500k,
    },
    {
      requirement: 'at 500k rules: p99 latency of a check, µs',
      value: alone.latency_us.p99_us,
      threshold: `< ${REQUIRED.p99_us_at_500k}`,
      pass: alone.latency_us.p99_us < REQUIRED.p99_us_at_500k,
    },
    {
      requirement: 'at 500k rules: index build, s',
      value: Math.round(alone.build_ms / 10) / 100,
      threshold: `< ${REQUIRED.build_s_at_500k}`,
      pass: alone.build_ms < REQUIRED.build_s_at_500k * 1000,
    },
    {
      requirement: 'at 500k rules: index memory, MB',
      value: alone.memory_mb.index,
      threshold: `< ${REQUIRED.index_memory_mb_at_500k}`,
      pass: alone.memory_mb.index < REQUIRED.index_memory_mb_at_500k,
    },
    {
      requirement: 'at 500k rules: ours agrees with a naive evaluation of the rules',
      value: alone.naive_agreement.mismatches,
      threshold: '0 mismatches',
      pass: alone.naive_agreement.mismatches === 0,
    },
  ];
  const result = {
    benchmark: 'authz-inprocess',
    node: process.version,
    casbin: '5.51.1',
    machine: machine(),
    setup: {
      one_core:
        'single-threaded JavaScript: every check of both implementations runs on the main thread, one at a time; CPU time (process.cpuUsage) also counts V8 GC helper threads',
      org: `${ISSUE_ORG.clusters} clusters, ${ISSUE_ORG.departments} departments, ${ISSUE_ORG.projects} projects under 1 tenant; ${ISSUE_ORG.users} users each in 0..${ISSUE_ORG.maxGroupsPerUser} of ${ISSUE_ORG.groups} groups (seeded PRNG sfc32, seeds ${JSON.stringify(SEED)})`,
      rules: `distinct (subject, role, scope): subject a group with p=${GROUP_SUBJECT_SHARE} else a user; role uniform of ${catalog.roles.length}; scope type weights ${JSON.stringify(RULE_SCOPE_WEIGHTS)}`,
      checks: `${CHECKS} checks, the same list at both sizes: user uniform (with its groups), action uniform of 4, resource type uniform of 36, scope type weights ${JSON.stringify(CHECK_SCOPE_WEIGHTS)}`,
      ours: 'AuthzState of services/authz (RoleCatalog, ScopeTree of @dv/org, RuleIndex, DecisionEngine): tree.upsert per scope, applyRule per rule; a check = tree.live(type, id) + engine.decide(principal, action, resourceType, node), as CheckController does before building the explanation',
      casbin:
        "casbin 5.51.1 enforceSync, models in the casbin entries; the user's groups travel in the request (as in our check request); policies = every (role, resource type, action) the catalog grants",
      throughput: `a warm-up pass, then ${PASSES} passes over all checks timed as a whole; figures by wall clock and by process CPU time (the machine is shared: CPU time is what one core did); requirements use the CPU-time median`,
      latency: 'a separate pass timing each check alone with process.hrtime.bigint()',
      verification: `ours vs casbin on the first ${VERIFY_CHECKS} checks (untimed), on every timed casbin check, and on ${TARGETED_CHECKS} checks aimed at rules (mostly allowed); at 500k, ours vs a naive scan of the rules on ${VERIFY_CHECKS} random + ${TARGETED_CHECKS} aimed checks`,
    },
    at_10k_rules: compare,
    at_500k_rules: alone,
    required: REQUIRED,
    requirements,
    pass: requirements.every((r) => r.pass),
  };
  if (compare.mismatches > 0 || alone.naive_agreement.mismatches > 0) {
    // Disagreement is a failed run, not just a failed threshold: print the figures, then exit non-zero.
    printResult(result);
    throw new Error(
      `decisions disagree: ${compare.mismatches} with casbin, ${alone.naive_agreement.mismatches} with the naive evaluation (see the JSON above)`,
    );
  }
  return result;
}

benchMain(run);
