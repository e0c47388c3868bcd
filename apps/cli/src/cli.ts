import { ACCESS_RULE, CAN_I, ROLE, WHO_CAN } from './commands/authorization';
import { AUDIT } from './commands/audit';
import { DATAVOLUME } from './commands/datavolume';
import { CONFIG, LOGIN, LOGOUT } from './commands/session';
import { CliError, EXIT, type ExitCode } from './core/cli-error';
import { type Command, type CommandContext, type CommandGroup } from './core/command';

const GROUPS: readonly CommandGroup[] = [DATAVOLUME, ACCESS_RULE, ROLE, AUDIT, CONFIG];
const TOP: readonly Command[] = [LOGIN, LOGOUT, CAN_I, WHO_CAN];

function groupOf(name: string): CommandGroup | undefined {
  return GROUPS.find((g) => g.name === name || (g.aliases ?? []).includes(name));
}

function help(): string {
  const lines = ['dv: data volumes on Kubernetes GPU clusters, from the command line (through the platform gateway).', '', 'Usage: dv <command> [flags]', ''];
  for (const c of TOP) lines.push(`  ${c.name.padEnd(24)}${c.summary}`);
  for (const g of GROUPS) {
    lines.push('', `  ${g.name}: ${g.summary}`);
    for (const c of g.commands) lines.push(`    ${`${g.name} ${c.name}`.padEnd(22)}${c.summary}`);
  }
  lines.push(
    '',
    '  completion bash|zsh       Shell completion script',
    '',
    '`dv <command> --help` for its flags. Exit codes: 0 done, 1 failed / no, 2 bad request,',
  );
  lines.push('3 not signed in, 4 not allowed, 5 not found, 6 conflict or precondition, 7 unavailable.', '');
  return lines.join('\n');
}

function commandHelp(prefix: string, c: Command): string {
  return `${c.summary}\n\nUsage: dv ${prefix}${c.name} ${c.usage}\n`;
}

/** A bash/zsh completion script: commands, subcommands and each command's flags. */
export function completion(shell: string): string {
  if (shell !== 'bash' && shell !== 'zsh') throw CliError.usage('completion: bash or zsh');
  const flagsOf = (c: Command): string =>
    Object.entries(c.flags)
      .map(([name]) => `--${name}`)
      .concat('--help')
      .join(' ');
  const cases = [
    ...TOP.map((c) => `    ${c.name}) words="${flagsOf(c)}" ;;`),
    ...GROUPS.map((g) => {
      const inner = g.commands.map((c) => `        ${c.name}) words="${flagsOf(c)}" ;;`).join('\n');
      return `    ${[g.name, ...(g.aliases ?? [])].join('|')})\n      case "\${COMP_WORDS[2]}" in\n${inner}\n        *) words="${g.commands.map((c) => c.name).join(' ')}" ;;\n      esac ;;`;
    }),
  ].join('\n');
  const top = [...TOP.map((c) => c.name), ...GROUPS.map((g) => g.name), 'completion', 'help'].join(' ');
  const script = `# dv shell completion: source <(dv completion ${shell})
_dv_complete() {
  local words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${top}"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    completion) words="bash zsh" ;;
    *) words="" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
`;
  return shell === 'bash' ? `${script}complete -F _dv_complete dv\n` : `autoload -U +X bashcompinit && bashcompinit\n${script}complete -F _dv_complete dv\n`;
}

/** Runs one `dv` invocation; the exit code. Errors go to stderr as one line (the API's message), never a stack. */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<ExitCode> {
  try {
    const [first, second, ...rest] = argv;
    if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
      ctx.out(help());
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === 'completion') {
      ctx.out(completion(second ?? ''));
      return EXIT.ok;
    }
    const top = TOP.find((c) => c.name === first);
    if (top !== undefined) {
      const args = [second, ...rest].filter((a): a is string => a !== undefined);
      if (args.includes('--help') || args.includes('-h')) return (ctx.out(commandHelp('', top)), EXIT.ok);
      await top.run(args, ctx);
      return EXIT.ok;
    }
    const group = groupOf(first);
    if (group === undefined) throw CliError.usage(`unknown command ${first}: see dv help`);
    const command = group.commands.find((c) => c.name === second);
    if (command === undefined) {
      ctx.out(`${group.summary}\n\n${group.commands.map((c) => `  dv ${group.name} ${c.name.padEnd(10)} ${c.summary}`).join('\n')}\n`);
      return second === undefined || second === '--help' || second === '-h' ? EXIT.ok : (ctx.err(`dv: unknown command ${group.name} ${second}\n`), EXIT.usage);
    }
    if (rest.includes('--help') || rest.includes('-h')) return (ctx.out(commandHelp(`${group.name} `, command)), EXIT.ok);
    await command.run(rest, ctx);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      if (error.message !== '') ctx.err(`dv: ${error.message}\n`);
      return error.exitCode;
    }
    ctx.err(`dv: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
