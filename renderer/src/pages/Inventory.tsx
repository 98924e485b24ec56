import type { BrowserExtensionDto, ListeningPortDto } from '../../../src/api/contract';
import { ErrorMessage, Loading } from '../components/Feedback';
import { SortableTable } from '../components/SortableTable';
import { useApp, useLoad } from '../state';

export function Ports() {
  const { api, revision } = useApp();
  const { data, error, loading, reload } = useLoad(() => api.listPorts({}), [api, revision]);
  if (loading && !data) return <Loading what="listening ports" />;
  if (error) return <ErrorMessage title="Listening ports could not be listed" message={error} onRetry={reload} />;
  return (
    <section aria-labelledby="ports-title">
      <h1 id="ports-title">Listening ports</h1>
      <SortableTable<ListeningPortDto>
        caption="Programs accepting connections"
        rows={data ?? []}
        rowKey={(row) => `${row.protocol}|${row.address}|${row.port}|${row.pid}`}
        columns={[
          { key: 'process', label: 'Process' },
          { key: 'port', label: 'Port', numeric: true },
          { key: 'protocol', label: 'Protocol' },
          { key: 'address', label: 'Address' },
          {
            key: 'exposed',
            label: 'Reachable from the network',
            render: (row) => (row.exposed ? (row.allowed ? 'Yes (allowed)' : 'Yes') : 'No (this computer only)'),
          },
          { key: 'path', label: 'Path' },
        ]}
      />
    </section>
  );
}

export function Extensions() {
  const { api, revision } = useApp();
  const { data, error, loading, reload } = useLoad(() => api.listExtensions({}), [api, revision]);
  if (loading && !data) return <Loading what="browser extensions" />;
  if (error) return <ErrorMessage title="Browser extensions could not be listed" message={error} onRetry={reload} />;
  return (
    <section aria-labelledby="extensions-title">
      <h1 id="extensions-title">Browser extensions</h1>
      <SortableTable<BrowserExtensionDto>
        caption="Extensions osquery can see"
        rows={data ?? []}
        rowKey={(row) => `${row.browser}|${row.user}|${row.profile}|${row.identifier}`}
        columns={[
          { key: 'name', label: 'Name' },
          { key: 'browser', label: 'Browser' },
          { key: 'user', label: 'User' },
          { key: 'enabled', label: 'Enabled', render: (row) => (row.enabled ? 'Yes' : 'No') },
          { key: 'risk', label: 'Risk', render: (row) => row.risk || 'None found' },
          { key: 'version', label: 'Version' },
        ]}
      />
    </section>
  );
}
