import { describe, expect, it } from 'vitest';
import { moneyFigure, percentFigure, setReportingCurrency } from '@/lib/domain/format';
import { decimal, toCsv } from '@/lib/web/export/csv';
import { aboutRows, kpiTable, localIso } from '@/lib/web/export/tiles';

describe('toCsv', () => {
  it('quotes only what needs quoting and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['plain', 12],
          ['with, comma', 'say "hi"'],
          ['multi\nline', null],
        ],
      ),
    ).toBe('a,b\r\nplain,12\r\n"with, comma","say ""hi"""\r\n"multi\nline",\r\n');
  });
});

describe('localIso', () => {
  it('writes instants in the view time zone with their offset', () => {
    expect(localIso('2026-03-01T10:15:30.000Z', 'America/New_York')).toBe('2026-03-01T05:15:30-05:00');
    expect(localIso('2026-07-01T10:15:00.000Z', 'America/New_York')).toBe('2026-07-01T06:15:00-04:00');
    expect(localIso('2026-01-01T00:00:00.000Z', 'Asia/Kolkata')).toBe('2026-01-01T05:30:00+05:30');
    expect(localIso('2026-01-01T00:00:00.000Z', 'UTC')).toBe('2026-01-01T00:00:00+00:00');
  });
});

describe('figures as the page shows them', () => {
  it('writes amounts in major units with every digit, shares and changes rounded as shown', () => {
    setReportingCurrency('USD');
    expect(moneyFigure(123456)).toBe('1234.56');
    expect(moneyFigure(-5)).toBe('-0.05');
    expect(moneyFigure('90071992547409931')).toBe('900719925474099.31');
    expect(percentFigure(0.12345)).toBe('12.3');
    expect(percentFigure(1)).toBe('100.0');
    setReportingCurrency('JPY');
    expect(moneyFigure(1234)).toBe('1234');
    setReportingCurrency('USD');
  });

  it('keeps decimal figures numbers while text that could run as a formula is neutralised', () => {
    expect(toCsv(['a', 'b'], [[decimal('-12.50'), '-12.50']])).toBe("a,b\r\n-12.50,'-12.50\r\n");
    expect(() => decimal('=1+1')).toThrow();
  });

  it('names the view above the table: range, compared period and as-of in its zone, the units', () => {
    setReportingCurrency('EUR');
    const csv = toCsv(
      ['Metric'],
      [['Revenue']],
      aboutRows('Key figures', {
        range: { from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T11:00:00.000Z' },
        tz: 'Europe/Berlin',
        previous: {
          compare: 'last_week',
          range: { from: '2026-02-22T10:00:00.000Z', to: '2026-02-22T11:00:00.000Z' },
        },
        freshness: { as_of: '2026-03-01T10:59:58.000Z' },
      }),
    );
    expect(csv).toBe(
      [
        'Pulse export,Key figures',
        'From,2026-03-01T11:00:00+01:00',
        'To (exclusive),2026-03-01T12:00:00+01:00',
        'Compared with,same time last week: 2026-02-22T11:00:00+01:00 to 2026-02-22T12:00:00+01:00 (exclusive)',
        'Time zone,Europe/Berlin',
        'As of,2026-03-01T11:59:58+01:00',
        'Amounts,"EUR, major units"',
        'Shares and changes,"percent, rounded as shown"',
        '',
        'Metric',
        'Revenue',
        '',
      ].join('\r\n'),
    );
    setReportingCurrency('USD');
  });

  it('gives the key figures with their change in percent, empty where there is nothing to compare', () => {
    const totals = {
      revenue_cents: 15000,
      gross_cents: 16000,
      refund_cents: 1000,
      orders: 3,
      units: 4,
      aov_cents: 5000,
    };
    const previous = { revenue_cents: 0, gross_cents: 8000, refund_cents: 1000, orders: 2, units: 4, aov_cents: 4000 };
    const { header, rows } = kpiTable(totals, previous);
    expect(header).toEqual(['Metric', 'Unit', 'Value', 'Previous period', 'Change', 'Change (%)']);
    expect(toCsv(header, rows).split('\r\n').slice(1, 5)).toEqual([
      'Revenue,USD,150.00,0.00,150.00,',
      'Gross sales,USD,160.00,80.00,80.00,100.0',
      'Refunds,USD,10.00,10.00,0.00,0.0',
      'Orders,count,3,2,1,50.0',
    ]);
  });
});
