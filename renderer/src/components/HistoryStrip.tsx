import type { HistoryEntryDto } from '../../../src/api/contract';
import { historyStrip, stripSummary } from '../../../src/api/report/pictures';
import { usePointedPart } from './pointed-part';

const WIDTH = 1000;
const HEIGHT = 28;

/**
 * A check's status over time, one coloured segment per result (the same geometry as the HTML
 * report's). Each segment says what it was on hover and on keyboard focus; `describedBy` names
 * the list that says it all in words.
 */
export function HistoryStrip({ title, history, describedBy }: { title: string; history: HistoryEntryDto[]; describedBy: string }) {
  const { active, track } = usePointedPart();
  const segments = historyStrip(history);
  return (
    <figure className="picture">
      <svg className="strip" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="group" aria-label={stripSummary(title, history)} aria-describedby={describedBy}>
        <rect className="strip-bg" x={0} y={0} width={WIDTH} height={HEIGHT} />
        {segments.map((segment, i) => (
          <rect
            key={i}
            className={`segment fill-${segment.status}`}
            x={segment.x * WIDTH}
            y={0}
            width={segment.width * WIDTH}
            height={HEIGHT}
            {...track(i, segment.label)}
          >
            <title>{segment.label}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="meta" aria-live="polite">
        {active === undefined ? 'Point at or tab to a segment to see that result.' : segments[active]?.label}
      </figcaption>
    </figure>
  );
}
