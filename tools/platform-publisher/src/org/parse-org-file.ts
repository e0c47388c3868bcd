import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type z } from 'zod';
import { checkOrgReferences } from './check-org-references';
import { type OrgFile, orgFileSchema } from './org-file.schema';
import { OrgFileError, type OrgFileIssue } from './org-file-error';

/**
 * Parses and validates an org file: YAML syntax, the schema, then references and uniqueness.
 * Throws one OrgFileError listing every problem with its YAML path and line.
 */
export function parseOrgFile(text: string, source = 'org file'): OrgFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new OrgFileError(
      source,
      // yaml's messages already say where (line and column).
      doc.errors.map((e) => ({ path: [], message: firstLine(e.message) })),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined)
    throw new OrgFileError(source, [{ path: [], message: 'the file is empty: expected tenants, clusters, departments, projects, groups and users' }]);
  const parsed = orgFileSchema.safeParse(raw, { error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined) });
  const withLines = (issues: OrgFileIssue[]): OrgFileIssue[] => issues.map((i) => withLine(i, doc, lineCounter));
  if (!parsed.success) {
    throw new OrgFileError(source, withLines(parsed.error.issues.flatMap(toOrgFileIssues)));
  }
  const problems = checkOrgReferences(parsed.data);
  if (problems.length > 0) throw new OrgFileError(source, withLines(problems));
  return parsed.data;
}

export async function readOrgFile(path: string): Promise<OrgFile> {
  return parseOrgFile(await readFile(path, 'utf8'), path);
}

/** One issue per unknown key, named by its own path (zod reports them together on the object). */
function toOrgFileIssues(issue: z.core.$ZodIssue): OrgFileIssue[] {
  const path = issue.path.filter(isPathPart);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown key' }));
  return [{ path, message: issue.message }];
}

function isPathPart(part: PropertyKey): part is string | number {
  return typeof part !== 'symbol';
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]?.replace(/:$/, '') ?? message;
}

/** The line of the node at the issue's path, or of its nearest existing parent (a missing key). */
function withLine(issue: OrgFileIssue, doc: Document, lineCounter: LineCounter): OrgFileIssue {
  for (let n = issue.path.length; n > 0; n--) {
    const node: unknown = doc.getIn(issue.path.slice(0, n), true);
    const start = rangeStart(node);
    if (start !== undefined) return { ...issue, line: lineCounter.linePos(start).line };
  }
  return issue;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range: unknown = node.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
