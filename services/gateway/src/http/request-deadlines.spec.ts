import { type DeadlineReply, RequestDeadlineError, RequestDeadlines } from './request-deadlines';

function fakeReply(): DeadlineReply & { answers: unknown[] } {
  const reply = {
    sent: false,
    raw: { destroyed: false },
    answers: [] as unknown[],
    send(payload?: unknown) {
      reply.answers.push(payload);
      reply.sent = true;
      return reply as never;
    },
  };
  return reply;
}

describe('RequestDeadlines', () => {
  let now = 0;
  const clock = (): number => now;
  let deadlines: RequestDeadlines;

  beforeEach(() => {
    now = 1_000;
    deadlines = new RequestDeadlines(1_500, clock);
  });
  afterEach(() => deadlines.stop());

  it('answers a request still unanswered at its deadline with a 503 error, once, and not before', () => {
    const reply = fakeReply();
    deadlines.track(reply);
    now += 1_499;
    deadlines.sweep();
    expect(reply.answers).toEqual([]);
    now += 1;
    deadlines.sweep();
    expect(reply.answers).toHaveLength(1);
    expect(reply.answers[0]).toBeInstanceOf(RequestDeadlineError);
    expect(reply.answers[0]).toMatchObject({ statusCode: 503 });
    deadlines.sweep();
    expect(reply.answers).toHaveLength(1);
    expect(deadlines.size).toBe(0);
  });

  it('leaves alone what was answered or whose connection is gone, and forgets them', () => {
    const answered = fakeReply();
    const gone = fakeReply();
    const late = fakeReply();
    deadlines.track(answered);
    deadlines.track(gone);
    deadlines.track(late);
    answered.sent = true;
    gone.raw.destroyed = true;
    now += 2_000;
    deadlines.sweep();
    expect([answered.answers, gone.answers, late.answers.length]).toEqual([[], [], 1]);
    expect(deadlines.size).toBe(0);
  });

  it('answers the requests past their deadline and keeps the later ones (arrival order is deadline order)', () => {
    const first = fakeReply();
    deadlines.track(first);
    now += 1_000;
    const second = fakeReply();
    deadlines.track(second);
    now += 600;
    deadlines.sweep();
    expect([first.answers.length, second.answers.length, deadlines.size]).toEqual([1, 0, 1]);
    now += 1_000;
    deadlines.sweep();
    expect([second.answers.length, deadlines.size]).toEqual([1, 0]);
  });

  it('forgets an answered request at onResponse', () => {
    const reply = fakeReply();
    const done = jest.fn();
    deadlines.onRequest({} as never, reply as never, done);
    expect(deadlines.size).toBe(1);
    deadlines.onResponse({} as never, reply as never, done);
    expect(deadlines.size).toBe(0);
    expect(done).toHaveBeenCalledTimes(2);
  });

  it('sweeps on its own timer', async () => {
    const real = new RequestDeadlines(100);
    const reply = fakeReply();
    real.track(reply);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(reply.answers).toHaveLength(1);
    real.stop();
  });
});
