import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { PorchlightClient } from '../../src/api/client';
import type { ScanReportDto, Status } from '../../src/api/contract';
import { errorMessage } from '../../src/api/error-message';

export interface AppState {
  api: PorchlightClient;
  status: Status | undefined;
  report: ScanReportDto | null | undefined;
  /** Why the last status load failed (the bridge is gone, say). */
  connectionError: string | undefined;
  scanning: boolean;
  scanError: string | undefined;
  scanNow: () => Promise<void>;
  refresh: () => Promise<void>;
  /** Bumped on every scan and state change, so pages reload what they show. */
  revision: number;
}

const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside <AppProvider>');
  return state;
}

export function AppProvider({ api, children }: { api: PorchlightClient; children: React.ReactNode }) {
  const [status, setStatus] = useState<Status>();
  const [report, setReport] = useState<ScanReportDto | null>();
  const [connectionError, setConnectionError] = useState<string>();
  const [scanError, setScanError] = useState<string>();
  const [requested, setRequested] = useState(false);
  const [revision, setRevision] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const [nextStatus, last] = await Promise.all([api.getStatus({}), api.getLastReport({})]);
      setStatus(nextStatus);
      setReport(last.report);
      setConnectionError(undefined);
      setRevision((r) => r + 1);
    } catch (error) {
      setConnectionError(errorMessage(error));
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    return api.onEvent(
      (name) => {
        if (name !== 'finding-new' && name !== 'finding-resolved') void refresh();
      },
      () => void refresh(),
    );
  }, [api, refresh]);

  const scanNow = useCallback(async () => {
    setRequested(true);
    setScanError(undefined);
    try {
      setReport(await api.scanNow({}));
    } catch (error) {
      setScanError(errorMessage(error));
    } finally {
      setRequested(false);
      await refresh();
    }
  }, [api, refresh]);

  const value: AppState = {
    api,
    status,
    report,
    connectionError,
    scanning: requested || (status?.scanning ?? false),
    scanError,
    scanNow,
    refresh,
    revision,
  };
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

/** Loads something from the API, again whenever `deps` change; says loading and errors plainly. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | undefined; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, nonce]);
  return { data, error, loading, reload: () => setNonce((n) => n + 1) };
}
