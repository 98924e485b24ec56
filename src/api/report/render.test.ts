import { describe, expect, it } from 'vitest';
import { sampleReportData } from '../../../test/helpers/report-data.js';
import { isReportFormat, renderReport } from './render.js';

describe('renderReport', () => {
  it('gives each format its text, media type and a dated file name', () => {
    const data = sampleReportData();
    expect(renderReport(data, 'html')).toMatchObject({ mediaType: 'text/html;charset=utf-8', fileName: 'porchlight-report-2026-11-27.html', text: expect.stringMatching(/^<!doctype html>/) });
    expect(JSON.parse(renderReport(data, 'json').text)).toMatchObject({ schemaVersion: 1 });
    expect(renderReport(data, 'json')).toMatchObject({ mediaType: 'application/json', fileName: 'porchlight-report-2026-11-27.json' });
    expect(renderReport(data, 'csv')).toMatchObject({ mediaType: 'text/csv;charset=utf-8', text: expect.stringMatching(/^check_id,check,/) });
    expect(['html', 'json', 'csv', 'pdf', 'HTML'].map(isReportFormat)).toEqual([true, true, true, false, false]);
  });
});
