import { BatchedLineSink } from './batched-line-sink';

describe('BatchedLineSink', () => {
  afterEach(() => jest.useRealTimers());

  it('writes the lines gathered within maxDelayMs as one write, in order, and flushes what is left on demand', () => {
    jest.useFakeTimers();
    const writes: string[] = [];
    const sink = new BatchedLineSink({ write: (text: string) => writes.push(text) }, { maxDelayMs: 100, maxChars: 1000 });
    sink.write('a\n');
    jest.advanceTimersByTime(60);
    sink.write('b\n');
    expect(writes).toEqual([]);
    // The first line's delay counts: both go 100 ms after it, not after the last.
    jest.advanceTimersByTime(40);
    expect(writes).toEqual(['a\nb\n']);
    sink.write('c\n');
    sink.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    jest.advanceTimersByTime(1000);
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when maxChars are waiting, then waits again for the next lines', () => {
    jest.useFakeTimers();
    const writes: string[] = [];
    const sink = new BatchedLineSink({ write: (text: string) => writes.push(text) }, { maxDelayMs: 100, maxChars: 6 });
    sink.write('aa\n');
    expect(writes).toEqual([]);
    sink.write('bb\n');
    expect(writes).toEqual(['aa\nbb\n']);
    sink.write('c\n');
    expect(writes).toEqual(['aa\nbb\n']);
    jest.advanceTimersByTime(100);
    expect(writes).toEqual(['aa\nbb\n', 'c\n']);
  });

  it('survives a target that throws', () => {
    const sink = new BatchedLineSink(
      {
        write: () => {
          throw new Error('EPIPE');
        },
      },
      { maxDelayMs: 100, maxChars: 1 },
    );
    expect(() => sink.write('a\n')).not.toThrow();
  });

  it('does not keep the process alive while lines wait', () => {
    const sink = new BatchedLineSink({ write: () => undefined });
    sink.write('a\n');
    const timer = (sink as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    sink.flush();
  });
});
