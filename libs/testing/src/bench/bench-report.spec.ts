import { compare, formatReport, measure } from './bench-report.js';

describe('bench report', () => {
  it('measures a rate and compares it with a baseline', async () => {
    const baseline = { name: 'bare', operations: 1000, seconds: 1, perSecond: 1000 };
    const row = await measure('ours', 10, () => undefined);
    const sut = compare({ ...row, perSecond: 500 }, baseline);
    expect(sut.baseline).toBe('bare');
    expect(sut.ratio).toBeCloseTo(0.5);
  });

  it('prints a table with the ratio and a JSON line', () => {
    const sut = formatReport({
      bench: 'x',
      date: '2026-01-01',
      machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 24, node: 'v20' },
      rows: [
        { name: 'bare', operations: 1000, seconds: 1, perSecond: 1000 },
        { name: 'ours', operations: 1000, seconds: 2, perSecond: 500, baseline: 'bare', ratio: 0.5 },
      ],
    });
    expect(sut).toMatch(/ours\s+1,000\s+2\.000\s+500\s+bare\s+50\.0%/);
    expect(JSON.parse(sut.split('JSON ')[1]!).rows).toHaveLength(2);
  });
});
