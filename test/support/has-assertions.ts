// Every test asserts something: one that only waits (passing because a wait did not time out) or
// only runs code fails here. A wait returns what it waited for, for the test to assert.
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
