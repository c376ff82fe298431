import { maxOf, parsePrometheusText, sumOf } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  const page = [
    '# HELP registry_bus_consumer_lag_records Records not applied yet',
    '# TYPE registry_bus_consumer_lag_records gauge',
    'registry_bus_consumer_lag_records{topic="gov.land.ledger.v2"} 3',
    'registry_bus_consumer_lag_records{topic="gov.credit.ledger.v2"} 4',
    'registry_bus_relay_lag_seconds 0.25',
    'registry_bus_alarms{kind="head-mismatch",note="a \\"quoted\\" value, with comma"} 1 1700000000000',
    'registry_bus_http_request_duration_seconds_bucket{le="+Inf"} 12',
    'not a sample line at all {',
    '# HELP registry_bus_consumer_quarantined_records Parked records',
    '# TYPE registry_bus_consumer_quarantined_records gauge',
    '',
  ].join('\n');

  it('reads names, labels (with escapes and commas) and values, skipping comments and junk', () => {
    const { samples } = parsePrometheusText(page);
    expect(samples).toHaveLength(5);
    expect(samples[3]).toEqual({
      name: 'registry_bus_alarms',
      labels: { kind: 'head-mismatch', note: 'a "quoted" value, with comma' },
      value: 1,
    });
    expect(samples[4]!.labels).toEqual({ le: '+Inf' });
  });

  it('sums a metric over its label sets, and tells a declared metric without series (0) from an unknown one', () => {
    const scraped = parsePrometheusText(page);
    expect(sumOf(scraped, 'registry_bus_consumer_lag_records')).toBe(7);
    expect(sumOf(scraped, 'registry_bus_relay_lag_seconds')).toBe(0.25);
    expect(sumOf(scraped, 'registry_bus_consumer_quarantined_records')).toBe(0);
    expect(sumOf(scraped, 'registry_bus_no_such_metric')).toBeUndefined();
  });

  it('takes the largest sample of a metric (the oldest unpublished entry over the shards)', () => {
    const scraped = parsePrometheusText(page);
    expect(maxOf(scraped, 'registry_bus_consumer_lag_records')).toBe(4);
    expect(maxOf(scraped, 'registry_bus_consumer_quarantined_records')).toBe(0);
    expect(maxOf(scraped, 'registry_bus_no_such_metric')).toBeUndefined();
  });
});
