import { HttpException } from '@nestjs/common';

import { databaseUnavailable, toProblem } from './problem-filter.js';

describe('database unavailable → 503', () => {
  const wrapped = (driverError: unknown) => Object.assign(new Error('query failed'), { driverError });

  it('recognises refused, reset and terminated connections, also wrapped by TypeORM', () => {
    expect(
      databaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(databaseUnavailable(wrapped(new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(databaseUnavailable(wrapped(Object.assign(new Error('server closed'), { code: '57P01' })))).toBe(true);
    expect(databaseUnavailable(wrapped(Object.assign(new Error('broken'), { code: '08006' })))).toBe(true);
    expect(
      databaseUnavailable(
        Object.assign(new Error('x'), { cause: new Error('timeout exceeded when trying to connect') }),
      ),
    ).toBe(true);
  });

  it('leaves bugs and refusals alone', () => {
    expect(databaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(databaseUnavailable(wrapped(Object.assign(new Error('duplicate key'), { code: '23505' })))).toBe(false);
    expect(toProblem(new TypeError('bug')).status).toBe(500);
    expect(toProblem(new HttpException('nope', 404)).status).toBe(404);
  });

  it('answers 503 with a problem that says nothing was acknowledged', () => {
    const problem = toProblem(wrapped(new Error('Connection terminated')));
    expect(problem.status).toBe(503);
    expect(problem.code).toBe('SERVICE.DATABASE_UNAVAILABLE');
    expect(problem.message).toMatch(/nothing was acknowledged/);
  });
});
