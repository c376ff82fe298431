import { parseStrictJson } from '@registry-bus/protocol';

/**
 * Every JSON the page reads (answers, a dropped receipt) goes through the
 * strict parser the verifier's other paths use: a duplicate key or a
 * `__proto__` is refused by name, never resolved one way here and another there.
 */
export const readJson = (text: string, what: string): unknown => parseStrictJson(text, what);

/** The body of an answer, read strictly. */
export const readJsonAnswer = async (response: Response, what: string): Promise<unknown> =>
  readJson(await response.text(), what);
