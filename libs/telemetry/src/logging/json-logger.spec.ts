import { Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { startTelemetry, type Telemetry } from '../tracing/start-telemetry';
import { JsonLogger, type JsonLoggerOptions } from './json-logger';

function capture(options: JsonLoggerOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const logger = new JsonLogger('volume', {
    level: 'debug',
    ...options,
    stdout: { write: (l: string) => out.push(l) },
    stderr: { write: (l: string) => err.push(l) },
  });
  const parse = (lines: string[]) =>
    lines.map((line) => {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      return JSON.parse(line) as Record<string, unknown>;
    });
  return { logger, out: () => parse(out), err: () => parse(err) };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with the fixed keys first, then the fields', () => {
    const { logger, out } = capture();
    logger.info('volume registered', { volumeId: 'v1', sizeGi: 20 });
    const [line] = out();
    expect(Object.keys(line ?? {})).toEqual(['time', 'level', 'service', 'msg', 'volumeId', 'sizeGi']);
    expect(line).toEqual({ time: expect.any(String), level: 'info', service: 'volume', msg: 'volume registered', volumeId: 'v1', sizeGi: 20 });
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
  });

  it('sends error and fatal to stderr, the rest to stdout', () => {
    const { logger, out, err } = capture();
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(out().map((l) => l['level'])).toEqual(['debug', 'info', 'warn']);
    expect(err().map((l) => l['level'])).toEqual(['error', 'fatal']);
  });

  it('filters by level, LOG_LEVEL being the default', () => {
    const { logger, out, err } = capture({ level: 'warn' });
    logger.debug('no');
    logger.info('no');
    logger.log('no');
    logger.warn('yes');
    logger.error('yes');
    expect([...out(), ...err()].map((l) => l['msg'])).toEqual(['yes', 'yes']);

    process.env['LOG_LEVEL'] = 'ERROR';
    try {
      const fromEnv = new JsonLogger('volume', { stdout: { write: () => true }, stderr: { write: () => true } });
      expect(fromEnv.isLevelEnabled('warn')).toBe(false);
      expect(fromEnv.isLevelEnabled('fatal')).toBe(true);
    } finally {
      delete process.env['LOG_LEVEL'];
    }
    expect(new JsonLogger('volume').isLevelEnabled('info')).toBe(true);
    expect(new JsonLogger('volume').isLevelEnabled('debug')).toBe(false);
  });

  it('serializes an Error argument with name, message and stack', () => {
    const { logger, err } = capture();
    const cause = new Error('connection refused');
    const error = Object.assign(new TypeError('mount failed', { cause }), { code: 'EMOUNT' });
    logger.error('could not mount', error, { volumeId: 'v1' });
    logger.error(new RangeError('bad size'));
    const [first, second] = err();
    expect(first).toMatchObject({
      msg: 'could not mount',
      volumeId: 'v1',
      err: {
        name: 'TypeError',
        message: 'mount failed',
        code: 'EMOUNT',
        stack: expect.stringContaining('TypeError: mount failed'),
        cause: { message: 'connection refused' },
      },
    });
    expect(second).toMatchObject({ msg: 'bad size', err: { name: 'RangeError', message: 'bad size' } });
  });

  it('does not throw on circular objects, bigints or throwing getters', () => {
    const { logger, out } = capture();
    const node: Record<string, unknown> = { name: 'a' };
    node['self'] = node;
    const shared = { x: 1 };
    logger.info('cycle', { node, pair: [shared, shared], big: 10n });
    expect(out()[0]).toMatchObject({ node: { name: 'a', self: '[Circular]' }, pair: [{ x: 1 }, { x: 1 }], big: '10' });

    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(() => logger.info('hostile', { hostile })).not.toThrow();
    expect(out()[1]).toMatchObject({ msg: 'hostile', logError: 'fields could not be serialized' });

    const errorCycle = new Error('loop');
    (errorCycle as Error & { cause?: unknown }).cause = errorCycle;
    expect(() => logger.warn('error cycle', errorCycle)).not.toThrow();
    expect(out()[2]).toMatchObject({ err: { message: 'loop', cause: '[Circular]' } });
  });

  it('never lets a failing stream throw into the caller', () => {
    const logger = new JsonLogger('volume', {
      stdout: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    expect(() => logger.info('x')).not.toThrow();
  });

  it('keeps fixed keys from being overwritten by fields', () => {
    const { logger, out } = capture();
    logger.info('real', { msg: 'fake', level: 'fatal', user: 'u1' });
    expect(out()[0]).toMatchObject({ msg: 'real', level: 'info', _msg: 'fake', _level: 'fatal', user: 'u1' });
  });

  it('understands the calling conventions of Nest', () => {
    const { logger, out, err } = capture();
    logger.log('Mapped route', 'RoutesResolver');
    logger.error('Unhandled', 'Error: x\n    at foo (/app/main.js:1:2)', 'ExceptionHandler');
    logger.error('no stack', undefined, 'ExceptionsHandler');
    logger.warn({ msg: 'object message', volumeId: 'v2' }, 'VolumeService');
    logger.log('extra', 'value', 'Ctx');
    expect(out()).toEqual([
      expect.objectContaining({ msg: 'Mapped route', context: 'RoutesResolver' }),
      expect.objectContaining({ msg: 'object message', volumeId: 'v2', context: 'VolumeService', level: 'warn' }),
      expect.objectContaining({ msg: 'extra', context: 'Ctx', args: ['value'] }),
    ]);
    expect(err()).toEqual([
      expect.objectContaining({ msg: 'Unhandled', context: 'ExceptionHandler', stack: expect.stringContaining('at foo') }),
      expect.objectContaining({ msg: 'no stack', context: 'ExceptionsHandler' }),
    ]);
  });

  it('works as the logger behind Nest Logger instances, honouring setLogLevels', () => {
    const { logger, out, err } = capture();
    Logger.overrideLogger(logger);
    try {
      const nest = new Logger('VolumeService');
      nest.log('hello');
      nest.error('failed');
      nest.verbose('chatty');
      logger.setLogLevels(['error', 'warn', 'log']);
      nest.verbose('suppressed');
      nest.debug('suppressed');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(out()).toEqual([
      expect.objectContaining({ msg: 'hello', context: 'VolumeService', level: 'info' }),
      expect.objectContaining({ msg: 'chatty', context: 'VolumeService', level: 'debug' }),
    ]);
    expect(err()).toEqual([expect.objectContaining({ msg: 'failed', context: 'VolumeService', level: 'error' })]);
  });

  it('makes child loggers with their own context and fields', () => {
    const { logger, out } = capture({ fields: { pod: 'p1' } });
    logger.child('Reconciler', { shard: 2 }).info('tick');
    expect(out()[0]).toMatchObject({ context: 'Reconciler', pod: 'p1', shard: 2, msg: 'tick' });
  });

  describe('with telemetry started', () => {
    let telemetry: Telemetry;
    beforeAll(() => {
      telemetry = startTelemetry({ serviceName: 'volume', env: {}, instrumentations: false });
    });
    afterAll(() => telemetry.shutdown());

    it('adds traceId and spanId inside an active span, across awaits', async () => {
      const { logger, out } = capture();
      logger.info('outside');
      const ids = await telemetry.tracer.startActiveSpan('handle', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('inside');
        span.end();
        return span.spanContext();
      });
      const [outside, inside] = out();
      expect(outside).not.toHaveProperty('traceId');
      expect(inside).toMatchObject({ traceId: ids.traceId, spanId: ids.spanId });
      expect(inside?.['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.getActiveSpan()).toBeUndefined();
    });
  });
});
