import { describe, expect, it } from 'vitest';
import { RETRY_AFTER_TIMEOUT_COST, RETRY_COST, RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('starts full at 500 and allows 100 plain retries', () => {
    const budget = new RetryBudget();
    let granted = 0;
    for (let i = 0; i < 200; i++) if (budget.tryAcquire(RETRY_COST)) granted++;
    expect(granted).toBe(100);
    expect(budget.tokens).toBe(0);
    expect(budget.tryAcquire(RETRY_COST)).toBe(false);
  });

  it('charges 10 after a timeout and refuses when fewer tokens remain', () => {
    const budget = new RetryBudget(15);
    expect(budget.tryAcquire(RETRY_AFTER_TIMEOUT_COST)).toBe(true);
    expect(budget.tokens).toBe(5);
    expect(budget.tryAcquire(RETRY_AFTER_TIMEOUT_COST)).toBe(false);
    expect(budget.tokens).toBe(5);
  });

  it('refunds a retried call that succeeds, capped at capacity', () => {
    const budget = new RetryBudget();
    budget.tryAcquire(5);
    budget.tryAcquire(10);
    expect(budget.tokens).toBe(485);
    budget.refund(15);
    expect(budget.tokens).toBe(500);
    budget.refund(15);
    expect(budget.tokens).toBe(500);
  });

  it('adds 1 per first-attempt success, capped', () => {
    const budget = new RetryBudget();
    budget.tryAcquire(5);
    budget.recordFirstAttemptSuccess();
    expect(budget.tokens).toBe(496);
    for (let i = 0; i < 10; i++) budget.recordFirstAttemptSuccess();
    expect(budget.tokens).toBe(500);
  });
});
