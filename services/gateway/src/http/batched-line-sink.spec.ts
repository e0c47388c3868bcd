import { BatchedLineSink } from './batched-line-sink';

describe('BatchedLineSink', () => {
  it('writes the lines of one turn of the event loop as one write, in order, and flushes what is left on demand', async () => {
    const writes: string[] = [];
    const sink = new BatchedLineSink({ write: (text: string) => writes.push(text) });
    sink.write('a\n');
    sink.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    sink.write('c\n');
    sink.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });
});
