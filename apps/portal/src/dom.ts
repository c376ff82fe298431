import { readJsonAnswer } from './read-json.js';

/** Attributes of an element; `class` and `data-*` included. Values are set as attributes, never as HTML. */
type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

/**
 * Builds an element. Text always goes in as text nodes: whatever a receipt
 * or a department says is shown, never interpreted as markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces the children of `parent`. */
export function show(parent: Element, ...children: Array<Child | Child[]>): void {
  parent.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A date as people read it, with the exact instant kept in the element for machines. */
export function when(iso: string | undefined | null): HTMLTimeElement | string {
  if (!iso) return 'unknown';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h(
    'time',
    { datetime: iso },
    date.toLocaleString('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }) + ' UTC',
  );
}

/** A problem+json (RFC 9457) answer in one sentence, or the status when the body is not one. */
export async function problemOf(response: Response): Promise<string> {
  try {
    const body = (await readJsonAnswer(response, 'the problem')) as {
      title?: string;
      detail?: string;
      errors?: Array<{ field: string; reason: string }>;
    };
    const fields = (body.errors ?? []).map((error) => `${error.field} ${error.reason}`).join('; ');
    return [body.detail ?? body.title ?? `HTTP ${response.status}`, fields].filter(Boolean).join(' — ');
  } catch {
    return `HTTP ${response.status}`;
  }
}
