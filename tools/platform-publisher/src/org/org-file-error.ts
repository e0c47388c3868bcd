import { formatYamlPath, type YamlPath } from './yaml-path';

export interface OrgFileIssue {
  path: YamlPath;
  message: string;
  /** 1-based line of the offending node (or its nearest parent) when known. */
  line?: number;
}

/** Everything wrong with an org file at once, each problem named by its YAML path, on one line. */
export class OrgFileError extends Error {
  override readonly name = 'OrgFileError';

  constructor(
    readonly source: string,
    readonly issues: readonly OrgFileIssue[],
  ) {
    super(`${source}: ${issues.map(formatIssue).join('; ')}`);
  }
}

export function formatIssue(issue: OrgFileIssue): string {
  const where = formatYamlPath(issue.path);
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return where === '' ? `${issue.message}${line}` : `${where}: ${issue.message}${line}`;
}
