import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir.js';

describe('resolveDataDir', () => {
  it('takes --data-dir, then PORCHLIGHT_HOME', () => {
    expect(resolveDataDir({ flag: 'mine', env: { PORCHLIGHT_HOME: '/elsewhere' } })).toBe(path.resolve('mine'));
    expect(resolveDataDir({ env: { PORCHLIGHT_HOME: '/elsewhere' } })).toBe(path.resolve('/elsewhere'));
  });

  it("is the user's app-data folder on each OS, machine-local on Windows rather than roaming", () => {
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/Porchlight');
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/ann' })).toBe('/home/ann/.config/Porchlight');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/home/ann/cfg' }, platform: 'linux', home: '/home/ann' })).toBe('/home/ann/cfg/Porchlight');
    const windows = { LOCALAPPDATA: 'C:\\Users\\José\\AppData\\Local', APPDATA: 'C:\\Users\\José\\AppData\\Roaming' };
    expect(resolveDataDir({ env: windows, platform: 'win32', home: 'C:\\Users\\José' })).toBe('C:\\Users\\José\\AppData\\Local\\Porchlight');
    expect(resolveDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\José' })).toBe('C:\\Users\\José\\AppData\\Local\\Porchlight');
  });
});
