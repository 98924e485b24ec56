import type { BrowserExtensionDto, ListeningPortDto } from '../../../src/api/contract';
import { ErrorMessage, Loading } from '../components/Feedback';
import { SortableTable, type Column } from '../components/SortableTable';
import { useApp, useLoad } from '../state';
import type { PorchlightClient } from '../../../src/api/client';

interface InventoryProps<Row> {
  id: string;
  title: string;
  what: string;
  caption: string;
  load: (api: PorchlightClient) => Promise<Row[]>;
  rowKey: (row: Row) => string;
  columns: Column<Row>[];
}

/** A page listing what osquery sees, reloaded after every scan, as a sortable, filterable table. */
function InventoryPage<Row extends object>({ id, title, what, caption, load, rowKey, columns }: InventoryProps<Row>) {
  const { api, revision } = useApp();
  const { data, error, loading, reload } = useLoad(() => load(api), [api, revision]);
  if (loading && !data) return <Loading what={what} />;
  if (error) return <ErrorMessage title={`${title} could not be listed`} message={error} onRetry={reload} />;
  return (
    <section aria-labelledby={id}>
      <h1 id={id}>{title}</h1>
      <SortableTable<Row> caption={caption} rows={data ?? []} rowKey={rowKey} columns={columns} />
    </section>
  );
}

export function Ports() {
  return (
    <InventoryPage<ListeningPortDto>
      id="ports-title"
      title="Listening ports"
      what="listening ports"
      caption="Programs accepting connections"
      load={(api) => api.listPorts({})}
      rowKey={(row) => `${row.protocol}|${row.address}|${row.port}|${row.pid}`}
      columns={[
        { key: 'process', label: 'Process' },
        { key: 'port', label: 'Port', numeric: true },
        { key: 'protocol', label: 'Protocol' },
        { key: 'address', label: 'Address' },
        {
          key: 'judgement',
          label: 'Judged',
          render: (row) => (row.judgement === 'counted' ? 'Open to the network' : row.note ? `${row.judgement}: ${row.note}` : row.judgement),
        },
        { key: 'path', label: 'Path' },
      ]}
    />
  );
}

export function Extensions() {
  return (
    <InventoryPage<BrowserExtensionDto>
      id="extensions-title"
      title="Browser extensions"
      what="browser extensions"
      caption="Extensions osquery can see"
      load={(api) => api.listExtensions({})}
      rowKey={(row) => `${row.browser}|${row.user}|${row.profile}|${row.identifier}`}
      columns={[
        { key: 'name', label: 'Name' },
        { key: 'browser', label: 'Browser' },
        { key: 'source', label: 'From' },
        { key: 'sites', label: 'Site access', render: (row) => row.sites || 'none' },
        { key: 'granted', label: 'Permissions', render: (row) => row.granted.join(', ') },
        { key: 'mayRequest', label: 'May ask for', render: (row) => row.mayRequest.join(', ') },
        { key: 'enabled', label: 'Enabled', render: (row) => (row.enabled === 'unknown' ? 'cannot tell' : row.enabled) },
        { key: 'risk', label: 'Verdict', render: (row) => (row.risk ? `Counted: ${row.risk}` : row.note || 'Nothing to worry about') },
      ]}
    />
  );
}
