import { DomainError } from './domain-error.js';

/**
 * A decider: `decide(command, state) → events`, `evolve(state, event) → state`.
 * Pure functions; the service loads state, decides and appends.
 */
export interface Decider<Command, Event, State> {
  initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/**
 * given(events).when(command).then(events) | .thenRefuses(code, field) —
 * the shape of domain tests (after Oskar Dudycz's event-sourcing samples).
 */
export function specFor<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then: (expected: Event[]) => expect(run()).toEqual(expected),
        thenRefuses: (code: string, field?: string) => {
          let error: unknown;
          try {
            run();
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (field !== undefined) expect((error as DomainError).field).toBe(field);
        },
      };
    },
  });
}
